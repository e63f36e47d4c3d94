/**
 * Helm provenance files (`.prov`): an OpenPGP cleartext-signed message whose text is the chart's
 * Chart.yaml, the line `...`, and `files: {<archive name>: sha256:<hex>}`. Verified as Helm's
 * `Signatory.Verify` does (pkg/provenance/sign.go), check by check in its order, with its messages:
 * 1. the signature block (`signature block not found`);
 * 2. the signature, against the keyring (`openpgp: signature made by unknown entity`, or invalid);
 * 3. the text split on "\n...\n" (`message block must have at least two parts`);
 * 4. `files[<archive name>]` (`provenance does not contain a SHA for a file named …`);
 * 5. its value equal to the archive's digest (`sha256 sum does not match for …`).
 * Everything here is hostile input: the size is bounded before anything is parsed, the YAML is
 * parsed with a small alias budget, and what it says is quoted and cut short in the reasons.
 */
import { createHash } from 'node:crypto';
import { readCleartextMessage, verify, type CleartextMessage, type Key } from 'openpgp';
import { parseDocument } from 'yaml';

/** A .prov larger than this is not parsed (Helm's are under 2 KiB; the OCI layer has the same bound). */
export const MAX_PROVENANCE_BYTES = 1024 * 1024;

/**
 * Nor one of more lines than this: openpgp.js reads a cleartext message line by line at some
 * microseconds a line (1 MiB of short lines: seconds), and a real .prov has a few dozen.
 */
export const MAX_PROVENANCE_LINES = 10_000;

/** A .prov with more signatures than this is not verified (Helm writes one). */
const MAX_SIGNATURES = 16;

/** The YAML of the files document may not expand aliases beyond this (an alias bomb is refused). */
const MAX_ALIASES = 16;

export interface HelmVerification {
  verified: boolean;
  /** verified: the primary user ID of the key; else `key ID <16 hex>` of the signature, when it could be read */
  signer?: string;
  /** verified: the primary key's fingerprint, upper-case hex */
  identity?: string;
  /** sha256:<hex> of the .prov bytes */
  digest: string;
  /** not verified: why, in Helm's words first */
  reason?: string;
}

/** A string from hostile input, quoted and cut short, for a reason. */
export function quoted(value: string, max = 100): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

const errorText = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 200);

type Read = { message: CleartextMessage; issuer: string } | { reason: string };

/** Step 1: the cleartext-signed message, and the key ID of its (first) signature. */
async function readProvenance(provenance: Buffer): Promise<Read> {
  let message: CleartextMessage;
  try {
    message = await readCleartextMessage({ cleartextMessage: provenance.toString('utf8') });
  } catch {
    return {
      reason:
        'signature block not found: the provenance file is not an OpenPGP cleartext-signed message (`helm package --sign` writes one)',
    };
  }
  const ids = message.getSigningKeyIDs();
  if (ids.length === 0)
    return { reason: 'signature block not found: the provenance file has no signature in it' };
  return { message, issuer: ids[0]!.toHex().toUpperCase() };
}

/** The key ID of a .prov's signature, without verifying anything (no policy: recorded as the signer). */
export async function provenanceIssuer(provenance: Buffer): Promise<{ signer?: string; reason?: string }> {
  const big = tooBig(provenance);
  if (big !== undefined) return { reason: big };
  const read = await readProvenance(provenance);
  return 'reason' in read ? { reason: read.reason } : { signer: `key ID ${read.issuer}` };
}

/** Why a .prov is not read, before anything parses it: too many bytes, or too many lines. */
function tooBig(provenance: Buffer): string | undefined {
  if (provenance.length > MAX_PROVENANCE_BYTES) {
    return `the provenance file is ${provenance.length} bytes, more than ${MAX_PROVENANCE_BYTES}: not read (Helm writes a few KiB)`;
  }
  let lines = 0;
  for (let at = provenance.indexOf(10); at !== -1; at = provenance.indexOf(10, at + 1)) {
    if (++lines > MAX_PROVENANCE_LINES) {
      return `the provenance file has more than ${MAX_PROVENANCE_LINES} lines: not read (Helm writes a few dozen)`;
    }
  }
  return undefined;
}

/** A file name as Helm prints it (%s) when it is a plain one, else quoted. */
const plain = (name: string): string => (/^[\w.+-]{1,200}$/.test(name) ? name : quoted(name));

export const sha256Of = (bytes: Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Verifies a .prov for the archive `fileName` whose digest is `archiveDigest` (sha256:<hex>), with
 * the keys of `keyring` (read from `keyring.path`, which the reasons name). Exported for tests
 * that pass a keyring no file holds (an empty one); callers use checkSignatures.
 */
export async function verifyHelmProvenance(
  provenance: Buffer,
  fileName: string,
  archiveDigest: string | undefined,
  keyring: { keys: readonly Key[]; path: string },
): Promise<HelmVerification> {
  const digest = sha256Of(provenance);
  const fail = (reason: string, signer?: string): HelmVerification =>
    signer === undefined ? { verified: false, digest, reason } : { verified: false, digest, signer, reason };
  const big = tooBig(provenance);
  if (big !== undefined) return fail(big);

  // 1. the signature block
  const read = await readProvenance(provenance);
  if ('reason' in read) return fail(read.reason);
  const { message, issuer } = read;

  // 2. the signature, by a key of the keyring
  const checked = await checkSignature(message, issuer, keyring);
  if ('reason' in checked) return fail(checked.reason, `key ID ${issuer}`);
  const { signer, fingerprint } = checked;
  const signed = (reason: string): HelmVerification => ({
    verified: false,
    signer,
    identity: fingerprint,
    digest,
    reason,
  });

  // 3. the two documents
  const parts = message.getText().replace(/\r\n/g, '\n').split('\n...\n');
  if (parts.length < 2) return signed('message block must have at least two parts');

  // 4. files[fileName]
  const files = parseFiles(parts[1]!);
  if ('reason' in files) return signed(files.reason);
  if (!Object.hasOwn(files.files, fileName)) {
    return signed(`provenance does not contain a SHA for a file named ${quoted(fileName)}`);
  }

  // 5. its sha256
  const claimed = files.files[fileName];
  if (archiveDigest === undefined) {
    return signed(
      `the archive's digest is not known, so the provenance's sha256 for ${quoted(fileName)} cannot be compared with it`,
    );
  }
  if (claimed !== archiveDigest) {
    const shown =
      typeof claimed === 'string' ? quoted(claimed) : `a ${claimed === null ? 'null' : typeof claimed}`;
    return signed(`sha256 sum does not match for ${plain(fileName)}: ${shown} != ${quoted(archiveDigest)}`);
  }
  return { verified: true, signer, identity: fingerprint, digest };
}

/**
 * Step 2, as go-crypto's CheckDetachedSignature: the first signature whose issuer the keyring
 * has must verify; none of them: unknown entity. Gives the signer's primary user ID and fingerprint.
 */
async function checkSignature(
  message: CleartextMessage,
  issuer: string,
  keyring: { keys: readonly Key[]; path: string },
): Promise<{ signer: string; fingerprint: string } | { reason: string }> {
  const ids = message.getSigningKeyIDs();
  if (ids.length > MAX_SIGNATURES) {
    return {
      reason: `the provenance file has ${ids.length} signatures, more than ${MAX_SIGNATURES}: not verified`,
    };
  }
  let entity: Key | undefined;
  for (const id of ids) {
    entity = keyring.keys.find((key) => key.getKeys(id).length > 0);
    if (entity) break;
  }
  if (!entity) {
    return {
      reason: `openpgp: signature made by unknown entity: it was made by key ID ${issuer}, which is not in the keyring ${keyring.path}`,
    };
  }
  const fingerprint = entity.getFingerprint().toUpperCase();
  try {
    const result = await verify({ message, verificationKeys: [entity], expectSigned: true });
    const ours = result.signatures.find((s) => entity.getKeys(s.keyID).length > 0) ?? result.signatures[0];
    await ours?.verified;
  } catch (error) {
    return {
      reason: `openpgp: invalid signature: the provenance file's signature by key ${fingerprint} does not verify (${errorText(error)})${/did not match/i.test(errorText(error)) ? ': its text was changed after it was signed' : ''}`,
    };
  }
  let signer = `key ${fingerprint}`;
  try {
    const primary = await entity.getPrimaryUser();
    signer = primary.user.userID?.userID ?? signer;
  } catch {
    // a key without a valid user ID still verified: name it by its fingerprint
  }
  return { signer, fingerprint };
}

/** The `files:` map of the second document (YAML, hostile: few aliases, no custom tags). */
function parseFiles(text: string): { files: Record<string, unknown> } | { reason: string } {
  const bad = (why: string) => ({ reason: `the provenance's files document ${why}` });
  let value: unknown;
  try {
    const doc = parseDocument(text, {
      schema: 'core',
      merge: false,
      uniqueKeys: true,
      prettyErrors: false,
      logLevel: 'silent',
      customTags: [],
    });
    if (doc.errors.length > 0) return bad(`is not valid YAML (${doc.errors[0]!.code})`);
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    return bad(`is not valid YAML (${errorText(error).slice(0, 80)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('is not a YAML map');
  const files = (value as Record<string, unknown>).files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return bad('has no `files:` map');
  return { files: files as Record<string, unknown> };
}
