/**
 * Notation (Notary Project) signatures among a version's referrers: detected and recorded, never
 * verified. Verifying one needs a Notation trust store and trust policy, which chartroom does not
 * keep; the record says so and how to verify it. A Notation record never passes a policy.
 */
import type { NotationEvidence, SignatureRecord } from './types.ts';

export const NOTATION_REASON =
  'a Notation signature: detected, not verified (chartroom verifies Helm provenance, cosign signatures and Sigstore bundles); verify it with `notation verify` against your trust store and trust policy';

export function notationRecord(item: NotationEvidence): SignatureRecord {
  const record: SignatureRecord = { kind: 'notation', verified: false, digest: item.digest };
  // the leaf certificate's sha256, as notation's manifest annotation lists it: shown as the identity
  const leaf = item.thumbprints?.[0];
  if (typeof leaf === 'string' && /^[0-9a-fA-F]{64}$/.test(leaf))
    record.identity = `sha256:${leaf.toLowerCase()}`;
  record.reason = NOTATION_REASON;
  return record;
}
