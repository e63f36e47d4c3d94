/**
 * Keyless signatures and Sigstore bundles end to end: real syncs into a real catalog repository
 * from the real distribution registry (`docker-registry` 2.8, no referrers API: bundles found
 * through the fallback tag `sha256-<hex>`) and from the same registry behind a front that answers
 * the referrers API (testkit/referrers-front.ts). What is signed is signed by a private Sigstore
 * deployment the test makes (testkit/sigstore.ts: its CA, its log key), given to chartroom as its
 * trusted root (`chartroom.yaml` `trust.sigstoreRoot`), under a `matchOIDCIdentity` policy.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogChart, CatalogRegistry, CatalogVersion } from '../src/catalog/types.ts';
import { packChartDir } from '../src/chart/pack.ts';
import { createSync } from '../src/sync/run.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { startReferrersFront, type ReferrersFront } from '../testkit/referrers-front.ts';
import { pushBundleReferrer, pushNotationSignature } from '../testkit/referrers.ts';
import { cosignKeyPair, cosignLayer, pushCosignSignature } from '../testkit/signing.ts';
import { createSigstore, type FulcioIdentity, type PrivateSigstore } from '../testkit/sigstore.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';

const readJson = async <T>(root: string, ...parts: string[]) =>
  JSON.parse(await readFile(path.join(root, 'catalog', ...parts), 'utf8')) as T;
const versionOf = (doc: CatalogChart, version: string): CatalogVersion =>
  doc.versions.find((v) => v.version === version)!;
/** what the catalog says of a version's signatures, a line each: `kind verified|unverified` */
const kinds = (v: CatalogVersion) =>
  (v.signatures ?? []).map((s) => `${s.kind} ${s.verified ? 'verified' : 'unverified'}`);

const ISSUER = 'https://token.actions.githubusercontent.com';
const RELEASE: FulcioIdentity = {
  subject: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/main',
  issuer: ISSUER,
};
/** the same issuer, another repository's workflow */
const OTHER_REPO: FulcioIdentity = {
  subject: 'https://github.com/mallory/charts/.github/workflows/release.yml@refs/heads/main',
  issuer: ISSUER,
};
/** the same subject, certified for another issuer */
const OTHER_ISSUER: FulcioIdentity = { subject: RELEASE.subject, issuer: 'https://accounts.example.test' };

const POLICY = [
  'verify:',
  '  provider: cosign',
  '  matchOIDCIdentity:',
  `    - issuer: '^https://token\\.actions\\.githubusercontent\\.com$'`,
  `      subject: '^https://github\\.com/acme/charts/\\.github/workflows/release\\.yml@refs/heads/main$'`,
  '  required: true',
  '',
].join('\n');

describe('keyless signatures and Sigstore bundles end to end on docker-registry', () => {
  let registry: TestRegistry;
  let front: ReferrersFront;
  let repo: TempRepo;
  let sigstore: PrivateSigstore;
  const http = recordingHttp();
  const key = cosignKeyPair();
  const digests: Record<string, string> = {};
  const apiDigests: Record<string, string> = {};
  const later = () => new Date(Date.now() + 2 * 3_600_000);
  const sync = async (clock?: () => Date) => {
    const report = await createSync({ root: repo.root, http, ...(clock ? { clock } : {}) }).run({
      force: true,
    });
    expect(reportProblems(report)).toEqual([]);
    return report;
  };
  const app = (registryName: string) =>
    readJson<CatalogChart>(repo.root, 'charts', registryName, 'app', 'chart.json');

  beforeAll(async () => {
    registry = await startRegistry('none');
    front = await startReferrersFront(registry.origin);
    sigstore = createSigstore();
    repo = await createTempRepo();
    const chart = await writeOwnChart('app');
    for (const version of [
      '0.8.0',
      '0.9.0',
      '1.0.0',
      '1.1.0',
      '1.2.0',
      '1.3.0',
      '1.4.0',
      '1.5.0',
      '1.6.0',
      '2.0.0',
    ]) {
      const archive = await packChartDir(chart.dir, { name: 'app', version });
      digests[version] = (await pushChart(registry, 'charts/app', archive, version)).manifestDigest;
    }
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      const archive = await packChartDir(chart.dir, { name: 'app', version });
      apiDigests[version] = (await pushChart(registry, 'api/app', archive, version)).manifestDigest;
    }
    const ref = `${registry.host}/charts/app`;
    const keyless = (version: string, identity: FulcioIdentity, options = {}) =>
      pushCosignSignature({
        registry,
        repository: 'charts/app',
        subjectDigest: digests[version]!,
        layers: [sigstore.keylessSigLayer(digests[version]!, identity, { dockerReference: ref, ...options })],
      });
    // 1.0.0: keyless, the policy's identity; 1.1.0: another repository's workflow; 1.2.0: another issuer
    await keyless('1.0.0', RELEASE);
    await keyless('1.1.0', OTHER_REPO);
    await keyless('1.2.0', OTHER_ISSUER);
    // 1.3.0: a bundle (cosign 3), found through the fallback tag
    const bundle = (digest: string, identity = RELEASE) =>
      Buffer.from(JSON.stringify(sigstore.bundleFor(digest, identity)));
    await pushBundleReferrer({
      registry,
      repository: 'charts/app',
      subject: digests['1.3.0']!,
      bundle: bundle(digests['1.3.0']!),
    });
    // 1.4.0: a good bundle for 1.0.0's digest, attached to 1.4.0
    await pushBundleReferrer({
      registry,
      repository: 'charts/app',
      subject: digests['1.4.0']!,
      bundle: bundle(digests['1.0.0']!),
    });
    // 1.5.0: keyless, the certificate expired an hour before the log saw the signature
    const at = new Date();
    await keyless('1.5.0', RELEASE, {
      at,
      notBefore: new Date(at.getTime() - 3_600_000),
      notAfter: new Date(at.getTime() - 3_000_000),
    });
    // 0.8.0: keyless, certified by another deployment's CA and logged in its log
    const stranger = createSigstore({ name: 'stranger' });
    await pushCosignSignature({
      registry,
      repository: 'charts/app',
      subjectDigest: digests['0.8.0']!,
      layers: [stranger.keylessSigLayer(digests['0.8.0']!, RELEASE, { dockerReference: ref })],
    });
    // 0.9.0: a messageSignature bundle over the manifest's bytes (what cosign sign-blob would make)
    const manifest = Buffer.from(
      await (
        await fetch(`${registry.origin}/v2/charts/app/manifests/${digests['0.9.0']}`, {
          headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
        })
      ).arrayBuffer(),
    );
    await pushBundleReferrer({
      registry,
      repository: 'charts/app',
      subject: digests['0.9.0']!,
      content: 'message-signature',
      bundle: Buffer.from(
        JSON.stringify(sigstore.bundleFor(manifest, RELEASE, { content: 'messageSignature' })),
      ),
    });
    // 1.6.0: a Notation signature only; 2.0.0: unsigned
    await pushNotationSignature({ registry, repository: 'charts/app', subject: digests['1.6.0']! });
    // through the front (referrers API): 1.0.0 a bundle, 1.1.0 a Notation signature, 1.2.0 unsigned
    const viaFront = { origin: front.origin, auth: undefined };
    const pushed = await pushBundleReferrer({
      registry: viaFront,
      repository: 'api/app',
      subject: apiDigests['1.0.0']!,
      bundle: bundle(apiDigests['1.0.0']!),
    });
    expect(pushed.viaApi).toBe(true);
    await pushNotationSignature({ registry: viaFront, repository: 'api/app', subject: apiDigests['1.1.0']! });

    // mixed/app, under key and matchOIDCIdentity: 1.0.0 signed with the key, 1.1.0 keyless, 1.2.0
    // signed with another key
    const mixedRef = `${registry.host}/mixed/app`;
    for (const [version, layer] of [
      ['1.0.0', (d: string) => cosignLayer(key.privateKey, mixedRef, d)],
      ['1.1.0', (d: string) => sigstore.keylessSigLayer(d, RELEASE, { dockerReference: mixedRef })],
      ['1.2.0', (d: string) => cosignLayer(cosignKeyPair().privateKey, mixedRef, d)],
    ] as const) {
      const archive = await packChartDir(chart.dir, { name: 'app', version });
      const { manifestDigest } = await pushChart(registry, 'mixed/app', archive, version);
      await pushCosignSignature({
        registry,
        repository: 'mixed/app',
        subjectDigest: manifestDigest,
        layers: [layer(manifestDigest)],
      });
    }
    await mkdir(path.join(repo.root, 'keys'), { recursive: true });
    await writeFile(path.join(repo.root, 'keys', 'cosign.pub'), key.publicKeyPem);
    await repo.writeRegistry(
      'mixed',
      `url: oci://${registry.host}/mixed\ninsecure: true\ncharts: [app]\n${POLICY.replace('  required', '  key: keys/cosign.pub\n  required')}`,
    );
    await mkdir(path.join(repo.root, 'trust'), { recursive: true });
    await writeFile(
      path.join(repo.root, 'trust', 'sigstore-root.json'),
      JSON.stringify(sigstore.trustedRoot(), null, 2),
    );
    await writeFile(
      path.join(repo.root, 'chartroom.yaml'),
      'trust:\n  sigstoreRoot: trust/sigstore-root.json\n',
    );
    await repo.writeRegistry(
      'keyless',
      `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [app]\n${POLICY}`,
    );
    await repo.writeRegistry('api', `url: oci://${front.host}/api\ninsecure: true\ncharts: [app]\n${POLICY}`);
    await repo.git.add('.').commit('registries, policy and the trusted root');
  });
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await http.close();
    await front?.close();
    await registry?.close();
    await repo?.cleanup();
  });

  it('keyless .sig and bundles verified under matchOIDCIdentity; every other case refused', async () => {
    const report = await sync();
    const keyless = report.registries.find((r) => r.name === 'keyless')!;
    expect(keyless.failed).toEqual([]);
    const doc = await app('keyless');
    const expected: Record<string, [string[], 'passed' | 'failed', string | undefined]> = {
      '0.8.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '0.9.0': [['sigstore unverified'], 'failed', 'SignatureInvalid'],
      '1.0.0': [['cosign verified'], 'passed', undefined],
      '1.1.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '1.2.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '1.3.0': [['sigstore verified'], 'passed', undefined],
      '1.4.0': [['sigstore unverified'], 'failed', 'SignatureInvalid'],
      '1.5.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '1.6.0': [['notation unverified'], 'failed', 'SignatureMissing'],
      '2.0.0': [[], 'failed', 'SignatureMissing'],
    };
    for (const [version, [signatures, policy, code]] of Object.entries(expected)) {
      const v = versionOf(doc, version);
      expect([kinds(v), v.policy, v.policyError?.code], version).toEqual([signatures, policy, code]);
    }
    const keylessRecord = versionOf(doc, '1.0.0').signatures![0]!;
    expect(keylessRecord).toMatchObject({ identity: RELEASE.subject, issuer: ISSUER });
    expect(keylessRecord.signer).toBe('keyless, Sigstore root: trust/sigstore-root.json');
    expect(versionOf(doc, '1.3.0').signatures![0]).toMatchObject({
      identity: RELEASE.subject,
      issuer: ISSUER,
    });
    expect(versionOf(doc, '1.1.0').signatures![0]!.reason).toContain(OTHER_REPO.subject);
    expect(versionOf(doc, '1.2.0').signatures![0]!.reason).toContain(OTHER_ISSUER.issuer);
    expect(versionOf(doc, '1.4.0').signatures![0]!.reason).toMatch(
      /provided artifact digest does not match any digest in statement/,
    );
    expect(versionOf(doc, '1.5.0').signatures![0]!.reason).toMatch(/CERTIFICATE_ERROR.*expired/);
    expect(versionOf(doc, '0.8.0').signatures![0]!.reason).toMatch(
      /CERTIFICATE_ERROR.*no valid certificate path/,
    );
    // the sync does not hand the manifest bytes to the check (it has the digest): a messageSignature
    // bundle over them is recorded, with why it is not verified
    expect(versionOf(doc, '0.9.0').signatures![0]!.reason).toMatch(/messageSignature bundle .* not verified/);
    expect(versionOf(doc, '1.6.0').signatures![0]!.reason).toMatch(/notation verify/);
    expect(doc.latest).toBe('1.3.0');
    const registryDoc = await readJson<CatalogRegistry>(repo.root, 'registries', 'keyless.json');
    expect(registryDoc.verify).toMatchObject({ provider: 'cosign', required: true });
    expect(registryDoc.verify?.matchOIDCIdentity).toHaveLength(1);
    expect(registryDoc.verify?.sigstoreRoot).toBe('trust/sigstore-root.json');
  });

  it('through the referrers API: a bundle verified, a Notation signature detected; no fallback tag asked', async () => {
    const doc = await app('api');
    expect([kinds(versionOf(doc, '1.0.0')), versionOf(doc, '1.0.0').policy]).toEqual([
      ['sigstore verified'],
      'passed',
    ]);
    expect(kinds(versionOf(doc, '1.1.0'))).toEqual(['notation unverified']);
    expect(versionOf(doc, '1.2.0').policyError?.code).toBe('SignatureMissing');
    const referrers = front.requests.filter((r) => r.url.includes('/referrers/'));
    expect(referrers.length).toBeGreaterThanOrEqual(3);
    expect(front.requests.filter((r) => /\/manifests\/sha256-[0-9a-f]{64}$/.test(r.url))).toEqual([]);
  });

  it('under key and matchOIDCIdentity, either passes: a key-signed and a keyless version verified', async () => {
    const doc = await app('mixed');
    const rows = doc.versions.map((v) => [v.version, kinds(v), v.policy, v.policyError?.code]);
    expect(rows).toEqual([
      ['1.2.0', ['cosign unverified'], 'failed', 'SignatureInvalid'],
      ['1.1.0', ['cosign verified'], 'passed', undefined],
      ['1.0.0', ['cosign verified'], 'passed', undefined],
    ]);
    expect(versionOf(doc, '1.0.0').signatures![0]!.signer).toBe('keys/cosign.pub');
    expect(versionOf(doc, '1.1.0').signatures![0]).toMatchObject({
      identity: RELEASE.subject,
      issuer: ISSUER,
    });
    expect(doc.latest).toBe('1.1.0');
  });

  it('a bundle attached later through the API (no new tag) is found at the next sync within the hour', async () => {
    await pushBundleReferrer({
      registry: { origin: front.origin, auth: undefined },
      repository: 'api/app',
      subject: apiDigests['1.2.0']!,
      bundle: Buffer.from(JSON.stringify(sigstore.bundleFor(apiDigests['1.2.0']!, RELEASE))),
    });
    await sync();
    const doc = await app('api');
    expect([kinds(versionOf(doc, '1.2.0')), versionOf(doc, '1.2.0').policy]).toEqual([
      ['sigstore verified'],
      'passed',
    ]);
    expect(doc.latest).toBe('1.2.0');
  });

  it('an hour later, a quiet sync looks nothing up: tags lists only', async () => {
    await sync(later); // rule (e): versions without a signature looked up again while less than an hour old
    http.reset();
    const before = front.requests.length;
    const report = await sync(later);
    expect(report.commit).toBeUndefined();
    const urls = http.urls.filter((u) => u.startsWith(registry.origin) || u.startsWith(front.origin));
    expect(urls.filter((u) => /\/manifests\/|\/blobs\/|\/referrers\//.test(u))).toEqual([]);
    expect(urls.filter((u) => u.includes('/tags/list'))).toHaveLength(3);
    expect(front.requests.slice(before).filter((r) => !r.url.includes('/tags/list'))).toEqual([]);
  });
});
