/**
 * The key a registry's `verify:` policy names: an OpenPGP keyring (helm) or a PEM public key
 * (cosign), read from the repository. A pull request can add both the registry file and the key,
 * so the path is held to the repository like credential files are (src/inside-repository.ts), and
 * a file that is not what it should be is refused with what to commit instead.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { readKeys, type Key } from 'openpgp';
import { ChartroomError } from '../errors.ts';
import { insideRepository } from '../inside-repository.ts';
import type { VerifyPolicy } from './types.ts';

/** A keyring or public key larger than this is not a key (a public keyring of 100 keys is ~200 KiB). */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** At most this many keys in one keyring: the search for a signature's key stays short. */
export const MAX_KEYRING_KEYS = 256;

interface PolicyKeyBase {
  /** the repository-relative path, as the registry file names it */
  path: string;
  /** sha256:<hex> of the file: a changed key is seen as a changed policy */
  digest: string;
}

/** An OpenPGP keyring: the public keys a .prov may be signed with. */
export interface HelmPolicyKey extends PolicyKeyBase {
  provider: 'helm';
  keys: readonly Key[];
}

/** A cosign public key (`cosign.pub`). */
export interface CosignPolicyKey extends PolicyKeyBase {
  provider: 'cosign';
  key: KeyObject;
  /** sha256:<hex> of the key's SubjectPublicKeyInfo DER: the identity recorded for what it verifies */
  identity: string;
}

export type PolicyKey = HelmPolicyKey | CosignPolicyKey;

function invalid(registryFile: string, keyPath: string, what: string, hint?: string): ChartroomError {
  return new ChartroomError(
    'VerifyKeyInvalid',
    `${registryFile}: verify.key ${JSON.stringify(keyPath)} ${what}`,
    {
      hint,
    },
  );
}

/** Reads and parses the key file of a registry's policy; ChartroomError 'VerifyKeyInvalid' when it cannot be used. */
export async function loadPolicyKey(
  root: string,
  registryFile: string,
  policy: Pick<VerifyPolicy, 'provider' | 'required'> & { key: string },
): Promise<PolicyKey> {
  const keyPath = policy.key;
  const where = await insideRepository(root, keyPath);
  if ('refused' in where) {
    return Promise.reject(
      invalid(
        registryFile,
        keyPath,
        where.refused,
        'commit the public key in the repository and name it relative to its root',
      ),
    );
  }
  const stat = await lstat(where.real);
  if (!stat.isFile()) return Promise.reject(invalid(registryFile, keyPath, 'is not a file'));
  if (stat.size > MAX_KEY_FILE_BYTES) {
    return Promise.reject(
      invalid(registryFile, keyPath, `is larger than ${MAX_KEY_FILE_BYTES} bytes: it is not a public key`),
    );
  }
  const bytes = await readFile(where.real);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return policy.provider === 'helm'
    ? { provider: 'helm', path: keyPath, digest, keys: await parseKeyring(bytes, registryFile, keyPath) }
    : { provider: 'cosign', path: keyPath, digest, ...parsePublicKey(bytes, registryFile, keyPath) };
}

const KEYRING_HINT =
  "export the publisher's public keys with `gpg --export KEYID > keyring.gpg` (binary) or `gpg --armor --export KEYID` (armored)";

/** An OpenPGP keyring, armored or binary, of one or more public keys. */
export async function parseKeyring(bytes: Buffer, registryFile: string, keyPath: string): Promise<Key[]> {
  const text = bytes.toString('latin1');
  const armored = /^\s*-----BEGIN PGP /.test(text);
  let keys: Key[];
  try {
    keys = armored
      ? await readKeys({ armoredKeys: bytes.toString('utf8') })
      : await readKeys({ binaryKeys: new Uint8Array(bytes) });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw invalid(
      registryFile,
      keyPath,
      `is not an OpenPGP keyring (${armored ? 'armored' : 'binary'}: ${why.slice(0, 200)})`,
      KEYRING_HINT,
    );
  }
  if (keys.length === 0) throw invalid(registryFile, keyPath, 'holds no OpenPGP key', KEYRING_HINT);
  if (keys.length > MAX_KEYRING_KEYS) {
    throw invalid(
      registryFile,
      keyPath,
      `holds ${keys.length} keys, more than ${MAX_KEYRING_KEYS}`,
      KEYRING_HINT,
    );
  }
  if (keys.some((key) => key.isPrivate())) {
    throw invalid(
      registryFile,
      keyPath,
      'holds a secret key: commit only the public keyring, and treat that secret key as disclosed',
      KEYRING_HINT,
    );
  }
  return keys;
}

const PEM_HINT =
  'commit the public key cosign wrote beside the secret one (`cosign.pub`, `-----BEGIN PUBLIC KEY-----`)';

/** A PEM public key: ECDSA (P-256, as `cosign generate-key-pair` writes), RSA or Ed25519. */
export function parsePublicKey(
  bytes: Buffer,
  registryFile: string,
  keyPath: string,
): { key: KeyObject; identity: string } {
  const text = bytes.toString('utf8');
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw invalid(
      registryFile,
      keyPath,
      'is a private key: commit only the public key, and treat that private key as disclosed',
      PEM_HINT,
    );
  }
  if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    throw invalid(
      registryFile,
      keyPath,
      'is not a PEM public key (no -----BEGIN PUBLIC KEY----- block)',
      PEM_HINT,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw invalid(registryFile, keyPath, `is not a PEM public key (${why.slice(0, 200)})`, PEM_HINT);
  }
  if (!['ec', 'rsa', 'ed25519'].includes(key.asymmetricKeyType ?? '')) {
    throw invalid(
      registryFile,
      keyPath,
      `is a ${key.asymmetricKeyType ?? 'unknown'} key; cosign signatures are ECDSA, RSA or Ed25519`,
      PEM_HINT,
    );
  }
  const der = key.export({ type: 'spki', format: 'der' });
  return { key, identity: `sha256:${createHash('sha256').update(der).digest('hex')}` };
}
