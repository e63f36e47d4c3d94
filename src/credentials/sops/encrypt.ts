/**
 * Writes a SOPS file (YAML) the way `sops --encrypt` does, so the sops CLI, sops-age and
 * chartroom all read it: a fresh 32-byte data key, each value encrypted with AES-256-GCM under
 * its key path, the MAC over all values in order, the data key encrypted to each age recipient.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Encrypter, armor } from 'age-encryption';
import { Document } from 'yaml';
import { encryptValue, macBytes, type SopsScalar } from './value.ts';
import { aadOf, leaves, type EncryptionRules } from './tree.ts';

// The sops release whose file format this matches; sops reads files of any 3.x version.
const SOPS_FORMAT_VERSION = '3.9.0';

export async function encryptSops(
  data: Record<string, unknown>,
  recipients: string[],
  rules: EncryptionRules,
  now = new Date(),
): Promise<string> {
  const key = randomBytes(32);
  const doc = new Document(data);
  const hash = createHash('sha512');
  for (const leaf of leaves(doc.contents, rules)) {
    const value = leaf.node.value as SopsScalar;
    hash.update(macBytes(value));
    if (leaf.encrypted) leaf.node.value = encryptValue(value, key, aadOf(leaf.path));
  }
  // Go's time.RFC3339 at second precision: the MAC's additional data must match it byte for byte.
  const lastModified = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const age = [];
  for (const recipient of recipients) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    age.push({ recipient, enc: armor.encode(await encrypter.encrypt(key)) });
  }
  const sops: Record<string, unknown> = {
    kms: [],
    gcp_kms: [],
    azure_kv: [],
    hc_vault: [],
    age,
    lastmodified: lastModified,
    mac: encryptValue(hash.digest('hex').toUpperCase(), key, lastModified),
    pgp: [],
  };
  if (rules.unencryptedSuffix) sops.unencrypted_suffix = rules.unencryptedSuffix;
  if (rules.encryptedSuffix) sops.encrypted_suffix = rules.encryptedSuffix;
  if (rules.unencryptedRegex) sops.unencrypted_regex = rules.unencryptedRegex;
  if (rules.encryptedRegex) sops.encrypted_regex = rules.encryptedRegex;
  sops.version = SOPS_FORMAT_VERSION;
  doc.set('sops', sops);
  return doc.toString({ lineWidth: 0 });
}
