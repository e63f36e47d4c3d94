/**
 * Decrypts a SOPS file (YAML or JSON) with age identities, in memory, and verifies its MAC:
 * a SHA-512 over every value in document order (decrypted ones as plaintext), stored
 * encrypted with the data key and the `lastmodified` time as additional data. A file whose
 * values, unencrypted values, structure or order changed after encryption is refused.
 * (`sops-age` on npm skips this check; chartroom does not.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Decrypter, armor, identityToRecipient } from 'age-encryption';
import { type Document } from 'yaml';
import { parseLocated } from '../../config/yaml-errors.ts';
import { ChartroomError } from '../../errors.ts';
import { decryptValue, macBytes, type SopsScalar } from './value.ts';
import { aadOf, leaves, rulesFrom, type EncryptionRules } from './tree.ts';
import { keyToSet, type Identities } from './age-identities.ts';

// sha256("sops"): prefixes the MAC when mac_only_encrypted is set, so the two kinds never collide
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

export interface SopsMetadata extends EncryptionRules {
  recipients: string[];
  ageStanzas: Array<{ recipient: string; enc: string }>;
  lastModified: string;
  mac: string;
  macOnlyEncrypted: boolean;
  version: string | undefined;
}

export function parseSopsDocument(text: string, file: string): { doc: Document; meta: SopsMetadata } {
  const { doc, syntax } = parseLocated(text);
  if (syntax) {
    throw new ChartroomError(
      'SopsInvalid',
      `${file}:${syntax.at.line}:${syntax.at.column} does not parse: ${syntax.message}`,
      {
        hint: `${syntax.hint}; or restore the file from git history`,
      },
    );
  }
  const sops = doc.get('sops') as { toJSON(): unknown } | undefined;
  const raw = (sops?.toJSON() ?? undefined) as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object') {
    throw new ChartroomError('SopsInvalid', `${file} has no sops metadata: it is not a SOPS-encrypted file`, {
      hint: 'encrypt it with sops, or create it with chartroom credential add',
    });
  }
  const age = Array.isArray(raw.age) ? (raw.age as Array<Record<string, unknown>>) : [];
  if (typeof raw.mac !== 'string' || typeof raw.lastmodified !== 'string') {
    throw new ChartroomError(
      'SopsInvalid',
      `${file}: the sops metadata has no mac or lastmodified; refusing a file whose integrity cannot be checked`,
    );
  }
  return {
    doc,
    meta: {
      recipients: age.map((a) => String(a.recipient)),
      ageStanzas: age.map((a) => ({ recipient: String(a.recipient), enc: String(a.enc) })),
      lastModified: raw.lastmodified,
      mac: raw.mac,
      macOnlyEncrypted: raw.mac_only_encrypted === true,
      version: typeof raw.version === 'string' && raw.version !== '' ? raw.version : undefined,
      ...rulesFrom(raw),
    },
  };
}

export async function decryptDataKey(
  meta: SopsMetadata,
  identities: Identities,
  file: string,
): Promise<Buffer> {
  if (meta.ageStanzas.length === 0) {
    throw new ChartroomError(
      'SopsNoAge',
      `${file} is not encrypted to any age recipient; chartroom decrypts age only`,
    );
  }
  const expected = meta.recipients.join(', ');
  if (identities.keys.length === 0) {
    const none = identities.source === 'none' ? 'no age key' : `${identities.source} holds no age key`;
    throw new ChartroomError(
      'AgeKeyMissing',
      `cannot decrypt ${file}: ${none}; ${keyToSet(identities).replace('one of them', 'one of its recipients')}: ${expected}`,
    );
  }
  const decrypter = new Decrypter();
  for (const key of identities.keys) {
    try {
      decrypter.addIdentity(key);
    } catch {
      throw new ChartroomError(
        'AgeKeyInvalid',
        `${identities.source} holds a line that is not an age identity (AGE-SECRET-KEY-1…)`,
      );
    }
  }
  for (const stanza of meta.ageStanzas) {
    try {
      const key = Buffer.from(await decrypter.decrypt(armor.decode(stanza.enc)));
      if (key.length === 32) return key;
    } catch {
      // not for our identities; try the next recipient
    }
  }
  throw await mismatch(file, identities, expected);
}

/**
 * The key read is not a recipient: which variable was read, the public key of each identity it
 * holds (never the identity), the file's recipients, and what to set.
 */
async function mismatch(file: string, identities: Identities, expected: string): Promise<ChartroomError> {
  const publics = (await Promise.all(identities.keys.map((k) => identityToRecipient(k)))).join(', ');
  const held =
    identities.keys.length === 1
      ? `the age key read from ${identities.source}, whose public key is ${publics}, is not one of`
      : `the age keys read from ${identities.source}, whose public keys are ${publics}, are not among`;
  return new ChartroomError(
    'AgeKeyMismatch',
    `cannot decrypt ${file}: ${held} the file's recipients (${expected}); ${keyToSet(identities)}, or have someone who holds one run chartroom credential rotate`,
  );
}

/** Decrypts in memory and verifies the MAC; returns the plaintext data without the sops metadata. */
export async function decryptSops(
  text: string,
  file: string,
  identities: Identities,
): Promise<Record<string, unknown>> {
  const { doc, meta } = parseSopsDocument(text, file);
  const key = await decryptDataKey(meta, identities, file);
  const hash = createHash('sha512');
  if (meta.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  for (const leaf of leaves(doc.contents, meta)) {
    let value = leaf.node.value as SopsScalar;
    if (leaf.encrypted) {
      if (typeof value !== 'string')
        throw tampered(file, `the value at "${leaf.path.join('.')}" should be encrypted but is not`);
      try {
        value = decryptValue(value, key, aadOf(leaf.path));
      } catch (error) {
        throw tampered(file, (error as Error).message);
      }
      leaf.node.value = value;
    }
    if (!meta.macOnlyEncrypted || leaf.encrypted) hash.update(macBytes(value));
  }
  let stored: SopsScalar;
  try {
    stored = decryptValue(meta.mac, key, meta.lastModified);
  } catch {
    throw tampered(file, 'its MAC does not authenticate (the sops metadata was changed)');
  }
  const actual = Buffer.from(hash.digest('hex').toUpperCase());
  const expectedMac = Buffer.from(String(stored));
  if (actual.length !== expectedMac.length || !timingSafeEqual(actual, expectedMac)) {
    throw tampered(file, 'MAC mismatch: values, keys or their order were changed after encryption');
  }
  doc.delete('sops');
  return (doc.toJS() ?? {}) as Record<string, unknown>;
}

function tampered(file: string, why: string): ChartroomError {
  return new ChartroomError('SopsTampered', `${file} is refused: ${why}`, {
    hint: 'restore the file from git history, or re-create it with chartroom credential add',
  });
}
