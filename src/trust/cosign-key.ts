/**
 * One layer of a cosign signature image (`sha256-<hex>.sig`), verified with a public key as
 * `cosign verify --key` does (pkg/cosign/verify.go verifyOCISignature, then verifiers.go
 * SimpleClaimVerifier): the layer is a simple-signing payload, its `dev.cosignproject.cosign/signature`
 * annotation (base64) verifies over the payload bytes with the key (SHA-256; ECDSA signatures are
 * ASN.1 DER, RSA PKCS#1 v1.5, Ed25519 over the bytes themselves), and the payload names the
 * version's manifest digest. The payload is hostile: bounded, parsed only after its signature
 * verified, and what it says is quoted and cut short in the reasons.
 */
import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { quoted } from './helm-provenance.ts';
import type { CosignLayer } from './types.ts';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** A payload larger than this is not parsed (cosign's are ~250 bytes; sources bound blobs the same). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** A base64 signature annotation longer than this is not decoded (an RSA-8192 signature is ~1.4 KiB). */
const MAX_SIGNATURE_CHARS = 8 * 1024;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface CosignVerification {
  verified: boolean;
  reason?: string;
}

/** What kind of layer this is, before any key: foreign (not simple signing), keyless or key-based. */
export function layerKind(layer: CosignLayer): { foreign: string } | 'keyless' | 'key' {
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) {
    return {
      foreign: `the layer is not a cosign simple-signing signature (media type ${quoted(layer.mediaType)}): not checked`,
    };
  }
  return Object.hasOwn(layer.annotations, CERTIFICATE_ANNOTATION) ? 'keyless' : 'key';
}

export const KEYLESS_REASON =
  'a keyless signature (a Fulcio certificate in `dev.sigstore.cosign/certificate`): it is verified with `matchOIDCIdentity` and the Sigstore root (cosign-keyless.ts), not with a key';

/** Verifies one layer with `key`, for the manifest digest `manifestDigest` (sha256:<hex>). */
export function verifyCosignLayer(
  layer: CosignLayer,
  key: KeyObject,
  keyPath: string,
  manifestDigest: string | undefined,
): CosignVerification {
  const fail = (reason: string): CosignVerification => ({ verified: false, reason });
  const kind = layerKind(layer);
  if (typeof kind === 'object') return fail(kind.foreign);
  if (kind === 'keyless') return fail(KEYLESS_REASON);
  const read = readSignature(layer);
  if ('reason' in read) return fail(read.reason);
  const signature = read.signature;
  let good: boolean;
  try {
    // Ed25519 signs the payload itself (no digest algorithm); ECDSA (DER) and RSA (PKCS#1 v1.5) over SHA-256
    const algorithm = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    good = verifySignature(algorithm, layer.payload, key, signature);
  } catch {
    good = false;
  }
  if (!good) {
    return fail(
      `the signature does not verify with the key ${keyPath}: it was made with another key, or the payload was changed after it was signed`,
    );
  }
  const wrong = claimMismatch(layer.payload, manifestDigest);
  return wrong === undefined ? { verified: true } : fail(wrong);
}

/** The layer's payload (bounded) and its signature annotation (base64, bounded), or why not. */
export function readSignature(layer: CosignLayer): { signature: Buffer } | { reason: string } {
  if (layer.payload.length > MAX_PAYLOAD_BYTES) {
    return {
      reason: `the signature payload is ${layer.payload.length} bytes, more than ${MAX_PAYLOAD_BYTES}: not read (cosign writes a few hundred)`,
    };
  }
  const encoded = layer.annotations[SIGNATURE_ANNOTATION];
  if (typeof encoded !== 'string' || encoded === '') {
    return { reason: `the layer has no ${SIGNATURE_ANNOTATION} annotation: there is no signature to verify` };
  }
  if (encoded.length > MAX_SIGNATURE_CHARS || !BASE64.test(encoded) || encoded.length % 4 !== 0) {
    return { reason: `the ${SIGNATURE_ANNOTATION} annotation is not a base64 signature` };
  }
  return { signature: Buffer.from(encoded, 'base64') };
}

/**
 * Why a payload whose signature verified does not sign `manifestDigest` (cosign's
 * SimpleClaimVerifier: a simple-signing claim naming that digest); undefined when it does.
 */
export function claimMismatch(payload: Buffer, manifestDigest: string | undefined): string | undefined {
  let claim: unknown;
  try {
    claim = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the signature verifies, but its payload is not JSON';
  }
  const critical = (claim as { critical?: unknown } | null)?.critical as
    { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } | undefined;
  const type = critical?.type;
  if (type !== COSIGN_SIGNATURE_TYPE) {
    return `the signature verifies, but its payload's critical.type is ${typeof type === 'string' ? quoted(type) : 'missing'}, not ${quoted(COSIGN_SIGNATURE_TYPE)}`;
  }
  const named = critical?.image?.['docker-manifest-digest'];
  if (manifestDigest === undefined) {
    return "the signature verifies, but the version's manifest digest is not known to compare with its payload";
  }
  if (named !== manifestDigest) {
    return `the signature verifies, but its payload is for ${typeof named === 'string' ? quoted(named) : 'no manifest digest'}, not this version's manifest ${quoted(manifestDigest)} (cosign: invalid or missing digest in claim)`;
  }
  return undefined;
}
