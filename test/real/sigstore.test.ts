/**
 * Real Sigstore data (../shared/fixtures/signing, README §2, §3.1's keyless row, §3.3, §4): public
 * good bundles, sigstore-js's fixtures, containers/image's keyless cosign signature, cosign's
 * bundle referrer and a Notation JWS, each verified or refused as that README says, through
 * chartroom's own verifiers (src/trust). The files are read where they are; a missing one fails.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from '@sigstore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignatures } from '../../src/trust/check.ts';
import { verifyKeylessLayer } from '../../src/trust/cosign-keyless.ts';
import { NOTATION_REASON } from '../../src/trust/notation.ts';
import { loadCheckPolicy, type CheckPolicy } from '../../src/trust/policy.ts';
import { parseBundle, verifyBundle, verifyBundleReferrer } from '../../src/trust/sigstore-bundle.ts';
import { loadSigstoreRoot, sigstoreTrustFrom, type SigstoreTrust } from '../../src/trust/sigstore-root.ts';
import type { CosignLayer, OidcIdentity, SignatureEvidence } from '../../src/trust/types.ts';
import { fixturesDir } from '../../testkit/fixtures.ts';

const SIGNING = path.join(fixturesDir(), 'signing');
const SIGSTORE = path.join(SIGNING, 'sigstore');
const CONTAINERS = path.join(SIGNING, 'cosign', 'containers-image');
const REFERRER = path.join(SIGNING, 'cosign', 'sigstore-bundle-referrer');
const NOTATION = path.join(SIGNING, 'notation');
const REGISTRY = 'registries/sigstore.yaml';

const read = (...parts: string[]) => readFileSync(path.join(...parts));
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const rootOf = (file: string, name = file) => sigstoreTrustFrom(read(file), name, name);

const ARTIFACT = read(SIGSTORE, 'artifact.txt');
const BRIAN: OidcIdentity = {
  issuer: '^https://github\\.com/login/oauth$',
  subject: '^brian@dehamer\\.com$',
};
const ANY: OidcIdentity = { issuer: '.*', subject: '.*' };

const roots = {
  client: rootOf(path.join(SIGSTORE, 'client', 'trusted_root.json'), 'client root'),
  verify: rootOf(path.join(SIGSTORE, 'verify', 'trusted_root.json'), 'verify root'),
  publicGood: rootOf(path.join(SIGSTORE, 'public-good', 'trusted_root.json'), 'public-good root'),
  pgi: rootOf(path.join(REFERRER, 'trusted_root_pgi.json'), 'cosign trusted_root_pgi'),
};

/** A bundle file verified under `trust` with `means`, `artifact` for a messageSignature. */
function verifyFile(
  file: string,
  trust: SigstoreTrust,
  means: Parameters<typeof verifyBundle>[2],
  artifact?: Buffer,
) {
  const bundle = parseBundle(read(file));
  if ('reason' in bundle) throw new Error(bundle.reason);
  return verifyBundle(bundle, trust, means, artifact);
}

const pemKey = (file: string) => createPublicKey(read(file));

describe('the trusted root', () => {
  it('the shipped root is the public-good trusted_root.json, byte for byte, dated by its newest entry', async () => {
    const shipped = await loadSigstoreRoot(tmpdir());
    const fixture = read(SIGSTORE, 'public-good', 'trusted_root.json');
    expect(shipped.digest).toBe(sha256(fixture));
    expect(shipped.source).toBe('the public-good Sigstore root shipped with chartroom (2025-09-23)');
    expect(shipped.ctlogs).toBe(2);
    expect(shipped.material.tlogs).toHaveLength(2);
    expect(shipped.path).toBeUndefined();
  });

  it.each(Object.entries(roots))('the %s loads', (_, trust) => {
    expect(trust.material.certificateAuthorities.length).toBeGreaterThan(0);
    expect(trust.material.tlogs.length).toBeGreaterThan(0);
  });

  describe('trust.sigstoreRoot: a repository file', () => {
    let repo: string;
    beforeAll(async () => {
      repo = await mkdtemp(path.join(tmpdir(), 'chartroom-sigstore-root-'));
      await writeFile(path.join(repo, 'root.json'), read(REFERRER, 'trusted_root_pgi.json'));
    });
    afterAll(() => rm(repo, { recursive: true, force: true }));

    it('loads with its path as the source', async () => {
      const trust = await loadSigstoreRoot(repo, 'root.json');
      expect(trust).toMatchObject({ source: 'root.json', path: 'root.json', ctlogs: 2 });
      expect(trust.digest).toBe(sha256(read(REFERRER, 'trusted_root_pgi.json')));
    });

    it('a bundle verifies under it as under the shipped root', async () => {
      const trust = await loadSigstoreRoot(repo, 'root.json');
      const file = path.join(REFERRER, 'oci-attestation.sigstore.json');
      expect(verifyFile(file, trust, { identities: [ANY] }).verified).toBe(true);
    });
  });
});

describe('§2.1 sigstore/client: pure public good', () => {
  const dir = path.join(SIGSTORE, 'client');
  const cases: Array<[string, Buffer | undefined]> = [
    ['v0.1-message-signature.cert.json', ARTIFACT],
    ['v0.2-message-signature.cert.json', ARTIFACT],
    ['v0.3-message-signature.cert.json', ARTIFACT],
    ['v0.1-dsse.cert.json', undefined],
    ['v0.3-dsse.cert.json', undefined],
  ];
  for (const [name, trust] of [
    ['client', roots.client],
    ['public-good', roots.publicGood],
  ] as const) {
    it.each(cases)(
      `%s verifies with the ${name} root, identity brian@dehamer.com / GitHub`,
      (file, artifact) => {
        expect(verifyFile(path.join(dir, file), trust, { identities: [BRIAN] }, artifact)).toEqual({
          verified: true,
          identity: 'brian@dehamer.com',
          issuer: 'https://github.com/login/oauth',
        });
      },
    );
  }

  it('v0.1-dsse.pubkey.json verifies only with key-1.pub.pem as the key; without it PUBLIC_KEY_ERROR', () => {
    const file = path.join(dir, 'v0.1-dsse.pubkey.json');
    const key = pemKey(path.join(dir, 'key-1.pub.pem'));
    expect(verifyFile(file, roots.client, { key })).toEqual({ verified: true, byKey: true });
    expect(verifyFile(file, roots.publicGood, { key })).toEqual({ verified: true, byKey: true });
    const without = verifyFile(file, roots.client, { identities: [BRIAN] });
    expect(without.verified).toBe(false);
    expect(without.reason).toMatch(/PUBLIC_KEY_ERROR key not found: key-1/);
    // another key: the signature does not verify
    const other = verifyFile(file, roots.client, { key: pemKey(path.join(CONTAINERS, 'cosign.pub')) });
    expect(other.verified).toBe(false);
  });

  it('the expired certificate (15 s before the Rekor time) fails with CERTIFICATE_ERROR', () => {
    for (const trust of [roots.client, roots.publicGood]) {
      const file = path.join(dir, 'invalid.v0.1-message-signature.expired-cert.json');
      const result = verifyFile(file, trust, { identities: [BRIAN] }, ARTIFACT);
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/CERTIFICATE_ERROR/);
    }
  });

  it('the DSSE payload changed to "goodbye, world!" fails: TLOG_BODY_ERROR DSSE payload hash mismatch', () => {
    const file = path.join(dir, 'invalid.v0.1-dsse.bad-signature.json');
    const result = verifyFile(file, roots.client, { identities: [BRIAN] });
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/TLOG_BODY_ERROR DSSE payload hash mismatch/);
  });

  it.each([[''], ['not the artifact']])(
    'the message signature with artifact %j fails: SIGNATURE_ERROR',
    (text) => {
      const file = path.join(dir, 'v0.1-message-signature.cert.json');
      const result = verifyFile(file, roots.client, { identities: [BRIAN] }, Buffer.from(text));
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/SIGNATURE_ERROR/);
    },
  );

  it.each<[string, OidcIdentity]>([
    ['SAN foo@bar.com', { issuer: BRIAN.issuer, subject: '^foo@bar\\.com$' }],
    [
      'issuer https://accounts.google.com',
      { issuer: '^https://accounts\\.google\\.com$', subject: BRIAN.subject },
    ],
  ])('every certificate bundle is refused for %s (UNTRUSTED_SIGNER in sigstore-js)', (_, identity) => {
    for (const [file, artifact] of cases) {
      const result = verifyFile(path.join(dir, file), roots.client, { identities: [identity] }, artifact);
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/matches no entry of matchOIDCIdentity/);
      expect(result).toMatchObject({
        identity: 'brian@dehamer.com',
        issuer: 'https://github.com/login/oauth',
      });
    }
  });

  it('identities match unanchored, as Flux and cosign match them; any matching entry passes', () => {
    const file = path.join(dir, 'v0.3-dsse.cert.json');
    const unanchored = { issuer: 'github', subject: 'dehamer' };
    expect(verifyFile(file, roots.client, { identities: [unanchored] }).verified).toBe(true);
    const other = { issuer: 'google', subject: '.*' };
    expect(verifyFile(file, roots.client, { identities: [other, BRIAN] }).verified).toBe(true);
    expect(verifyFile(file, roots.client, { identities: [other] }).verified).toBe(false);
  });

  it('a keyless bundle under a policy without identities is not verified', () => {
    const result = verifyFile(path.join(dir, 'v0.3-dsse.cert.json'), roots.client, {});
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/names no matchOIDCIdentity/);
  });
});

describe('§2.2 sigstore/verify: TSA timestamps and Rekor v2', () => {
  const dir = path.join(SIGSTORE, 'verify');
  const pubkey = pemKey(path.join(dir, 'public-key.pem'));
  const mockTsa: Array<[string, Buffer | undefined]> = [
    ['v0.1-message-signature.cert.tsa.json', ARTIFACT],
    ['v0.1-dsse.cert.intoto.tsa.json', undefined],
    ['v0.1-dsse.cert.dsse.tsa.json', undefined],
  ];
  const rekorV2: Array<[string, Buffer | undefined]> = [
    ['v0.3-dsse.cert.rekor-v2.json', undefined],
    ['v0.3-message-signature.cert.rekor-v2.json', ARTIFACT],
  ];

  it.each([...mockTsa, ...rekorV2])('%s verifies with the verify root', (file, artifact) => {
    expect(verifyFile(path.join(dir, file), roots.verify, { identities: [BRIAN] }, artifact)).toMatchObject({
      verified: true,
      identity: 'brian@dehamer.com',
    });
  });

  it('the public-key TSA bundle verifies when its hint maps to public-key.pem', () => {
    const file = path.join(dir, 'v0.1-message-signature.pubkey.tsa.json');
    expect(verifyFile(file, roots.verify, { key: pubkey }, ARTIFACT)).toEqual({
      verified: true,
      byKey: true,
    });
  });

  it('the TSA-only bundle (no tlog entry) is refused: chartroom needs 1 tlog entry', () => {
    const file = path.join(dir, 'v0.3-message-signature.cert.tsa-only.json');
    const result = verifyFile(file, roots.verify, { identities: [BRIAN] }, ARTIFACT);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/TLOG_ERROR expected 1 tlog entries, got 0/);
  });

  it.each(rekorV2)('%s verifies with the public-good root too', (file, artifact) => {
    expect(
      verifyFile(path.join(dir, file), roots.publicGood, { identities: [BRIAN] }, artifact).verified,
    ).toBe(true);
  });

  it.each([...mockTsa, ['v0.1-message-signature.pubkey.tsa.json', ARTIFACT] as const])(
    '%s fails with the public-good root: TIMESTAMP_ERROR (the mock TSA is not in it)',
    (file, artifact) => {
      const result = verifyFile(
        path.join(dir, file),
        roots.publicGood,
        { identities: [BRIAN], key: pubkey },
        artifact,
      );
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/TIMESTAMP_ERROR timestamp could not be verified/);
    },
  );

  it('the TSA-only bundle fails with the public-good root (no trusted timestamp, no tlog entry)', () => {
    const file = path.join(dir, 'v0.3-message-signature.cert.tsa-only.json');
    const result = verifyFile(file, roots.publicGood, { identities: [BRIAN] }, ARTIFACT);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/TIMESTAMP_ERROR|TLOG_ERROR/);
  });
});

describe('§2.3 sigstore/public-good: the sigstore verify compatibility set', () => {
  const dir = path.join(SIGSTORE, 'public-good');
  const bundles = [
    'bundleV01-dsse-no-proof.sigstore',
    'bundleV01-dsse-with-proof.sigstore',
    'bundleV01-full-cert-chain.sigstore',
    'bundleV01-intoto-no-proof.sigstore',
    'bundleV01-intoto-with-proof.sigstore',
    'bundleV02-dsse.sigstore',
    'bundleV02-intoto.sigstore',
    'bundleV03-dsse.sigstore',
    'bundleV03-intoto.sigstore',
  ];
  const statement = read(dir, 'statement.json');

  it.each(bundles)('%s verifies with the public-good and the client roots', (file) => {
    const bundle = parseBundle(read(dir, file));
    if ('reason' in bundle) throw new Error(bundle.reason);
    expect(bundle.content.$case).toBe('dsseEnvelope');
    if (bundle.content.$case === 'dsseEnvelope') {
      expect(bundle.content.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
      expect(Buffer.from(bundle.content.dsseEnvelope.payload).equals(statement)).toBe(true);
    }
    for (const trust of [roots.publicGood, roots.client]) {
      expect(verifyBundle(bundle, trust, { identities: [BRIAN] })).toEqual({
        verified: true,
        identity: 'brian@dehamer.com',
        issuer: 'https://github.com/login/oauth',
      });
    }
  });

  it('as a referrer of an OCI manifest each is refused: its statement names an npm package, not the manifest', () => {
    const manifest = read(REFERRER, 'empty-image.manifest.json');
    for (const file of bundles) {
      const result = verifyBundleReferrer(
        read(dir, file),
        roots.publicGood,
        { identities: [BRIAN] },
        {
          manifestDigest: sha256(manifest),
        },
      );
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/provided artifact digest does not match any digest in statement/);
    }
  });
});

/** containers/image's storage of one cosign layer: `\0sigstore-json\n` + {mimeType, payload, annotations}. */
function containersLayer(file: string): CosignLayer {
  const raw = read(CONTAINERS, file);
  const json = JSON.parse(raw.subarray(raw.indexOf(0x0a) + 1).toString('utf8')) as {
    mimeType: string;
    payload: string;
    annotations: Record<string, string>;
  };
  return {
    mediaType: json.mimeType,
    payload: Buffer.from(json.payload, 'base64'),
    annotations: json.annotations,
  };
}

/** A trusted root of one Fulcio CA and one Rekor key, as a private deployment's would be. */
function builtRoot(fulcioPem: string, rekorPem: Buffer, name: string): SigstoreTrust {
  const fulcio = X509Certificate.parse(fulcioPem);
  const der = createPublicKey(rekorPem).export({ type: 'spki', format: 'der' });
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.sigstore.dev',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: der.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: '2021-01-12T11:53:27Z' },
        },
        logId: { keyId: createHash('sha256').update(der).digest('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.dev', commonName: 'sigstore' },
        uri: 'https://fulcio.sigstore.dev',
        certChain: { certificates: [{ rawBytes: fulcio.root.toDER().toString('base64') }] },
        validFor: { start: '2021-10-07T13:56:59Z' },
      },
    ],
    ctlogs: [],
    timestampAuthorities: [],
  };
  return sigstoreTrustFrom(Buffer.from(JSON.stringify(root)), name, name);
}

describe('§3.1 dir-img-cosign-fulcio-rekor-valid: a keyless cosign signature', () => {
  const dir = 'dir-img-cosign-fulcio-rekor-valid';
  const layer = containersLayer(`${dir}/signature-1`);
  const manifestDigest = sha256(read(CONTAINERS, dir, 'manifest.json'));
  const fulcioPem = read(CONTAINERS, 'fulcio_v1.crt.pem').toString('utf8');
  const rekor = read(CONTAINERS, 'rekor.pub');
  const trust = builtRoot(fulcioPem, rekor, 'fulcio_v1.crt.pem + rekor.pub');
  const MITR: OidcIdentity = { issuer: '^https://github\\.com/login/oauth$', subject: '^mitr@redhat\\.com$' };

  it('the layer is the payload containers/image names, for the manifest beside it', () => {
    expect(layer.payload.equals(read(CONTAINERS, dir, 'signature-1.payload.json'))).toBe(true);
    expect(manifestDigest).toBe('sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a');
  });

  it('verifies with fulcio_v1.crt.pem + rekor.pub for mitr@redhat.com / GitHub, at the Rekor time (the certificate expired long ago)', () => {
    expect(verifyKeylessLayer(layer, trust, [MITR], manifestDigest)).toEqual({
      verified: true,
      identity: 'mitr@redhat.com',
      issuer: 'https://github.com/login/oauth',
    });
    const leaf = X509Certificate.parse(layer.annotations['dev.sigstore.cosign/certificate']!);
    expect(leaf.validForDate(new Date())).toBe(false);
  });

  it('verifies with the shipped public-good root too (its SCT checked against the CT log)', async () => {
    const shipped = await loadSigstoreRoot(tmpdir());
    expect(verifyKeylessLayer(layer, shipped, [MITR], manifestDigest).verified).toBe(true);
  });

  it('fails for SAN this-does-not-match@example.com', () => {
    const result = verifyKeylessLayer(
      layer,
      trust,
      [{ issuer: '.*', subject: 'this-does-not-match@example\\.com' }],
      manifestDigest,
    );
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/matches no entry of matchOIDCIdentity/);
  });

  it('fails for another issuer', () => {
    const result = verifyKeylessLayer(
      layer,
      trust,
      [{ issuer: 'accounts\\.google\\.com', subject: '.*' }],
      manifestDigest,
    );
    expect(result.verified).toBe(false);
  });

  it('fails without the chain annotation: no path to the root', () => {
    const { 'dev.sigstore.cosign/chain': _chain, ...annotations } = layer.annotations;
    const result = verifyKeylessLayer({ ...layer, annotations }, trust, [MITR], manifestDigest);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/CERTIFICATE_ERROR.*no valid certificate path found/);
  });

  it('fails with a chain annotation holding only the leaf again (no certificate the root signed)', () => {
    const annotations = {
      ...layer.annotations,
      'dev.sigstore.cosign/chain': layer.annotations['dev.sigstore.cosign/certificate']!,
    };
    expect(verifyKeylessLayer({ ...layer, annotations }, trust, [MITR], manifestDigest).verified).toBe(false);
  });

  it('fails with a Rekor key other than rekor.pub (cosign.pub as the log key)', () => {
    const other = builtRoot(fulcioPem, read(CONTAINERS, 'cosign.pub'), 'fulcio + cosign.pub as Rekor');
    const result = verifyKeylessLayer(layer, other, [MITR], manifestDigest);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/TLOG/);
  });

  it('fails with a Fulcio root that is not the one (the leaf chains to nothing trusted)', () => {
    const otherCa = roots.verify.material.timestampAuthorities[0]!.certChain.at(-1)!;
    const pem = `-----BEGIN CERTIFICATE-----\n${otherCa.root.toDER().toString('base64')}\n-----END CERTIFICATE-----\n`;
    const result = verifyKeylessLayer(
      layer,
      builtRoot(pem, rekor, 'mock TSA as Fulcio'),
      [MITR],
      manifestDigest,
    );
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/CERTIFICATE_ERROR/);
  });

  it('is refused for another manifest: the payload names 0489474d…', () => {
    const other = sha256(read(CONTAINERS, 'dir-img-cosign-valid', 'manifest.json'));
    const result = verifyKeylessLayer(layer, trust, [MITR], other);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/its payload is for "sha256:0489474d/);
  });

  it('without a Rekor bundle annotation it is not verified', () => {
    const { 'dev.sigstore.cosign/bundle': _bundle, ...annotations } = layer.annotations;
    const result = verifyKeylessLayer({ ...layer, annotations }, trust, [MITR], manifestDigest);
    expect(result.reason).toMatch(/no Rekor entry/);
  });

  it('through checkSignatures under a keyless policy: a verified cosign record, the policy passes', async () => {
    const policy: CheckPolicy = { provider: 'cosign', identities: [MITR], sigstore: trust, required: true };
    const evidence: SignatureEvidence[] = [
      { kind: 'cosign', digest: sha256(Buffer.from('the .sig manifest')), layers: [layer] },
    ];
    const check = await checkSignatures(evidence, {
      subject: { manifestDigest },
      policy,
      registryFile: REGISTRY,
      what: 'fulcio-rekor 1',
    });
    expect(check).toEqual({
      signatures: [
        {
          kind: 'cosign',
          verified: true,
          identity: 'mitr@redhat.com',
          issuer: 'https://github.com/login/oauth',
          signer: 'keyless, Sigstore root: fulcio_v1.crt.pem + rekor.pub',
          digest: sha256(Buffer.from('the .sig manifest')),
        },
      ],
      policy: 'passed',
    });
    // under a policy of another identity: SignatureInvalid, the certificate's identity recorded
    const wrong = await checkSignatures(evidence, {
      subject: { manifestDigest },
      policy: { ...policy, identities: [{ issuer: '.*', subject: 'this-does-not-match@example\\.com' }] },
      registryFile: REGISTRY,
      what: 'fulcio-rekor 1',
    });
    expect(wrong.policyError?.code).toBe('SignatureInvalid');
    expect(wrong.signatures[0]).toMatchObject({ verified: false, identity: 'mitr@redhat.com' });
  });

  it('without a policy: recorded unverified, with the matchOIDCIdentity block that would verify it', async () => {
    const check = await checkSignatures(
      [{ kind: 'cosign', digest: sha256(Buffer.from('sig')), layers: [layer] }],
      {
        subject: { manifestDigest },
        registryFile: REGISTRY,
        what: 'fulcio-rekor 1',
      },
    );
    expect(check.signatures[0]).toMatchObject({
      kind: 'cosign',
      verified: false,
      identity: 'mitr@redhat.com',
    });
    expect(check.signatures[0]!.reason).toContain(
      'matchOIDCIdentity: [{issuer: "^https://github\\\\.com/login/oauth$", subject: "^mitr@redhat\\\\.com$"}]',
    );
  });
});

describe('§3.3 cosign/sigstore-bundle-referrer: a bundle referrer of the empty image', () => {
  const bundle = read(REFERRER, 'oci-attestation.sigstore.json');
  const manifest = read(REFERRER, 'empty-image.manifest.json');
  const manifestDigest = sha256(manifest);
  const CODY = { identity: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' };

  it('the empty image is the subject the bundle names', () => {
    expect(manifestDigest).toBe('sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4');
    expect(sha256(read(REFERRER, 'empty-image.config.json'))).toMatch(/^sha256:5b943e2b/);
  });

  it.each([
    ['trusted_root_pgi.json', roots.pgi],
    ['the public-good root', roots.publicGood],
    ['the client root', roots.client],
  ])('is accepted for identity .* with %s', (_, trust) => {
    expect(verifyBundleReferrer(bundle, trust, { identities: [ANY] }, { manifestDigest })).toEqual({
      verified: true,
      ...CODY,
    });
  });

  it('is refused for subject `wrong`', () => {
    const result = verifyBundleReferrer(
      bundle,
      roots.pgi,
      { identities: [{ issuer: '.*', subject: 'wrong' }] },
      { manifestDigest },
    );
    expect(result).toMatchObject({ verified: false, ...CODY });
    expect(result.reason).toMatch(/matches no entry of matchOIDCIdentity/);
  });

  it('is refused when attached to any other image: provided artifact digest does not match any digest in statement', () => {
    for (const other of [
      sha256(read(CONTAINERS, 'dir-img-cosign-valid', 'manifest.json')),
      sha256(read(NOTATION, 'target-manifest.json')),
    ]) {
      const result = verifyBundleReferrer(
        bundle,
        roots.pgi,
        { identities: [ANY] },
        { manifestDigest: other },
      );
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/provided artifact digest does not match any digest in statement/);
    }
  });

  it('through checkSignatures: a verified sigstore record passes a cosign policy; unchanged keeps the record', async () => {
    const repo = await mkdtemp(path.join(tmpdir(), 'chartroom-sigstore-'));
    try {
      const policy = await loadCheckPolicy(
        repo,
        REGISTRY,
        {
          provider: 'cosign',
          matchOIDCIdentity: [{ issuer: '^https://github\\.com/login/oauth$', subject: '@soyland\\.com$' }],
          required: true,
        },
        roots.pgi,
      );
      const digest = sha256(Buffer.from('the referrer manifest'));
      const evidence: SignatureEvidence = {
        kind: 'sigstore',
        digest,
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        bundle,
      };
      const options = { subject: { manifestDigest }, policy, registryFile: REGISTRY, what: 'empty 1.0.0' };
      const check = await checkSignatures([evidence], options);
      const record = {
        kind: 'sigstore',
        verified: true,
        ...CODY,
        signer: 'keyless, Sigstore root: cosign trusted_root_pgi',
        digest,
      };
      expect(check).toEqual({ signatures: [record], policy: 'passed' });
      const again = await checkSignatures([{ ...evidence, unchanged: true, bundle: Buffer.alloc(0) }], {
        ...options,
        recorded: check.signatures,
      });
      expect(again).toEqual(check);
      // another version's manifest: SignatureInvalid, saying why
      const other = await checkSignatures([evidence], {
        ...options,
        subject: { manifestDigest: sha256(Buffer.from('x')) },
      });
      expect(other.policyError?.code).toBe('SignatureInvalid');
      expect(other.policyError?.message).toMatch(
        /provided artifact digest does not match any digest in statement/,
      );
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe('§4 notation: a Notation signature is detected, not verified', () => {
  const jws = JSON.parse(read(NOTATION, 'jws_signature.sig').toString('utf8')) as {
    payload: string;
    header: { x5c: string[] };
  };
  const leaf = Buffer.from(jws.header.x5c[0]!, 'base64');
  const thumbprint = createHash('sha256').update(leaf).digest('hex');
  const target = read(NOTATION, 'target-manifest.json');

  it('the envelope signs target-manifest.json, and its certificate is the one the README names', () => {
    const payload = JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as {
      targetArtifact: { digest: string; size: number };
    };
    expect(payload.targetArtifact).toMatchObject({ digest: sha256(target), size: target.length });
    expect(thumbprint).toBe('9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d');
  });

  it('recorded unverified with how to verify it, and it never passes a cosign policy', async () => {
    const digest = sha256(Buffer.from('the notation signature manifest'));
    const evidence: SignatureEvidence = {
      kind: 'notation',
      digest,
      envelope: 'application/jose+json',
      thumbprints: [thumbprint],
    };
    const policy: CheckPolicy = {
      provider: 'cosign',
      identities: [ANY],
      sigstore: roots.publicGood,
      required: true,
    };
    const check = await checkSignatures([evidence], {
      subject: { manifestDigest: sha256(target) },
      policy,
      registryFile: REGISTRY,
      what: 'alpine 1',
    });
    expect(check.signatures).toEqual([
      {
        kind: 'notation',
        verified: false,
        digest,
        identity: `sha256:${thumbprint}`,
        reason: NOTATION_REASON,
      },
    ]);
    expect(NOTATION_REASON).toMatch(/^a Notation signature: detected, not verified .*`notation verify`/);
    expect(check.policyError?.code).toBe('SignatureMissing');
    const none = await checkSignatures([evidence], { subject: {}, registryFile: REGISTRY, what: 'alpine 1' });
    expect(none.policy).toBeUndefined();
    expect(none.signatures[0]!.verified).toBe(false);
  });
});
