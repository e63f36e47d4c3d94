/**
 * A version's signatures under its registry's policy: one record per Helm provenance file, per
 * cosign signature layer, per Sigstore bundle and per Notation signature found, then whether the
 * version passes the policy.
 *
 * - helm: verified with the policy's keyring and the version's archive digest (helm-provenance.ts).
 * - cosign `.sig` layers: a layer signed with a key is verified with the policy's key
 *   (cosign-key.ts); a keyless one (a Fulcio certificate) against the Sigstore root and the
 *   policy's `matchOIDCIdentity` (cosign-keyless.ts). Either way for the version's manifest
 *   digest. A foreign layer beside a good one is recorded unverified and does not fail the version.
 * - Sigstore bundle referrers: verified against the root, for the manifest digest, with the
 *   policy's identities (or key, for a bundle that names one) (sigstore-bundle.ts).
 * - Notation signatures: recorded as detected, never verified (chartroom has no Notation trust
 *   store); they never pass a policy.
 * - No policy, or a signature the policy gives no means for: recorded unverified, with the
 *   `verify:` block that would verify it (a helm record names the signature's key ID as signer,
 *   a keyless one the certificate's subject and issuer, unverified).
 * - Evidence that could not be read: recorded unverified, checked again at the next sync.
 * - cosign or sigstore evidence `unchanged: true` (its manifest digest is one recorded before,
 *   its blobs were not fetched): the records of that digest in `options.recorded` are returned
 *   as they stand; without `options.recorded` it gives no record, and the caller keeps the
 *   recorded ones itself (then `evaluatePolicy` over the merged records gives the policy result).
 *   Under a new or changed policy the caller must not report a digest as known: signatures that
 *   were never verified with the new key or identities would otherwise keep their old result.
 * - The policy (only with `options.policy`) passes iff at least one record of its kinds verified
 *   (helm: helm; cosign: cosign or sigstore); else SignatureMissing (none of its kinds, or none
 *   that could be read) or SignatureInvalid (there were some, none verified; the first one's reason).
 */
import type { ErrorCode } from '../error-catalogue.ts';
import type { X509Certificate } from '@sigstore/core';
import { layerKind, verifyCosignLayer } from './cosign-key.ts';
import { keylessSigner, verifyKeylessLayer } from './cosign-keyless.ts';
import { provenanceIssuer, sha256Of, verifyHelmProvenance } from './helm-provenance.ts';
import { notationRecord } from './notation.ts';
import type { CheckPolicy } from './policy.ts';
import { bundleCertificate, parseBundle, verifyBundleReferrer } from './sigstore-bundle.ts';
import { certificateSigner } from './sigstore-verify.ts';
import type {
  CosignLayer,
  SigstoreBundleEvidence,
  SignatureCheck,
  SignatureEvidence,
  SignatureKind,
  SignatureRecord,
  VerifyPolicy,
} from './types.ts';

export interface CheckOptions {
  subject: {
    digest?: string | undefined;
    manifestDigest?: string | undefined;
    /** the manifest bytes, when the source has them (a messageSignature bundle signs them) */
    manifest?: Buffer | undefined;
  };
  /** the registry's policy, loaded (policy.ts loadCheckPolicy); undefined: no policy (recorded, not verified) */
  policy?: CheckPolicy | undefined;
  /** for messages: `registries/<name>.yaml`, and `<chart> <version>` */
  registryFile: string;
  what: string;
  /**
   * the version's signatures as recorded before: the records of a cosign `.sig` or bundle digest
   * reported `unchanged` are taken from here (optional; without it they are left to the caller)
   */
  recorded?: readonly SignatureRecord[] | undefined;
}

type Provider = VerifyPolicy['provider'];

/** The record kinds a provider's policy counts. */
export const POLICY_KINDS: Record<Provider, readonly SignatureKind[]> = {
  helm: ['helm'],
  cosign: ['cosign', 'sigstore'],
};

const KEY_WORDS: Record<Provider, string> = {
  helm: 'an OpenPGP keyring in the repository',
  cosign: 'a cosign public key (PEM) in the repository',
};

/** An RE2 pattern matching exactly `value`. */
const exactly = (value: string) => `^${value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}$`;

/** The `verify:` block that would verify a signature of `kind` (keyless: with the certificate's identity). */
function blockFor(kind: Provider, keyless?: { identity?: string; issuer?: string }): string {
  if (kind === 'cosign' && keyless) {
    const issuer = keyless.issuer ? JSON.stringify(exactly(keyless.issuer)) : '<OIDC issuer regexp>';
    const subject = keyless.identity ? JSON.stringify(exactly(keyless.identity)) : '<subject regexp>';
    return `verify: {provider: cosign, matchOIDCIdentity: [{issuer: ${issuer}, subject: ${subject}}]}`;
  }
  return `verify: {provider: ${kind}, key: <${KEY_WORDS[kind]}>}`;
}

/** Why a signature was not verified when no policy of its kind is there, and the block that would verify it. */
function howToVerify(
  kind: Provider,
  options: CheckOptions,
  keyless?: { identity?: string; issuer?: string },
) {
  const block = blockFor(kind, keyless);
  const policy = options.policy?.provider;
  return policy === undefined
    ? `not verified: ${options.registryFile} has no verify: policy; to verify it, add ${block}`
    : `not verified: the verify: policy of ${options.registryFile} is for ${policy} signatures; a ${kind} signature is verified under ${block}`;
}

const signerWords = (source: string) => `keyless, Sigstore root: ${source}`;

export async function checkSignatures(
  evidence: readonly SignatureEvidence[],
  options: CheckOptions,
): Promise<SignatureCheck> {
  const signatures: SignatureRecord[] = [];
  for (const item of evidence) {
    if ('unreadable' in item) {
      signatures.push({
        kind: item.kind,
        verified: false,
        reason: `${item.unreadable.message.slice(0, 500)}; checked again at the next sync`,
      });
    } else if (item.kind === 'helm') {
      signatures.push(await helmRecord(item.provenance, item.fileName, options));
    } else if (item.kind === 'notation') {
      signatures.push(notationRecord(item));
    } else if (item.unchanged) {
      for (const record of options.recorded ?? []) {
        if (record.kind === item.kind && record.digest === item.digest) signatures.push(record);
      }
    } else if (item.kind === 'sigstore') {
      signatures.push(bundleRecord(item, options));
    } else {
      for (const layer of item.layers)
        signatures.push({ ...layerRecord(layer, options), digest: item.digest });
    }
  }
  if (!options.policy) return { signatures };
  return { signatures, ...evaluatePolicy(signatures, options) };
}

/** One layer of a `.sig` image (its digest is added by the caller). */
function layerRecord(layer: CosignLayer, options: CheckOptions): SignatureRecord {
  const policy = options.policy?.provider === 'cosign' ? options.policy : undefined;
  const kind = layerKind(layer);
  const base = { kind: 'cosign' as const, verified: false };
  if (typeof kind === 'object') return { ...base, reason: kind.foreign };
  if (kind === 'key') {
    if (!policy) return { ...base, reason: howToVerify('cosign', options) };
    if (!policy.key || policy.key.provider !== 'cosign') {
      return {
        ...base,
        reason: `a signature made with a key (\`cosign sign --key\`): the verify: policy of ${options.registryFile} names no key, only matchOIDCIdentity; add verify.key (the publisher's cosign.pub) to verify it`,
      };
    }
    const key = policy.key;
    const result = verifyCosignLayer(layer, key.key, key.path, options.subject.manifestDigest);
    return result.verified
      ? { kind: 'cosign', verified: true, signer: key.path, identity: key.identity }
      : { ...base, reason: result.reason ?? 'not verified' };
  }
  // keyless
  const seen = keylessSigner(layer);
  const unverified = (reason: string): SignatureRecord => ({ ...base, ...seen, reason });
  if (!policy) return unverified(howToVerify('cosign', options, seen));
  if (!policy.identities?.length || !policy.sigstore) {
    return unverified(
      `a keyless signature (a Fulcio certificate): the verify: policy of ${options.registryFile} names only a key; to verify it, add matchOIDCIdentity: [{issuer: …, subject: …}] (${blockFor('cosign', seen)})`,
    );
  }
  const trust = policy.sigstore;
  const result = verifyKeylessLayer(layer, trust, policy.identities, options.subject.manifestDigest);
  const record: SignatureRecord = { kind: 'cosign', verified: result.verified };
  if (result.identity !== undefined) record.identity = result.identity;
  if (result.issuer !== undefined) record.issuer = result.issuer;
  if (result.verified) record.signer = signerWords(trust.source);
  else record.reason = result.reason ?? 'not verified';
  return record;
}

function bundleRecord(item: SigstoreBundleEvidence, options: CheckOptions): SignatureRecord {
  const policy = options.policy?.provider === 'cosign' ? options.policy : undefined;
  const base: SignatureRecord = { kind: 'sigstore', verified: false, digest: item.digest };
  if (!policy?.sigstore) {
    const parsed = parseBundle(item.bundle);
    if ('reason' in parsed) return { ...base, reason: parsed.reason };
    const cert = bundleCertificate(parsed);
    const seen = cert ? seenOn(cert) : undefined;
    const reason = policy
      ? `a Sigstore bundle: the verify: policy of ${options.registryFile} has no Sigstore trusted root loaded to verify it with`
      : howToVerify('cosign', options, seen);
    return { ...base, ...seen, reason };
  }
  const key = policy.key?.provider === 'cosign' ? policy.key : undefined;
  const result = verifyBundleReferrer(
    item.bundle,
    policy.sigstore,
    { identities: policy.identities, key: key?.key },
    { manifestDigest: options.subject.manifestDigest, manifest: options.subject.manifest },
  );
  const record: SignatureRecord = { ...base, verified: result.verified };
  if (result.byKey && key) {
    record.signer = key.path;
    record.identity = key.identity;
  } else {
    if (result.identity !== undefined) record.identity = result.identity;
    if (result.issuer !== undefined) record.issuer = result.issuer;
    if (result.verified) record.signer = signerWords(policy.sigstore.source);
  }
  if (!result.verified) record.reason = result.reason ?? 'not verified';
  return record;
}

/** A certificate's SAN and issuer as read, unverified. */
function seenOn(cert: X509Certificate): { identity?: string; issuer?: string } {
  const { identity, issuer } = certificateSigner(cert);
  return { ...(identity !== undefined && { identity }), ...(issuer !== undefined && { issuer }) };
}

async function helmRecord(
  provenance: Buffer,
  fileName: string,
  options: CheckOptions,
): Promise<SignatureRecord> {
  const key = options.policy?.key;
  if (key?.provider === 'helm') {
    const result = await verifyHelmProvenance(provenance, fileName, options.subject.digest, key);
    const record: SignatureRecord = { kind: 'helm', verified: result.verified };
    if (result.signer !== undefined) record.signer = result.signer;
    if (result.identity !== undefined) record.identity = result.identity;
    if (result.reason !== undefined) record.reason = result.reason;
    record.digest = result.digest;
    return record;
  }
  const issuer = await provenanceIssuer(provenance);
  const record: SignatureRecord = { kind: 'helm', verified: false };
  if (issuer.signer !== undefined) record.signer = issuer.signer;
  record.reason = issuer.reason ?? howToVerify('helm', options);
  record.digest = sha256Of(provenance);
  return record;
}

/** What a policy accepts, in words: `the key k.pub`, `keyless with an identity of matchOIDCIdentity`. */
function means(policy: CheckPolicy): string {
  const parts: string[] = [];
  if (policy.key) parts.push(policy.key.path);
  if (policy.identities?.length) parts.push('keyless, with an identity of its matchOIDCIdentity');
  return parts.join(' or ') || 'its key';
}

function toSign(policy: CheckPolicy): string {
  if (policy.provider === 'helm') {
    return 'publish it signed: `helm package --sign` and its .prov beside the archive (OCI: `helm push` of the signed package)';
  }
  const ways: string[] = [];
  if (policy.key) ways.push('`cosign sign --key`');
  if (policy.identities?.length) ways.push('`cosign sign` keyless (a Sigstore bundle or a `.sig` signature)');
  return `sign the version's manifest with ${ways.join(' or ')}`;
}

/**
 * Whether `signatures` pass the policy in `options`: passed iff one record of its kinds verified.
 * A record without `digest` is one whose evidence could not be read.
 */
export function evaluatePolicy(
  signatures: readonly SignatureRecord[],
  options: Pick<CheckOptions, 'policy' | 'registryFile' | 'what'>,
): Pick<SignatureCheck, 'policy' | 'policyError'> {
  const policy = options.policy;
  if (!policy) return {};
  const kind = policy.provider;
  const kinds = POLICY_KINDS[kind];
  const ofKind = signatures.filter((s) => kinds.includes(s.kind));
  if (ofKind.some((s) => s.verified)) return { policy: 'passed' };
  const outcome = policy.required
    ? `until then it is refused; or set \`required: false\` in ${options.registryFile}`
    : 'it is offered all the same (`required: false`)';
  const read = ofKind.filter((s) => s.digest !== undefined);
  let code: ErrorCode;
  let message: string;
  if (read.length === 0) {
    code = 'SignatureMissing';
    const unreadable = ofKind.find((s) => s.digest === undefined);
    const found = unreadable
      ? ` (the one found could not be read: ${unreadable.reason ?? 'unreadable'})`
      : '';
    message = `no ${kind} signature for ${options.what}${found}: the verify: policy of ${options.registryFile} needs one that verifies with ${means(policy)}; ${toSign(policy)}; ${outcome}`;
  } else {
    code = 'SignatureInvalid';
    const check = [
      policy.key ? `that ${policy.key.path} is the publisher's key` : undefined,
      policy.identities?.length ? "that matchOIDCIdentity names the signer's issuer and subject" : undefined,
    ]
      .filter(Boolean)
      .join(' and ');
    message = `no ${kind} signature verifies for ${options.what} under the verify: policy of ${options.registryFile}: ${read[0]!.reason ?? 'not verified'}; check ${check}, or ask the publisher to sign this version again; ${outcome}`;
  }
  return { policy: 'failed', policyError: { code, message } };
}
