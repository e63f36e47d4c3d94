/**
 * A keyless cosign signature layer (`cosign sign` without `--key`), verified as `cosign verify
 * --certificate-identity-regexp … --certificate-oidc-issuer-regexp …` does, with @sigstore/verify:
 *
 * - the layer is turned into a v0.1 Sigstore bundle: a messageSignature over the payload
 *   (messageDigest sha256(payload), signature `dev.cosignproject.cosign/signature`), the x509
 *   chain [`dev.sigstore.cosign/certificate`], and the tlog entry of `dev.sigstore.cosign/bundle`
 *   (`{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`, a hashedrekord
 *   0.0.1 with its inclusion promise, the SET); then verified with the payload as the artifact:
 *   the certificate chains to the root's Fulcio CA at the log's integrated time, the SET verifies
 *   with the root's Rekor key, the log body names this signature and payload digest, the
 *   signature verifies with the certificate's key.
 * - sigstore-js builds certificate paths only through the root's CA chains, ignoring a bundle's
 *   intermediates, so the `dev.sigstore.cosign/chain` certificates are added to a copy of a CA's
 *   chain for this signature alone, and only each one that a certificate already in that chain
 *   signed (a CA, valid at the log time): nothing unverified becomes trusted material.
 * - then the certificate's SAN and OIDC issuer must match an identity of the policy (re2js), and
 *   the payload must name the version's manifest digest (cosign-key.ts claimMismatch).
 */
import { createHash } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import {
  CERTIFICATE_ANNOTATION,
  claimMismatch,
  readSignature,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from './cosign-key.ts';
import { quoted } from './helm-provenance.ts';
import { describeIdentities, matchIdentity } from './identity.ts';
import type { SigstoreTrust } from './sigstore-root.ts';
import { certificateSigner, sigstoreWhy, verifyBundleWith } from './sigstore-verify.ts';
import type { CosignLayer, OidcIdentity } from './types.ts';

export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';

/** Annotation sizes read at most (a Fulcio leaf is ~1 KiB PEM, its chain ~1.5 KiB, the bundle ~2.5 KiB). */
const MAX_CERTIFICATE_CHARS = 16 * 1024;
const MAX_CHAIN_CHARS = 64 * 1024;
const MAX_BUNDLE_CHARS = 64 * 1024;
const MAX_CHAIN_CERTIFICATES = 8;

export interface KeylessVerification {
  verified: boolean;
  /** the certificate's SAN and OIDC issuer, once the certificate could be read */
  identity?: string;
  issuer?: string;
  reason?: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

function parsePems(text: string, max: number): X509Certificate[] | undefined {
  const blocks = text.match(PEM) ?? [];
  if (blocks.length === 0 || blocks.length > max) return undefined;
  try {
    return blocks.map((pem) => X509Certificate.parse(pem));
  } catch {
    return undefined;
  }
}

/** The certificate of a keyless layer, unverified: its SAN and issuer, for a record without a policy. */
export function keylessSigner(layer: CosignLayer): { identity?: string; issuer?: string } {
  const text = layer.annotations[CERTIFICATE_ANNOTATION];
  if (typeof text !== 'string' || text.length > MAX_CERTIFICATE_CHARS) return {};
  const leaf = parsePems(text, 1)?.[0];
  if (!leaf) return {};
  const { identity, issuer } = certificateSigner(leaf);
  return { ...(identity !== undefined && { identity }), ...(issuer !== undefined && { issuer }) };
}

interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

function readRekorBundle(text: string): RekorBundle | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const b = json as Partial<RekorBundle> | null;
  const p = b?.Payload;
  const ok =
    typeof b?.SignedEntryTimestamp === 'string' &&
    typeof p === 'object' &&
    p !== null &&
    typeof p.body === 'string' &&
    Number.isSafeInteger(p.integratedTime) &&
    Number.isSafeInteger(p.logIndex) &&
    typeof p.logID === 'string' &&
    /^[0-9a-f]{64}$/.test(p.logID);
  return ok ? (b as RekorBundle) : undefined;
}

/**
 * The root's trust material, with each CA's chain extended by those of `chain` that a certificate
 * already in it signed (CA certificates valid at `time`), for this one signature.
 */
export function withVerifiedChain(
  material: TrustMaterial,
  chain: readonly X509Certificate[],
  time: Date,
): TrustMaterial {
  if (chain.length === 0) return material;
  const certificateAuthorities = material.certificateAuthorities.map((ca) => {
    const trusted = [...ca.certChain];
    let added = true;
    while (added) {
      added = false;
      for (const cert of chain) {
        if (trusted.some((t) => t.equals(cert))) continue;
        if (!cert.isCA || !cert.validForDate(time)) continue;
        const signedBy = trusted.some((t) => {
          try {
            return cert.issuer.equals(t.subject) && cert.verify(t);
          } catch {
            return false;
          }
        });
        if (signedBy) {
          trusted.push(cert);
          added = true;
        }
      }
    }
    return trusted.length === ca.certChain.length ? ca : { ...ca, certChain: trusted };
  });
  return { ...material, certificateAuthorities };
}

/** The v0.1 bundle a keyless layer amounts to: a messageSignature over the payload, the leaf, the Rekor entry with its SET. */
function layerBundle(leaf: X509Certificate, rekor: RekorBundle, payload: Buffer, signature: Buffer): unknown {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: leaf.root.toDER().toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(rekor.Payload.logIndex),
          logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex').toString('base64') },
          kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
          integratedTime: String(rekor.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: rekor.Payload.body,
        },
      ],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
      signature: signature.toString('base64'),
    },
  };
}

const KEYLESS_HINT =
  'a keyless signature is verified against the Sigstore trusted root: its certificate must chain to the root\u2019s Fulcio CA and its Rekor entry must verify with the root\u2019s log key';

/** Verifies one keyless layer under the policy's identities, for the manifest digest `manifestDigest`. */
export function verifyKeylessLayer(
  layer: CosignLayer,
  trust: SigstoreTrust,
  identities: readonly OidcIdentity[],
  manifestDigest: string | undefined,
): KeylessVerification {
  const result: KeylessVerification = { verified: false };
  const fail = (reason: string): KeylessVerification => ({ ...result, reason });
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) {
    return fail(`the layer is not a cosign simple-signing signature (media type ${quoted(layer.mediaType)})`);
  }
  const read = readSignature(layer);
  if ('reason' in read) return fail(read.reason);
  const certText = layer.annotations[CERTIFICATE_ANNOTATION];
  const leaf =
    typeof certText === 'string' && certText.length <= MAX_CERTIFICATE_CHARS
      ? parsePems(certText, 1)?.[0]
      : undefined;
  if (!leaf) return fail(`the ${CERTIFICATE_ANNOTATION} annotation is not one PEM certificate`);
  const san = leaf.subjectAltName;
  const { identity, issuer } = certificateSigner(leaf);
  if (identity !== undefined) result.identity = identity;
  if (issuer !== undefined) result.issuer = issuer;

  const chainText = layer.annotations[CHAIN_ANNOTATION];
  let chain: X509Certificate[] = [];
  if (chainText !== undefined) {
    const parsed =
      chainText.length <= MAX_CHAIN_CHARS ? parsePems(chainText, MAX_CHAIN_CERTIFICATES) : undefined;
    if (!parsed) {
      return fail(
        `the ${CHAIN_ANNOTATION} annotation is not a PEM chain of at most ${MAX_CHAIN_CERTIFICATES} certificates`,
      );
    }
    chain = parsed;
  }
  const bundleText = layer.annotations[BUNDLE_ANNOTATION];
  if (bundleText === undefined) {
    return fail(
      `the signature has no Rekor entry (${BUNDLE_ANNOTATION}): a keyless signature is verified by its transparency log entry, which cosign adds unless told --tlog-upload=false`,
    );
  }
  const rekor = bundleText.length <= MAX_BUNDLE_CHARS ? readRekorBundle(bundleText) : undefined;
  if (!rekor) {
    return fail(
      `the ${BUNDLE_ANNOTATION} annotation is not a Rekor bundle ({SignedEntryTimestamp, Payload})`,
    );
  }
  const time = new Date(rekor.Payload.integratedTime * 1000);
  try {
    const bundle = bundleFromJSON(layerBundle(leaf, rekor, layer.payload, read.signature));
    const material = withVerifiedChain(trust.material, chain, time);
    verifyBundleWith(bundle, layer.payload, trust, { material });
  } catch (error) {
    const why = sigstoreWhy(error);
    return fail(
      `the keyless signature does not verify with ${trust.source}: ${why}${why.startsWith('CERTIFICATE') ? `; ${KEYLESS_HINT}` : ''}`,
    );
  }
  if (!matchIdentity(identities, { subject: san, issuer: certificateSigner(leaf).issuer })) {
    return fail(
      `the keyless signature verifies, but its certificate (subject ${quoted(san ?? 'none')}, issuer ${quoted(issuer ?? 'none')}) matches no entry of matchOIDCIdentity: ${describeIdentities(identities)}`,
    );
  }
  const wrong = claimMismatch(layer.payload, manifestDigest);
  if (wrong !== undefined) return fail(wrong);
  return { ...result, verified: true };
}
