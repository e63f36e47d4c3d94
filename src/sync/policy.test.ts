/** What of a policy the catalog records and compares, and rule (e)'s window (signatures.ts). */
import { describe, expect, it } from 'vitest';
import type { CheckPolicy } from '../trust/policy.ts';
import type { SigstoreTrust } from '../trust/sigstore-root.ts';
import { policyDigests } from './policy.ts';
import { activeRechecks, catalogPolicy, RECHECK_WINDOW_MS, samePolicy } from './signatures.ts';

const key = {
  provider: 'cosign',
  path: 'keys/cosign.pub',
  digest: `sha256:${'1'.repeat(64)}`,
} as unknown as NonNullable<CheckPolicy['key']>;
const root = (digest: string, source = 'the public-good Sigstore root shipped with chartroom (2025-09-23)') =>
  ({ source, digest, material: {}, ctlogs: 1 }) as unknown as SigstoreTrust;
const identities = [{ issuer: '^https://issuer$', subject: '^ci@example\\.com$' }];
const R1 = `sha256:${'a'.repeat(64)}`;
const R2 = `sha256:${'b'.repeat(64)}`;

describe('the policy the catalog records', () => {
  it('a key-only helm policy as before; a keyless one with its identities and root', () => {
    const helm = { provider: 'helm', key: { ...key, provider: 'helm' }, required: true } as CheckPolicy;
    expect(Object.keys(catalogPolicy(helm)!)).toEqual(['provider', 'key', 'required', 'keyDigest']);
    expect(policyDigests(helm)).toEqual({ keyDigest: key.digest });
    const keyless: CheckPolicy = { provider: 'cosign', identities, sigstore: root(R1), required: false };
    expect(catalogPolicy(keyless)).toEqual({
      provider: 'cosign',
      required: false,
      matchOIDCIdentity: identities,
      sigstoreRoot: 'the public-good Sigstore root shipped with chartroom (2025-09-23)',
      sigstoreRootDigest: R1,
    });
    expect(policyDigests(keyless)).toEqual({ sigstoreRootDigest: R1 });
    expect(catalogPolicy(undefined)).toBeUndefined();
  });

  it('is the same policy only with the same identities (in order) and root digest; the root’s words do not count', () => {
    const base = catalogPolicy({ provider: 'cosign', key, identities, sigstore: root(R1), required: true });
    const again = (over: Partial<CheckPolicy>) =>
      catalogPolicy({ provider: 'cosign', key, identities, sigstore: root(R1), required: true, ...over });
    expect(samePolicy(base, again({}))).toBe(true);
    expect(samePolicy(base, again({ sigstore: root(R1, 'trust/root.json') }))).toBe(true);
    expect(samePolicy(base, again({ sigstore: root(R2) }))).toBe(false);
    expect(samePolicy(base, again({ identities: [{ ...identities[0]!, subject: '^other$' }] }))).toBe(false);
    expect(samePolicy(base, again({ identities: [...identities, ...identities] }))).toBe(false);
    expect(samePolicy(base, again({ identities: undefined }))).toBe(false);
    expect(samePolicy(base, again({ key: undefined }))).toBe(false);
    expect(samePolicy(base, undefined)).toBe(false);
  });
});

describe("rule (e)'s window", () => {
  const now = new Date('2026-12-02T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it('keeps the versions first seen less than an hour ago, drops the rest and anything malformed', () => {
    const recheck = {
      app: { '1.0.0': ago(0), '1.1.0': ago(RECHECK_WINDOW_MS - 1), '0.9.0': ago(RECHECK_WINDOW_MS) },
      // a state file edited by hand, or from a clock that went back
      odd: { '1.0.0': 'yesterday', '2.0.0': 42, '3.0.0': ago(-60_000) },
      broken: null,
    } as unknown as Record<string, Record<string, string>>;
    expect(activeRechecks(recheck, now)).toEqual({
      app: { '1.0.0': ago(0), '1.1.0': ago(RECHECK_WINDOW_MS - 1) },
    });
    expect(activeRechecks(undefined, now)).toEqual({});
  });
});
