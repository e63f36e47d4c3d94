import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { armor, enums, generateKey, type Key } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../error-catalogue.ts';
import { ChartroomError } from '../errors.ts';
import { loadPolicyKey, type CosignPolicyKey, type HelmPolicyKey } from './keys.ts';

const REGISTRY = 'registries/signed.yaml';
let base: string;
let root: string;
let rsa: Key;
let ecc: Key;

const sha256 = (bytes: Buffer | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function put(file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

async function refusal(policy: { provider: 'helm' | 'cosign'; key: string }): Promise<ChartroomError> {
  const error: unknown = await loadPolicyKey(root, REGISTRY, { ...policy, required: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChartroomError);
  const e = error as ChartroomError;
  expect(e.code).toBe('VerifyKeyInvalid');
  expect(exitCodeOf(e.code)).toBe(2);
  // names the registry file and the key path
  expect(e.message).toContain(REGISTRY);
  expect(e.message).toContain(JSON.stringify(policy.key));
  return e;
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'chartroom-trust-keys-'));
  root = path.join(base, 'repo');
  await mkdir(root);
  const userIDs = [{ name: 'Chart Publisher', email: 'publisher@example.invalid' }];
  rsa = (await generateKey({ type: 'rsa', rsaBits: 2048, userIDs, format: 'object' })).publicKey;
  ecc = (await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs, format: 'object' })).publicKey;
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('loadPolicyKey, helm: an OpenPGP keyring', () => {
  it('reads a binary keyring, with the sha256 of the file', async () => {
    const bytes = rsa.write();
    await put('keys/one.gpg', bytes);
    const key = (await loadPolicyKey(root, REGISTRY, {
      provider: 'helm',
      key: 'keys/one.gpg',
      required: false,
    })) as HelmPolicyKey;
    expect(key.provider).toBe('helm');
    expect(key.path).toBe('keys/one.gpg');
    expect(key.digest).toBe(sha256(bytes));
    expect(key.keys.map((k) => k.getFingerprint())).toEqual([rsa.getFingerprint()]);
  });

  it('reads an armored keyring of several keys, and a binary one of several keys', async () => {
    const binary = Buffer.concat([rsa.write(), ecc.write()]);
    await put('keys/two.gpg', binary);
    await put('keys/two.asc', armor(enums.armor.publicKey, binary));
    for (const file of ['keys/two.gpg', 'keys/two.asc']) {
      const key = (await loadPolicyKey(root, REGISTRY, {
        provider: 'helm',
        key: file,
        required: true,
      })) as HelmPolicyKey;
      expect(key.keys.map((k) => k.getFingerprint())).toEqual([rsa.getFingerprint(), ecc.getFingerprint()]);
    }
  });

  it('refuses a file that is not a keyring, naming the registry file, the key and what is wrong', async () => {
    await put('keys/not-a-keyring.gpg', 'just some text\n');
    const e = await refusal({ provider: 'helm', key: 'keys/not-a-keyring.gpg' });
    expect(e.message).toMatch(/is not an OpenPGP keyring/);
    expect(e.hint).toMatch(/gpg --export/);
    await put(
      'keys/bad-armor.asc',
      '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n',
    );
    expect((await refusal({ provider: 'helm', key: 'keys/bad-armor.asc' })).message).toMatch(/armored/);
  });

  it('refuses a keyring that holds a secret key', async () => {
    const { privateKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'x' }],
      format: 'armored',
    });
    await put('keys/secret.asc', privateKey);
    expect((await refusal({ provider: 'helm', key: 'keys/secret.asc' })).message).toMatch(/secret key/);
  });

  it('refuses a PEM key given for helm', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await put('keys/ec.pub', publicKey.export({ type: 'spki', format: 'pem' }));
    await refusal({ provider: 'helm', key: 'keys/ec.pub' });
  });
});

describe('loadPolicyKey, cosign: a PEM public key', () => {
  it.each([
    ['ECDSA P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['Ed25519', generateKeyPairSync('ed25519')],
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])('reads %s, its identity the sha256 of its SubjectPublicKeyInfo', async (name, pair) => {
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const file = `keys/${name.replace(/\W/g, '')}.pub`;
    await put(file, pem);
    const key = (await loadPolicyKey(root, REGISTRY, {
      provider: 'cosign',
      key: file,
      required: true,
    })) as CosignPolicyKey;
    expect(key.provider).toBe('cosign');
    expect(key.digest).toBe(sha256(Buffer.from(pem)));
    expect(key.identity).toBe(sha256(pair.publicKey.export({ type: 'spki', format: 'der' })));
  });

  it('refuses a bad PEM, a private key, an OpenPGP keyring and a key type cosign does not sign with', async () => {
    await put(
      'keys/bad.pub',
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n',
    );
    expect((await refusal({ provider: 'cosign', key: 'keys/bad.pub' })).message).toMatch(
      /is not a PEM public key/,
    );
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await put('keys/cosign.key', privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await refusal({ provider: 'cosign', key: 'keys/cosign.key' })).message).toMatch(/private key/);
    await put('keys/pgp.asc', armor(enums.armor.publicKey, rsa.write()));
    expect((await refusal({ provider: 'cosign', key: 'keys/pgp.asc' })).message).toMatch(
      /no -----BEGIN PUBLIC KEY/,
    );
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await put('keys/x25519.pub', x25519);
    expect((await refusal({ provider: 'cosign', key: 'keys/x25519.pub' })).message).toMatch(/x25519 key/);
  });
});

describe('loadPolicyKey: the key stays inside the repository', () => {
  it('refuses a path above the root, an absolute path, a symbolic link out of it, a missing file and a folder', async () => {
    const outside = path.join(base, 'outside.pub');
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await writeFile(outside, pem);
    expect((await refusal({ provider: 'cosign', key: '../outside.pub' })).message).toMatch(
      /outside the repository/,
    );
    expect((await refusal({ provider: 'cosign', key: 'keys/../../outside.pub' })).message).toMatch(/outside/);
    expect((await refusal({ provider: 'cosign', key: outside })).message).toMatch(
      /not a repository-relative path/,
    );
    await mkdir(path.join(root, 'keys'), { recursive: true });
    await symlink(outside, path.join(root, 'keys', 'link.pub'));
    expect((await refusal({ provider: 'cosign', key: 'keys/link.pub' })).message).toMatch(/symbolic link/);
    expect((await refusal({ provider: 'cosign', key: 'keys/none.pub' })).message).toMatch(/does not exist/);
    expect((await refusal({ provider: 'cosign', key: 'keys' })).message).toMatch(/is not a file/);
    // a link that stays inside is followed
    await put('keys/real.pub', pem);
    await symlink('real.pub', path.join(root, 'keys', 'inside.pub'));
    const key = await loadPolicyKey(root, REGISTRY, {
      provider: 'cosign',
      key: 'keys/inside.pub',
      required: true,
    });
    expect(key.digest).toBe(sha256(Buffer.from(pem)));
  });

  it('refuses a key file over 1 MiB without parsing it', async () => {
    await put('keys/huge.gpg', Buffer.alloc(1024 * 1024 + 1, 0x99));
    expect((await refusal({ provider: 'helm', key: 'keys/huge.gpg' })).message).toMatch(/larger than/);
  });
});
