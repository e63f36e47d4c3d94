/**
 * One Sigstore bundle (parsed), verified with @sigstore/verify against a trusted root, as keyless
 * `.sig` layers (cosign-keyless.ts) and bundle referrers (sigstore-bundle.ts) both need:
 * thresholds 1 tlog entry, 1 timestamp (the log's integrated time counts, or an RFC 3161 one
 * from a TSA the root lists), and 1 SCT only when the root lists a CT log.
 *
 * sigstore-js verifies every SCT a certificate embeds and fails one it has no log for, so under
 * a root with no CT log (a private deployment, a root made of a Fulcio CA and a Rekor key) a
 * certificate is checked as a key instead: the leaf's public key, valid at each verified
 * timestamp only when the leaf chains to one of the root's CAs at that time
 * (`verifyCertificateChain`, the same path building sigstore-js does for certificates).
 * The returned identity is then read from the leaf, as sigstore-js reads it.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { toSignedEntity, Verifier, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import { verifyCertificateChain } from '@sigstore/verify/dist/key/certificate.js';
import type { SigstoreTrust } from './sigstore-root.ts';

export interface SignedBy {
  /** the certificate's SAN and OIDC issuer (absent for a public-key bundle) */
  identity?: string;
  issuer?: string;
  /** the certificate, when there was one */
  certificate?: X509Certificate;
}

/** The Fulcio issuer of a certificate: extension 1.3.6.1.4.1.57264.1.8 (DER UTF8String), else .1.1 (raw). */
export function certificateIssuer(cert: X509Certificate): string | undefined {
  const v2 = cert.extension('1.3.6.1.4.1.57264.1.8');
  if (v2) return v2.valueObj.subs[0]?.value.toString('utf8');
  return cert.extension('1.3.6.1.4.1.57264.1.1')?.value.toString('utf8');
}

/** The SAN and issuer of a certificate, cut short for records. */
export function certificateSigner(cert: X509Certificate): SignedBy {
  const out: SignedBy = { certificate: cert };
  const san = cert.subjectAltName;
  const issuer = certificateIssuer(cert);
  if (san !== undefined) out.identity = san.slice(0, 500);
  if (issuer !== undefined) out.issuer = issuer.slice(0, 500);
  return out;
}

const LEAF_HINT = 'chartroom: the certificate as a key';

/**
 * Verifies `bundle` (with `artifact` for a messageSignature) under `trust`; `material` replaces
 * the root's (keyless `.sig` layers add verified intermediates), `key` verifies a bundle that
 * names a public key by hint. Throws @sigstore/verify's VerificationError (code, message).
 */
export function verifyBundleWith(
  bundle: Bundle,
  artifact: Buffer | undefined,
  trust: SigstoreTrust,
  options: { material?: TrustMaterial; key?: KeyObject } = {},
): SignedBy {
  let material = options.material ?? trust.material;
  let entity: SignedEntity = toSignedEntity(bundle, artifact);
  const thresholds = {
    tlogThreshold: 1,
    ctlogThreshold: trust.ctlogs > 0 ? 1 : 0,
    timestampThreshold: 1,
  };
  let leaf: X509Certificate | undefined;
  if (entity.key.$case === 'certificate') {
    leaf = entity.key.certificate;
    if (trust.ctlogs === 0) {
      const cert = leaf;
      const cas = material.certificateAuthorities;
      const publicKey = createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
      entity = { ...entity, key: { $case: 'public-key', hint: LEAF_HINT } };
      material = {
        ...material,
        publicKey: (hint) => {
          if (hint !== LEAF_HINT) throw keyNotFound(hint);
          return {
            publicKey,
            // throws CERTIFICATE_ERROR when there is no path to a CA valid at `date`
            validFor: (date) => verifyCertificateChain(date, cert, cas).length > 0,
          };
        },
      };
    }
  } else {
    const key = options.key;
    material = {
      ...material,
      publicKey: (hint) => {
        if (!key) throw keyNotFound(hint);
        return { publicKey: key, validFor: () => true };
      },
    };
  }
  new Verifier(material, thresholds).verify(entity);
  return leaf ? certificateSigner(leaf) : {};
}

function keyNotFound(hint: string): Error {
  return Object.assign(new Error(`key not found: ${hint.slice(0, 100)}`), { code: 'PUBLIC_KEY_ERROR' });
}

/** A @sigstore/verify error in words: its code and message, cut short. */
export function sigstoreWhy(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: unknown } | null;
  const code = typeof e?.code === 'string' ? `${e.code} ` : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const cause = (e?.cause as { message?: unknown } | undefined)?.message;
  const detail = typeof cause === 'string' && cause !== message ? ` (${cause})` : '';
  // one line: a message quoting hostile bytes must not break a log or a record
  return [...`${code}${message}${detail}`]
    .map((c) => (c < ' ' || c === '\u007f' ? ' ' : c))
    .join('')
    .slice(0, 400);
}
