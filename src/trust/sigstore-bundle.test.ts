// Sigstore bundle referrers made by a private deployment (testkit/sigstore.ts): DSSE and
// messageSignature, v0.1 to v0.3, verified for the version's manifest and its identities;
// refused for another manifest, another identity, bytes not read; hostile bundles bounded.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigstore, type PrivateSigstore } from '../../testkit/sigstore.ts';
import { MAX_BUNDLE_BYTES, parseBundle, verifyBundleReferrer } from './sigstore-bundle.ts';
import { sigstoreTrustFrom, type SigstoreTrust } from './sigstore-root.ts';
import type { OidcIdentity } from './types.ts';

const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
const ME = { subject: 'release@example.test', issuer: 'https://token.actions.example.test' };
const MINE: OidcIdentity = { issuer: 'example\\.test$', subject: '^release@' };

let sigstore: PrivateSigstore;
let trust: SigstoreTrust;
beforeAll(() => {
  sigstore = createSigstore();
  trust = sigstoreTrustFrom(
    Buffer.from(JSON.stringify(sigstore.trustedRoot())),
    'test root',
    'the test root',
  );
});

const bytes = (json: unknown) => Buffer.from(JSON.stringify(json));

describe('verifyBundleReferrer', () => {
  it.each(['0.1', '0.2', '0.3'] as const)('a v%s DSSE bundle for the manifest verifies', (version) => {
    const bundle = bytes(sigstore.bundleFor(DIGEST, ME, { version }));
    expect(verifyBundleReferrer(bundle, trust, { identities: [MINE] }, { manifestDigest: DIGEST })).toEqual({
      verified: true,
      identity: ME.subject,
      issuer: ME.issuer,
    });
  });

  it('a DSSE bundle for another manifest is refused (provided artifact digest does not match)', () => {
    const bundle = bytes(sigstore.bundleFor(`sha256:${'0'.repeat(64)}`, ME));
    const result = verifyBundleReferrer(bundle, trust, { identities: [MINE] }, { manifestDigest: DIGEST });
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/provided artifact digest does not match any digest in statement/);
  });

  it('another identity is refused, naming the certificate', () => {
    const bundle = bytes(sigstore.bundleFor(DIGEST, { ...ME, subject: 'intruder@example.test' }));
    const result = verifyBundleReferrer(bundle, trust, { identities: [MINE] }, { manifestDigest: DIGEST });
    expect(result).toMatchObject({ verified: false, identity: 'intruder@example.test' });
    expect(result.reason).toMatch(/matches no entry of matchOIDCIdentity/);
  });

  it('a messageSignature bundle verifies over the manifest bytes; without them it is not verified', () => {
    const bundle = bytes(sigstore.bundleFor(MANIFEST, ME, { content: 'messageSignature' }));
    const means = { identities: [MINE] };
    expect(
      verifyBundleReferrer(bundle, trust, means, { manifestDigest: DIGEST, manifest: MANIFEST }).verified,
    ).toBe(true);
    expect(verifyBundleReferrer(bundle, trust, means, { manifestDigest: DIGEST }).reason).toMatch(
      /were not read/,
    );
    const other = bytes(sigstore.bundleFor(Buffer.from('other'), ME, { content: 'messageSignature' }));
    expect(
      verifyBundleReferrer(other, trust, means, { manifestDigest: DIGEST, manifest: MANIFEST }).reason,
    ).toMatch(/signs another artifact/);
    const lying = verifyBundleReferrer(bundle, trust, means, {
      manifestDigest: DIGEST,
      manifest: Buffer.from('x'),
    });
    expect(lying.verified).toBe(false);
  });

  it('a bundle of another deployment does not verify', () => {
    const other = createSigstore({ name: 'elsewhere' });
    const result = verifyBundleReferrer(
      bytes(other.bundleFor(DIGEST, ME)),
      trust,
      { identities: [MINE] },
      { manifestDigest: DIGEST },
    );
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/does not verify with the test root/);
  });

  it('a keyless bundle under a policy without identities, or an unknown manifest digest, is not verified', () => {
    const bundle = bytes(sigstore.bundleFor(DIGEST, ME));
    expect(verifyBundleReferrer(bundle, trust, {}, { manifestDigest: DIGEST }).reason).toMatch(
      /names no matchOIDCIdentity/,
    );
    expect(
      verifyBundleReferrer(bundle, trust, { identities: [MINE] }, { manifestDigest: undefined }).reason,
    ).toMatch(/manifest digest is not known/);
  });

  it('hostile bundles: too large, not JSON, not a bundle, tampered statement', () => {
    const means = { identities: [MINE] };
    const subject = { manifestDigest: DIGEST };
    expect(
      verifyBundleReferrer(Buffer.alloc(MAX_BUNDLE_BYTES + 1, 32), trust, means, subject).reason,
    ).toMatch(/more than/);
    expect(verifyBundleReferrer(Buffer.from('{'), trust, means, subject).reason).toMatch(/not JSON/);
    expect(verifyBundleReferrer(bytes({ mediaType: 'x' }), trust, means, subject).reason).toMatch(
      /not a Sigstore bundle/,
    );
    expect(parseBundle(bytes([]))).toHaveProperty('reason');
    const json = sigstore.bundleFor(`sha256:${'0'.repeat(64)}`, ME);
    const statement = Buffer.from(json.dsseEnvelope!.payload, 'base64')
      .toString()
      .replace('0'.repeat(64), DIGEST.slice(7));
    const tampered = {
      ...json,
      dsseEnvelope: { ...json.dsseEnvelope!, payload: Buffer.from(statement).toString('base64') },
    };
    const result = verifyBundleReferrer(bytes(tampered), trust, means, subject);
    expect(result.verified).toBe(false);
  });
});
