/**
 * A Sigstore bundle attached to a version's OCI manifest as a referrer (cosign 3's default,
 * cosign-layout.md §4), verified as `cosign verify` does with sigstore-go:
 *
 * - the bundle (protobuf JSON, v0.1 to v0.3, bounded) verifies with @sigstore/verify against the
 *   trusted root (sigstore-verify.ts: tlog 1, timestamp 1, SCT 1 when the root lists a CT log);
 * - DSSE (`application/vnd.in-toto+json`): the in-toto statement's `subject` must list the
 *   version's manifest digest (sha256), else "provided artifact digest does not match any digest
 *   in statement" (another image's signature copied onto this one);
 * - messageSignature: its messageDigest must be the manifest digest, and the signature is
 *   verified over the manifest bytes when the source read them (otherwise not verified);
 * - the signer: a certificate whose SAN and OIDC issuer match an identity of the policy (re2js),
 *   or, for a bundle that names a public key by hint, the policy's key.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { quoted } from './helm-provenance.ts';
import { describeIdentities, matchIdentity } from './identity.ts';
import type { SigstoreTrust } from './sigstore-root.ts';
import { certificateSigner, sigstoreWhy, verifyBundleWith, type SignedBy } from './sigstore-verify.ts';
import type { OidcIdentity } from './types.ts';

/** A bundle larger than this is not read (a DSSE bundle with a chain of 3 is ~10 KiB). */
export const MAX_BUNDLE_BYTES = 256 * 1024;

/** At most this many subjects of an in-toto statement are compared. */
const MAX_SUBJECTS = 1024;

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';

/** The bundle in `bytes`, parsed and checked for shape; or why it is not one. */
export function parseBundle(bytes: Buffer): Bundle | { reason: string } {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    return {
      reason: `the Sigstore bundle is ${bytes.length} bytes, more than ${MAX_BUNDLE_BYTES}: not read`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { reason: 'the Sigstore bundle is not JSON' };
  }
  try {
    return bundleFromJSON(json);
  } catch (error) {
    return { reason: `the file is not a Sigstore bundle: ${sigstoreWhy(error)}` };
  }
}

/** The signing certificate a bundle carries, unverified (for a record without a policy). */
export function bundleCertificate(bundle: Bundle): X509Certificate | undefined {
  const material = bundle.verificationMaterial.content;
  try {
    if (material.$case === 'certificate')
      return X509Certificate.parse(Buffer.from(material.certificate.rawBytes));
    if (material.$case === 'x509CertificateChain') {
      const first = material.x509CertificateChain.certificates[0];
      return first ? X509Certificate.parse(Buffer.from(first.rawBytes)) : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Why an in-toto statement does not name `manifestDigest` among its subjects; undefined when it does. */
function statementMismatch(payload: Buffer, payloadType: string, manifestDigest: string): string | undefined {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return `the bundle's DSSE payload is ${quoted(payloadType)}, not an in-toto statement (${IN_TOTO_PAYLOAD_TYPE}) naming the manifest`;
  }
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the bundle verifies, but its in-toto statement is not JSON';
  }
  const subjects = (statement as { subject?: unknown } | null)?.subject;
  if (!Array.isArray(subjects)) return 'the bundle verifies, but its in-toto statement has no subject';
  const hex = manifestDigest.slice('sha256:'.length);
  const named = subjects
    .slice(0, MAX_SUBJECTS)
    .some((s) => (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256 === hex);
  if (named) return undefined;
  return `the bundle verifies, but its in-toto statement is for another artifact: provided artifact digest does not match any digest in statement (this version's manifest is ${manifestDigest}); it was made for another image`;
}

export interface BundleVerification {
  verified: boolean;
  identity?: string;
  issuer?: string;
  /** a bundle that names a public key verified with the policy's key */
  byKey?: true;
  reason?: string;
}

export interface BundleSubject {
  /** the version's manifest digest, sha256:<hex> */
  manifestDigest: string | undefined;
  /** the manifest bytes (digest-checked by the source), for a messageSignature bundle */
  manifest?: Buffer | undefined;
}

export interface BundleMeans {
  /** keyless: the identities a certificate must match (none: a keyless bundle is not verified) */
  identities?: readonly OidcIdentity[] | undefined;
  /** a bundle that names a public key by hint is verified with this key */
  key?: KeyObject | undefined;
}

/** The signer read off a bundle's certificate, unverified. */
function seen(bundle: Bundle): BundleVerification {
  const result: BundleVerification = { verified: false };
  const cert = bundleCertificate(bundle);
  if (cert) {
    const { identity, issuer } = certificateSigner(cert);
    if (identity !== undefined) result.identity = identity;
    if (issuer !== undefined) result.issuer = issuer;
  }
  return result;
}

/**
 * Verifies a parsed bundle under `trust` with the policy's means, `artifact` being the bytes a
 * messageSignature signs (a DSSE envelope carries its payload): the signature, log entry,
 * timestamps and certificate chain, then the certificate's identity (or the key).
 */
export function verifyBundle(
  bundle: Bundle,
  trust: SigstoreTrust,
  means: BundleMeans,
  artifact?: Buffer,
): BundleVerification {
  const result = seen(bundle);
  const fail = (reason: string): BundleVerification => ({ ...result, reason });
  const keyless = bundleCertificate(bundle) !== undefined;
  const identities = means.identities ?? [];
  if (keyless && identities.length === 0) {
    return fail(
      'a keyless Sigstore bundle (a Fulcio certificate): the verify: policy names no matchOIDCIdentity to verify it with',
    );
  }
  let signed: SignedBy;
  try {
    signed = verifyBundleWith(bundle, artifact, trust, means.key ? { key: means.key } : {});
  } catch (error) {
    return fail(`the Sigstore bundle does not verify with ${trust.source}: ${sigstoreWhy(error)}`);
  }
  if (!keyless) return { verified: true, byKey: true };
  if (!matchIdentity(identities, { subject: signed.certificate?.subjectAltName, issuer: signed.issuer })) {
    return fail(
      `the Sigstore bundle verifies, but its certificate (subject ${quoted(result.identity ?? 'none')}, issuer ${quoted(result.issuer ?? 'none')}) matches no entry of matchOIDCIdentity: ${describeIdentities(identities)}`,
    );
  }
  return { ...result, verified: true };
}

/**
 * Verifies a bundle referrer of a version: the bundle (verifyBundle), and that it signs this
 * version's manifest: a DSSE statement naming its digest, or a message digest equal to it.
 */
export function verifyBundleReferrer(
  bytes: Buffer,
  trust: SigstoreTrust,
  means: BundleMeans,
  subject: BundleSubject,
): BundleVerification {
  const parsed = parseBundle(bytes);
  if ('reason' in parsed) return { verified: false, reason: parsed.reason };
  const bundle = parsed;
  const fail = (reason: string): BundleVerification => ({ ...seen(bundle), reason });
  const { manifestDigest } = subject;
  if (manifestDigest === undefined || !/^sha256:[0-9a-f]{64}$/.test(manifestDigest)) {
    return fail("the version's sha256 manifest digest is not known to compare with the bundle");
  }
  if (bundle.content.$case === 'dsseEnvelope') {
    const envelope = bundle.content.dsseEnvelope;
    const result = verifyBundle(bundle, trust, means);
    if (!result.verified) return result;
    const wrong = statementMismatch(Buffer.from(envelope.payload), envelope.payloadType, manifestDigest);
    return wrong === undefined ? result : { ...result, verified: false, reason: wrong };
  }
  const digest = bundle.content.messageSignature.messageDigest;
  const hex = digest ? Buffer.from(digest.digest).toString('hex') : '';
  if (`sha256:${hex}` !== manifestDigest) {
    return fail(
      `the bundle signs another artifact (message digest ${quoted(hex ? `sha256:${hex}` : 'none')}), not this version's manifest ${manifestDigest}`,
    );
  }
  if (!subject.manifest) {
    return fail(
      'a messageSignature bundle signs the manifest bytes, which were not read for this version: not verified (cosign 3 writes DSSE bundles, which need no bytes)',
    );
  }
  if (`sha256:${createHash('sha256').update(subject.manifest).digest('hex')}` !== manifestDigest) {
    return fail("the manifest bytes given are not the version's manifest: not verified");
  }
  return verifyBundle(bundle, trust, means, subject.manifest);
}
