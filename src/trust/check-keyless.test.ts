// checkSignatures under keyless policies (matchOIDCIdentity, with or without a key): keyless
// `.sig` layers, Sigstore bundle referrers and Notation signatures, made by testkit/sigstore.ts.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigstore, type KeylessLayer, type PrivateSigstore } from '../../testkit/sigstore.ts';
import { checkSignatures, type CheckOptions } from './check.ts';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign-key.ts';
import { parsePublicKey, type CosignPolicyKey } from './keys.ts';
import { NOTATION_REASON } from './notation.ts';
import type { CheckPolicy } from './policy.ts';
import { sigstoreTrustFrom, type SigstoreTrust } from './sigstore-root.ts';
import type { CosignLayer, OidcIdentity, SignatureEvidence } from './types.ts';

const sha256 = (s: string | Buffer) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const REGISTRY = 'registries/keyless.yaml';
const MANIFEST = sha256('the manifest of demo 1.0.0');
const SIG = sha256('the .sig manifest');
const REFERRER = sha256('the bundle referrer manifest');
const ME = { subject: 'release@example.test', issuer: 'https://token.actions.example.test' };
const MINE: OidcIdentity = {
  issuer: '^https://token\\.actions\\.example\\.test$',
  subject: '^release@example\\.test$',
};
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let sigstore: PrivateSigstore;
let trust: SigstoreTrust;
let key: CosignPolicyKey;
beforeAll(() => {
  sigstore = createSigstore();
  trust = sigstoreTrustFrom(Buffer.from(JSON.stringify(sigstore.trustedRoot())), 'root', 'the test root');
  const pem = Buffer.from(pair.publicKey.export({ type: 'spki', format: 'pem' }));
  key = {
    provider: 'cosign',
    path: 'keys/cosign.pub',
    digest: sha256(pem),
    ...parsePublicKey(pem, REGISTRY, 'keys/cosign.pub'),
  };
});

const asLayer = (l: KeylessLayer): CosignLayer => ({
  mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
  payload: l.payload,
  annotations: { [SIGNATURE_ANNOTATION]: l.signature, ...l.annotations },
});
const keyLayer = (): CosignLayer => {
  const payload = Buffer.from(
    `{"critical":{"identity":{"docker-reference":"r/demo"},"image":{"docker-manifest-digest":"${MANIFEST}"},"type":"cosign container image signature"},"optional":null}`,
  );
  return {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload,
    annotations: { [SIGNATURE_ANNOTATION]: sign('sha256', payload, pair.privateKey).toString('base64') },
  };
};
const sig = (...layers: CosignLayer[]): SignatureEvidence => ({ kind: 'cosign', digest: SIG, layers });
const bundle = (digest = MANIFEST, identity = ME): SignatureEvidence => ({
  kind: 'sigstore',
  digest: REFERRER,
  mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  bundle: Buffer.from(JSON.stringify(sigstore.bundleFor(digest, identity))),
});
const keyless = (extra: Partial<CheckPolicy> = {}): CheckPolicy => ({
  provider: 'cosign',
  identities: [MINE],
  sigstore: trust,
  required: true,
  ...extra,
});
const options = (policy?: CheckPolicy, extra: Partial<CheckOptions> = {}): CheckOptions => ({
  subject: { manifestDigest: MANIFEST },
  policy,
  registryFile: REGISTRY,
  what: 'demo 1.0.0',
  ...extra,
});

describe('checkSignatures under matchOIDCIdentity', () => {
  it('a keyless .sig layer verifies: SAN, issuer, the root in words, the .sig digest', async () => {
    const check = await checkSignatures(
      [sig(asLayer(sigstore.keylessSigLayer(MANIFEST, ME)))],
      options(keyless()),
    );
    expect(check).toEqual({
      signatures: [
        {
          kind: 'cosign',
          verified: true,
          identity: ME.subject,
          issuer: ME.issuer,
          signer: 'keyless, Sigstore root: the test root',
          digest: SIG,
        },
      ],
      policy: 'passed',
    });
  });

  it('a bundle referrer verifies: a sigstore record that passes the cosign policy', async () => {
    const check = await checkSignatures([bundle()], options(keyless()));
    expect(check).toEqual({
      signatures: [
        {
          kind: 'sigstore',
          verified: true,
          identity: ME.subject,
          issuer: ME.issuer,
          signer: 'keyless, Sigstore root: the test root',
          digest: REFERRER,
        },
      ],
      policy: 'passed',
    });
  });

  it('a bundle for another manifest and a keyless layer of another identity: SignatureInvalid', async () => {
    const other = asLayer(sigstore.keylessSigLayer(MANIFEST, { ...ME, subject: 'intruder@example.test' }));
    const check = await checkSignatures([bundle(sha256('another')), sig(other)], options(keyless()));
    expect(check.signatures.map((s) => s.verified)).toEqual([false, false]);
    expect(check.signatures[1]).toMatchObject({ identity: 'intruder@example.test' });
    expect(check.policyError?.code).toBe('SignatureInvalid');
    expect(check.policyError?.message).toMatch(
      /^no cosign signature verifies for demo 1\.0\.0 under the verify: policy of registries\/keyless\.yaml: the bundle verifies, but its in-toto statement is for another artifact.*check that matchOIDCIdentity names the signer's issuer and subject/,
    );
  });

  it('key and identities: either means passes; a key layer under identities alone is not verified', async () => {
    const both = keyless({ key });
    expect((await checkSignatures([sig(keyLayer())], options(both))).policy).toBe('passed');
    expect((await checkSignatures([bundle()], options(both))).policy).toBe('passed');
    const alone = await checkSignatures([sig(keyLayer())], options(keyless()));
    expect(alone.signatures[0]!.reason).toMatch(/names no key, only matchOIDCIdentity; add verify\.key/);
    expect(alone.policyError?.code).toBe('SignatureInvalid');
  });

  it('nothing found: SignatureMissing saying what the policy accepts and how to sign', async () => {
    const check = await checkSignatures([], options(keyless({ key, required: false })));
    expect(check.policyError).toEqual({
      code: 'SignatureMissing',
      message:
        "no cosign signature for demo 1.0.0: the verify: policy of registries/keyless.yaml needs one that verifies with keys/cosign.pub or keyless, with an identity of its matchOIDCIdentity; sign the version's manifest with `cosign sign --key` or `cosign sign` keyless (a Sigstore bundle or a `.sig` signature); it is offered all the same (`required: false`)",
    });
  });

  it('a Notation signature is recorded, detected not verified, and does not pass', async () => {
    const notation: SignatureEvidence = {
      kind: 'notation',
      digest: sha256('n'),
      thumbprints: ['AB'.repeat(32)],
    };
    const check = await checkSignatures([notation], options(keyless()));
    expect(check.signatures).toEqual([
      {
        kind: 'notation',
        verified: false,
        digest: sha256('n'),
        identity: `sha256:${'ab'.repeat(32)}`,
        reason: NOTATION_REASON,
      },
    ]);
    expect(check.policyError?.code).toBe('SignatureMissing');
  });

  it('an unchanged bundle keeps its records; an unreadable one fails the policy as missing', async () => {
    const recorded = (await checkSignatures([bundle()], options(keyless()))).signatures;
    const unchanged: SignatureEvidence = {
      kind: 'sigstore',
      digest: REFERRER,
      unchanged: true,
      mediaType: 'x',
      bundle: Buffer.alloc(0),
    };
    expect(await checkSignatures([unchanged], options(keyless(), { recorded }))).toEqual({
      signatures: recorded,
      policy: 'passed',
    });
    const unreadable: SignatureEvidence = {
      kind: 'sigstore',
      unreadable: { code: 'HTTPError', message: 'a 500' },
    };
    const check = await checkSignatures([unreadable], options(keyless()));
    expect(check.policyError?.code).toBe('SignatureMissing');
    expect(check.policyError?.message).toMatch(/could not be read: a 500/);
  });
});

describe('checkSignatures without a keyless policy', () => {
  it('no policy: keyless layers and bundles recorded unverified, with the block that would verify them', async () => {
    const check = await checkSignatures(
      [sig(asLayer(sigstore.keylessSigLayer(MANIFEST, ME))), bundle()],
      options(),
    );
    for (const record of check.signatures) {
      expect(record).toMatchObject({ verified: false, identity: ME.subject, issuer: ME.issuer });
      expect(record.reason).toContain(
        'has no verify: policy; to verify it, add verify: {provider: cosign, matchOIDCIdentity: [{issuer: "^https://token\\\\.actions\\\\.example\\\\.test$", subject: "^release@example\\\\.test$"}]}',
      );
    }
    expect(check.policy).toBeUndefined();
  });

  it('a key-only policy: a keyless layer says to add matchOIDCIdentity', async () => {
    const check = await checkSignatures(
      [sig(asLayer(sigstore.keylessSigLayer(MANIFEST, ME)))],
      options({ provider: 'cosign', key, required: true, sigstore: trust }),
    );
    expect(check.signatures[0]!.reason).toMatch(/names only a key; to verify it, add matchOIDCIdentity/);
    const bundleCheck = await checkSignatures(
      [bundle()],
      options({ provider: 'cosign', key, required: true, sigstore: trust }),
    );
    expect(bundleCheck.signatures[0]!.reason).toMatch(/names no matchOIDCIdentity/);
  });

  it('a helm policy: a bundle is recorded as the other provider’s', async () => {
    const helm: CheckPolicy = { provider: 'helm', required: true };
    const check = await checkSignatures([bundle()], options(helm));
    expect(check.signatures[0]!.reason).toMatch(
      /is for helm signatures; a cosign signature is verified under/,
    );
  });
});
