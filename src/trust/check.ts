/**
 * A version's signatures under its registry's policy: one record per Helm provenance file and
 * per cosign signature layer found, then whether the version passes the policy.
 *
 * - helm: verified with the policy's keyring and the version's archive digest (helm-provenance.ts).
 * - cosign: each layer of the `.sig` image, verified with the policy's key for the version's
 *   manifest digest (cosign-key.ts). A foreign layer beside a good one is recorded unverified and
 *   does not fail the version; a keyless layer is recorded unverified (not supported yet).
 * - No policy, or a signature of the other provider's kind: recorded unverified, with the
 *   `verify:` block that would verify it (a helm record names the signature's key ID as signer).
 * - Evidence that could not be read: recorded unverified, checked again at the next sync.
 * - cosign evidence `unchanged: true` (its `.sig` manifest digest is one recorded before, its
 *   layers were not fetched): the records of that digest in `options.recorded` are returned as
 *   they stand; without `options.recorded` it gives no record, and the caller keeps the recorded
 *   ones itself (then `evaluatePolicy` over the merged records gives the policy result).
 *   Under a new or changed policy the caller must not report a digest as known: layers that
 *   were never verified with the new key would otherwise keep their old result.
 * - The policy (only with `options.policy`) passes iff at least one record of its kind verified;
 *   else SignatureMissing (none of its kind, or none that could be read) or SignatureInvalid
 *   (there were some, none verified; the first one's reason).
 */
import type { ErrorCode } from '../error-catalogue.ts';
import { KEYLESS_REASON, layerKind, verifyCosignLayer } from './cosign-key.ts';
import { provenanceIssuer, sha256Of, verifyHelmProvenance } from './helm-provenance.ts';
import type { PolicyKey } from './keys.ts';
import type { SignatureCheck, SignatureEvidence, SignatureRecord, VerifyPolicy } from './types.ts';

export interface CheckOptions {
  subject: { digest?: string | undefined; manifestDigest?: string | undefined };
  /** the registry's policy with its loaded key; undefined: no policy (signatures recorded, not verified) */
  policy?: { key: PolicyKey; required: boolean } | undefined;
  /** for messages: `registries/<name>.yaml`, and `<chart> <version>` */
  registryFile: string;
  what: string;
  /**
   * the version's signatures as recorded before: the records of a cosign `.sig` digest reported
   * `unchanged` are taken from here (optional; without it they are left to the caller)
   */
  recorded?: readonly SignatureRecord[] | undefined;
}

type Provider = VerifyPolicy['provider'];

const KEY_WORDS: Record<Provider, string> = {
  helm: 'an OpenPGP keyring in the repository',
  cosign: 'a cosign public key (PEM) in the repository',
};

/** Why a signature was not verified when no policy of its kind is there, and the block that would verify it. */
function howToVerify(kind: Provider, options: CheckOptions): string {
  const block = `verify: {provider: ${kind}, key: <${KEY_WORDS[kind]}>}`;
  const policy = options.policy?.key.provider;
  return policy === undefined
    ? `not verified: ${options.registryFile} has no verify: policy; to verify it, add ${block}`
    : `not verified: the verify: policy of ${options.registryFile} is for ${policy} signatures; a ${kind} signature is verified under ${block}`;
}

export async function checkSignatures(
  evidence: readonly SignatureEvidence[],
  options: CheckOptions,
): Promise<SignatureCheck> {
  const key = options.policy?.key;
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
    } else if (item.kind === 'sigstore' || item.kind === 'notation') {
      // issue 17 (trust helper): Sigstore bundles verified, Notation detected
      signatures.push({ kind: item.kind, verified: false, digest: item.digest, reason: 'not verified yet' });
    } else if (item.unchanged) {
      for (const record of options.recorded ?? []) {
        if (record.kind === 'cosign' && record.digest === item.digest) signatures.push(record);
      }
    } else {
      for (const layer of item.layers) {
        const base = { kind: 'cosign' as const, digest: item.digest };
        if (key?.provider === 'cosign') {
          const result = verifyCosignLayer(layer, key.key, key.path, options.subject.manifestDigest);
          signatures.push(
            result.verified
              ? { ...base, verified: true, signer: key.path, identity: key.identity }
              : { ...base, verified: false, reason: result.reason ?? 'not verified' },
          );
        } else {
          const kind = layerKind(layer);
          const reason =
            typeof kind === 'object'
              ? kind.foreign
              : kind === 'keyless'
                ? `${KEYLESS_REASON}; not verified`
                : howToVerify('cosign', options);
          signatures.push({ ...base, verified: false, reason });
        }
      }
    }
  }
  if (!options.policy) return { signatures };
  return { signatures, ...evaluatePolicy(signatures, options) };
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

const TO_SIGN: Record<Provider, string> = {
  helm: 'publish it signed: `helm package --sign` and its .prov beside the archive (OCI: `helm push` of the signed package)',
  cosign: "sign the version's manifest with `cosign sign --key`",
};

/**
 * Whether `signatures` pass the policy in `options`: passed iff one record of its kind verified.
 * A record without `digest` is one whose evidence could not be read.
 */
export function evaluatePolicy(
  signatures: readonly SignatureRecord[],
  options: Pick<CheckOptions, 'policy' | 'registryFile' | 'what'>,
): Pick<SignatureCheck, 'policy' | 'policyError'> {
  if (!options.policy) return {};
  const { key, required } = options.policy;
  const kind = key.provider;
  const ofKind = signatures.filter((s) => s.kind === kind);
  if (ofKind.some((s) => s.verified)) return { policy: 'passed' };
  const outcome = required
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
    message = `no ${kind} signature for ${options.what}${found}: the verify: policy of ${options.registryFile} needs one that verifies with ${key.path}; ${TO_SIGN[kind]}; ${outcome}`;
  } else {
    code = 'SignatureInvalid';
    message = `no ${kind} signature verifies for ${options.what} under the verify: policy of ${options.registryFile}: ${read[0]!.reason ?? 'not verified'}; check that ${key.path} is the publisher's key, or ask the publisher to sign this version again; ${outcome}`;
  }
  return { policy: 'failed', policyError: { code, message } };
}
