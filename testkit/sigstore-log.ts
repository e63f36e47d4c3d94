/**
 * A private transparency log in the shape of Rekor v1, for tests: an ECDSA P-256 key, entries in an
 * RFC 6962 Merkle tree, and for each entry what a Sigstore bundle carries
 * (protobuf-specs `TransparencyLogEntry`):
 * - the signed entry timestamp (SET, the "inclusion promise"): the log key's ECDSA-SHA256 signature
 *   over the canonical JSON `{"body","integratedTime","logID","logIndex"}` (keys sorted, no
 *   spaces; body base64, logID hex), as Rekor signs it and cosign's `dev.sigstore.cosign/bundle`
 *   annotation holds it;
 * - an inclusion proof (RFC 6962 §2.1.1 audit path, leaf to root) and a signed checkpoint (a
 *   signed note: `<origin>\n<size>\n<root b64>\n`, a blank line, then `— <name> <b64(keyHint ‖
 *   signature)>\n`, the key hint being the first 4 bytes of the log ID and the name a part of the
 *   log's base URL, which is how sigstore-js finds the key).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface TlogEntryJson {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise?: { signedEntryTimestamp: string };
  inclusionProof?: {
    logIndex: string;
    rootHash: string;
    treeSize: string;
    hashes: string[];
    checkpoint: { envelope: string };
  };
  canonicalizedBody: string;
}

export interface LogEntry {
  logIndex: number;
  integratedTime: number;
  /** the canonical body bytes (what the leaf hash covers) */
  body: Buffer;
  /** base64 of the SET */
  signedEntryTimestamp: string;
}

/** JSON with keys sorted at every level and no spaces (RFC 8785 for the values Rekor uses). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leafHash = (leaf: Buffer): Buffer => sha256(Buffer.from([0]), leaf);
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([1]), left, right);

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 MTH over leaf hashes. */
function treeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** RFC 6962 PATH(m, D[n]): the audit path, deepest sibling first. */
function auditPath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), treeHash(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), treeHash(leaves.slice(0, k))];
}

export class TransparencyLog {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo of the log key */
  readonly publicKeyDer: Buffer;
  /** sha256 of the DER public key: Rekor's log ID */
  readonly logId: Buffer;
  /** e.g. `https://rekor.chartroom.test`; the checkpoint signer's name is its host */
  readonly baseUrl: string;
  readonly origin: string;
  readonly #leaves: Buffer[] = [];
  readonly #entries: LogEntry[] = [];

  constructor(options: { host?: string; treeId?: string } = {}) {
    const host = options.host ?? 'rekor.chartroom.test';
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicKeyDer = publicKey.export({ type: 'spki', format: 'der' });
    this.logId = sha256(this.publicKeyDer);
    this.baseUrl = `https://${host}`;
    this.origin = `${host} - ${options.treeId ?? '1193050959916656506'}`;
  }

  get size(): number {
    return this.#leaves.length;
  }

  get host(): string {
    return new URL(this.baseUrl).host;
  }

  /** Appends a canonical body at `integratedTime` (unix seconds) and signs its SET. */
  append(body: Buffer, integratedTime: number): LogEntry {
    const logIndex = this.#leaves.length;
    this.#leaves.push(leafHash(body));
    const signedEntryTimestamp = this.signSet({ body, integratedTime, logIndex });
    const entry = { logIndex, integratedTime, body, signedEntryTimestamp };
    this.#entries.push(entry);
    return entry;
  }

  /** The SET over an entry (any values: a test may sign something the log never held). */
  signSet(entry: { body: Buffer; integratedTime: number; logIndex: number }): string {
    const message = canonicalJson({
      body: entry.body.toString('base64'),
      integratedTime: entry.integratedTime,
      logID: this.logId.toString('hex'),
      logIndex: entry.logIndex,
    });
    return sign('sha256', Buffer.from(message), this.privateKey).toString('base64');
  }

  /** A signed checkpoint for the tree's first `treeSize` leaves. */
  checkpoint(treeSize = this.size): { rootHash: Buffer; envelope: string } {
    const rootHash = treeHash(this.#leaves.slice(0, treeSize));
    const note = `${this.origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;
    const signature = sign('sha256', Buffer.from(note), this.privateKey);
    const hinted = Buffer.concat([this.logId.subarray(0, 4), signature]).toString('base64');
    return { rootHash, envelope: `${note}\n\u2014 ${this.host} ${hinted}\n` };
  }

  /** The inclusion proof of entry `logIndex` in the tree as it is now. */
  inclusionProof(logIndex: number): NonNullable<TlogEntryJson['inclusionProof']> {
    const treeSize = this.size;
    const { rootHash, envelope } = this.checkpoint(treeSize);
    return {
      logIndex: String(logIndex),
      rootHash: rootHash.toString('base64'),
      treeSize: String(treeSize),
      hashes: auditPath(logIndex, this.#leaves.slice(0, treeSize)).map((h) => h.toString('base64')),
      checkpoint: { envelope },
    };
  }

  /** The bundle's `tlogEntries[]` item for an entry, with its SET and, if asked, its proof. */
  entryJson(entry: LogEntry, kind: string, options: { proof?: boolean } = {}): TlogEntryJson {
    return {
      logIndex: String(entry.logIndex),
      logId: { keyId: this.logId.toString('base64') },
      kindVersion: { kind, version: '0.0.1' },
      integratedTime: String(entry.integratedTime),
      inclusionPromise: { signedEntryTimestamp: entry.signedEntryTimestamp },
      ...(options.proof ? { inclusionProof: this.inclusionProof(entry.logIndex) } : {}),
      canonicalizedBody: entry.body.toString('base64'),
    };
  }

  /** cosign's `dev.sigstore.cosign/bundle` annotation (Go struct order, as cosign marshals it). */
  cosignBundleAnnotation(entry: LogEntry): string {
    return JSON.stringify({
      SignedEntryTimestamp: entry.signedEntryTimestamp,
      Payload: {
        body: entry.body.toString('base64'),
        integratedTime: entry.integratedTime,
        logIndex: entry.logIndex,
        logID: this.logId.toString('hex'),
      },
    });
  }

  /** The trusted root's `tlogs[]` item. */
  tlogJson(validFrom: Date): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: this.publicKeyDer.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: validFrom.toISOString() },
      },
      logId: { keyId: this.logId.toString('base64') },
    };
  }
}
