/**
 * Signatures end to end: real syncs into a real catalog repository, from the real distribution
 * registry (`docker-registry`) holding `.sig` images in exactly the layout `cosign sign --key`
 * writes and a chart pushed with a provenance layer, and from a chart repository on loopback
 * serving provenance files; keys (cosign ECDSA P-256, OpenPGP) made in the test. Each version is
 * recorded in chart.json as it should be, `required: true` offers only the verified ones, adding
 * `verify:` to a registry that already synced checks its existing versions, and a quiet sync
 * looks nothing up.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogChart, CatalogRegistry, CatalogVersion } from '../src/catalog/types.ts';
import { packChartDir } from '../src/chart/pack.ts';
import { createSync } from '../src/sync/run.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import {
  cosignKeyPair,
  cosignLayer,
  openpgpKeyPair,
  provenanceMessage,
  pushCosignSignature,
  signProvenance,
} from '../testkit/signing.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';

const readJson = async <T>(root: string, ...parts: string[]) =>
  JSON.parse(await readFile(path.join(root, 'catalog', ...parts), 'utf8')) as T;

const versionOf = (doc: CatalogChart, version: string): CatalogVersion =>
  doc.versions.find((v) => v.version === version)!;

/** what the catalog says of a version's signatures, in a line each: `kind verified|unverified` */
const kinds = (v: CatalogVersion) =>
  (v.signatures ?? []).map((s) => `${s.kind} ${s.verified ? 'verified' : 'unverified'}`);

async function writeKey(repo: TempRepo, file: string, content: string): Promise<void> {
  await mkdir(path.join(repo.root, 'keys'), { recursive: true });
  await writeFile(path.join(repo.root, 'keys', file), content);
}

describe('signatures end to end on docker-registry: cosign .sig images and a provenance layer', () => {
  let registry: TestRegistry;
  let repo: TempRepo;
  const http = recordingHttp();
  const good = cosignKeyPair();
  const wrong = cosignKeyPair();
  const digests: Record<string, string> = {};
  let pgp: Awaited<ReturnType<typeof openpgpKeyPair>>;
  const registryFile = (verify = '') =>
    `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [app]\n${verify}`;
  const cosignPolicy = 'verify:\n  provider: cosign\n  key: keys/cosign.pub\n  required: true\n';
  // each sync two hours after the last: an unsigned version's look-ups of its first hour (rule (e)
  // of sync/signatures.ts) are over by the next one
  let clockAt = Date.now();
  const clock = () => new Date((clockAt += 2 * 60 * 60 * 1000));
  const sync = async () => {
    const report = await createSync({ root: repo.root, http, clock }).run({ force: true });
    expect(reportProblems(report)).toEqual([]);
    return report;
  };
  const app = () => readJson<CatalogChart>(repo.root, 'charts', 'oci', 'app', 'chart.json');

  beforeAll(async () => {
    registry = await startRegistry('none');
    repo = await createTempRepo();
    pgp = await openpgpKeyPair('OCI Provenance Signer', 'oci-signer@example.invalid');
    const chart = await writeOwnChart('app');
    const ref = `${registry.host}/charts/app`;
    for (const version of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '2.0.0']) {
      const archive = await packChartDir(chart.dir, { name: 'app', version });
      digests[version] = (await pushChart(registry, 'charts/app', archive, version)).manifestDigest;
    }
    const sig = (version: string, layers: Parameters<typeof pushCosignSignature>[0]['layers']) =>
      pushCosignSignature({ registry, repository: 'charts/app', subjectDigest: digests[version]!, layers });
    // 1.0.0: signed with the key; 1.1.0 and 2.0.0: unsigned
    await sig('1.0.0', [cosignLayer(good.privateKey, ref, digests['1.0.0']!)]);
    // 1.2.0: the payload changed after it was signed
    const signed = cosignLayer(good.privateKey, ref, digests['1.2.0']!);
    const tampered = Buffer.from(
      signed.payload.toString().replace('"optional":null', '"optional":{"x":"y"}'),
    );
    await sig('1.2.0', [{ payload: tampered, signature: signed.signature }]);
    // 1.3.0: a good signature, of another version's digest, under 1.3.0's tag
    await sig('1.3.0', [cosignLayer(good.privateKey, ref, digests['1.0.0']!)]);
    // 1.4.0: signed with another key
    await sig('1.4.0', [cosignLayer(wrong.privateKey, ref, digests['1.4.0']!)]);
    // 1.5.0: a foreign signature (another key) beside the good one
    await sig('1.5.0', [
      cosignLayer(wrong.privateKey, ref, digests['1.5.0']!),
      cosignLayer(good.privateKey, ref, digests['1.5.0']!),
    ]);
    // a chart pushed with its provenance file (helm push of a `helm package --sign` package)
    const signedChart = await writeOwnChart('signed');
    const archive = await packChartDir(signedChart.dir, { name: 'signed', version: '0.1.0' });
    const provenance = await signProvenance({ archive, name: 'signed', version: '0.1.0' }, pgp.privateKey);
    await pushChart(registry, 'provenance/signed', archive, '0.1.0', { provenance });
    const unsignedArchive = await packChartDir(signedChart.dir, { name: 'signed', version: '0.2.0' });
    // 0.2.0: a provenance layer whose text was changed after signing
    const good02 = await signProvenance(
      { archive: unsignedArchive, name: 'signed', version: '0.2.0' },
      pgp.privateKey,
    );
    const bad = Buffer.from(good02.toString().replace('name: signed', 'name: signed-evil'));
    await pushChart(registry, 'provenance/signed', unsignedArchive, '0.2.0', { provenance: bad });

    await writeKey(repo, 'cosign.pub', good.publicKeyPem);
    await writeKey(repo, 'oci-helm.asc', pgp.publicKeyArmored);
    await repo.writeRegistry('oci', registryFile());
    await repo.writeRegistry(
      'ocihelm',
      `url: oci://${registry.host}/provenance\ninsecure: true\ncharts: [signed]\nverify:\n  provider: helm\n  key: keys/oci-helm.asc\n  required: true\n`,
    );
    await repo.git.add('.').commit('registries and keys');
  });
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await http.close();
    await registry.close();
    await repo.cleanup();
  });

  it('without a policy: signatures recorded, none verified, each saying how to verify it', async () => {
    const report = await sync();
    const oci = report.registries.find((r) => r.name === 'oci')!;
    expect(oci.failed).toEqual([]);
    const doc = await app();
    expect(doc.latest).toBe('2.0.0');
    expect(kinds(versionOf(doc, '1.0.0'))).toEqual(['cosign unverified']);
    expect(versionOf(doc, '1.0.0').signatures![0]!.reason).toMatch(
      /registries\/oci\.yaml has no verify: policy/,
    );
    expect(versionOf(doc, '1.1.0').signatures).toEqual([]);
    expect(kinds(versionOf(doc, '1.5.0'))).toEqual(['cosign unverified', 'cosign unverified']);
    for (const v of doc.versions) expect(v.policy).toBeUndefined();
  });

  it('a chart pushed with a provenance layer is verified under a helm policy; a tampered one refused', async () => {
    const doc = await readJson<CatalogChart>(repo.root, 'charts', 'ocihelm', 'signed', 'chart.json');
    const ok = versionOf(doc, '0.1.0');
    expect(ok.signatures).toEqual([
      expect.objectContaining({
        kind: 'helm',
        verified: true,
        signer: 'OCI Provenance Signer <oci-signer@example.invalid>',
        identity: pgp.fingerprint,
      }),
    ]);
    expect(ok.policy).toBe('passed');
    const bad = versionOf(doc, '0.2.0');
    expect(kinds(bad)).toEqual(['helm unverified']);
    expect(bad.policy).toBe('failed');
    expect(bad.policyError?.code).toBe('SignatureInvalid');
    expect(doc.latest).toBe('0.1.0');
  });

  it('adding verify: checks the versions already synced; required: true offers only the verified ones', async () => {
    await repo.writeRegistry('oci', registryFile(cosignPolicy));
    await repo.git.add('.').commit('verify: cosign');
    http.reset();
    const report = await sync();
    const oci = report.registries.find((r) => r.name === 'oci')!;
    // every version looked up again: its manifest (by digest), its .sig manifest and one blob per
    // signature layer (6 layers in 5 images); no archive is downloaded again
    expect(oci.signatures?.checked).toBe(7);
    const appUrls = http.urls.filter((u) => u.includes('/v2/charts/app/'));
    expect(appUrls.filter((u) => u.includes('/blobs/'))).toHaveLength(6);
    expect(appUrls.filter((u) => /\/manifests\/sha256-[0-9a-f]{64}\.sig$/.test(u))).toHaveLength(5);
    expect(appUrls.filter((u) => /\/manifests\/sha256:/.test(u))).toHaveLength(7);
    const doc = await app();
    const expected: Record<string, [string[], 'passed' | 'failed', string | undefined]> = {
      '1.0.0': [['cosign verified'], 'passed', undefined],
      '1.1.0': [[], 'failed', 'SignatureMissing'],
      '1.2.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '1.3.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '1.4.0': [['cosign unverified'], 'failed', 'SignatureInvalid'],
      '1.5.0': [['cosign unverified', 'cosign verified'], 'passed', undefined],
      '2.0.0': [[], 'failed', 'SignatureMissing'],
    };
    for (const [version, [signatures, policy, code]] of Object.entries(expected)) {
      const v = versionOf(doc, version);
      expect([kinds(v), v.policy, v.policyError?.code], version).toEqual([signatures, policy, code]);
    }
    const verified = versionOf(doc, '1.0.0').signatures![0]!;
    expect(verified.signer).toBe('keys/cosign.pub');
    expect(verified.identity).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(versionOf(doc, '1.3.0').signatures![0]!.reason).toContain(digests['1.0.0']);
    expect(versionOf(doc, '2.0.0').policyError!.message).toMatch(/cosign sign --key/);
    // refused versions are never latest: the newest verified one is
    expect(doc.latest).toBe('1.5.0');
    expect(oci.signatures?.refused.map((r) => r.version).sort()).toEqual([
      '1.1.0',
      '1.2.0',
      '1.3.0',
      '1.4.0',
      '2.0.0',
    ]);
    const registryDoc = await readJson<CatalogRegistry>(repo.root, 'registries', 'oci.json');
    expect(registryDoc.verify).toMatchObject({ provider: 'cosign', key: 'keys/cosign.pub', required: true });
  });

  it('a quiet sync looks nothing up: tags requests only, no manifest and no blob', async () => {
    http.reset();
    const report = await sync();
    expect(report.commit).toBeUndefined();
    const urls = http.urls.filter((u) => u.startsWith(registry.origin));
    expect(urls.filter((u) => /\/manifests\/|\/blobs\//.test(u))).toEqual([]);
    expect(urls.filter((u) => u.includes('/tags/list'))).toHaveLength(2);
  });

  it('a signature pushed later is found at the next sync (the tags list changed)', async () => {
    const ref = `${registry.host}/charts/app`;
    await pushCosignSignature({
      registry,
      repository: 'charts/app',
      subjectDigest: digests['2.0.0']!,
      layers: [cosignLayer(good.privateKey, ref, digests['2.0.0']!)],
    });
    await sync();
    const doc = await app();
    expect(versionOf(doc, '2.0.0')).toMatchObject({ policy: 'passed' });
    expect(doc.latest).toBe('2.0.0');
  });
});

describe('signatures end to end on an HTTP chart repository with provenance files', () => {
  let served: ServedRepository;
  let repo: TempRepo;
  let pgp: Awaited<ReturnType<typeof openpgpKeyPair>>;
  const http = recordingHttp();
  // each sync two hours after the last: an unsigned version's look-ups of its first hour (rule (e)
  // of sync/signatures.ts) are over by the next one
  let clockAt = Date.now();
  const clock = () => new Date((clockAt += 2 * 60 * 60 * 1000));
  const sync = async () => {
    const report = await createSync({ root: repo.root, http, clock }).run({ force: true });
    expect(reportProblems(report)).toEqual([]);
    return report;
  };
  const web = () => readJson<CatalogChart>(repo.root, 'charts', 'charts', 'web', 'chart.json');

  beforeAll(async () => {
    pgp = await openpgpKeyPair();
    const chart = await writeOwnChart('web');
    served = await serveCharts([{ dir: chart.dir, name: 'web', versions: ['1.0.0', '1.1.0', '1.2.0'] }]);
    const prov = (version: string, text?: string) =>
      signProvenance({ archive: served.archive('web', version), name: 'web', version }, pgp.privateKey, text);
    served.setProvenance('web', '1.0.0', await prov('1.0.0'));
    // 1.2.0 (newest): the signed text names another archive digest than the one served
    const text = await provenanceMessage({
      archive: served.archive('web', '1.2.0'),
      name: 'web',
      version: '1.2.0',
    });
    const signed = (await prov('1.2.0', text)).toString();
    served.setProvenance('web', '1.2.0', signed.replace(/sha256:[0-9a-f]{6}/, 'sha256:000000'));
    repo = await createTempRepo();
    await writeKey(repo, 'helm.asc', pgp.publicKeyArmored);
    await repo.writeRegistry(
      'charts',
      `url: ${served.url}\ninsecure: true\nverify:\n  provider: helm\n  key: keys/helm.asc\n  required: true\n`,
    );
    await repo.git.add('.').commit('registry and key');
  });
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await http.close();
    await served.close();
    await repo.cleanup();
  });

  it('verified, unsigned and tampered versions are each recorded so; only the verified one is offered', async () => {
    served.reset();
    const report = await sync();
    expect(report.registries[0]!.failed).toEqual([]);
    // one .prov request per version, beside the index and the archives
    expect(served.since().filter((r) => r.path.endsWith('.prov'))).toHaveLength(3);
    const doc = await web();
    const ok = versionOf(doc, '1.0.0');
    expect(ok.signatures).toEqual([
      expect.objectContaining({
        kind: 'helm',
        verified: true,
        signer: 'Chartroom Test Signer <signer@example.invalid>',
        identity: pgp.fingerprint,
      }),
    ]);
    expect(ok.policy).toBe('passed');
    const unsigned = versionOf(doc, '1.1.0');
    expect([unsigned.signatures, unsigned.policy, unsigned.policyError?.code]).toEqual([
      [],
      'failed',
      'SignatureMissing',
    ]);
    const tampered = versionOf(doc, '1.2.0');
    expect([kinds(tampered), tampered.policy, tampered.policyError?.code]).toEqual([
      ['helm unverified'],
      'failed',
      'SignatureInvalid',
    ]);
    expect(doc.latest).toBe('1.0.0');
    expect(report.registries[0]!.signatures?.refused.map((r) => r.version).sort()).toEqual([
      '1.1.0',
      '1.2.0',
    ]);
  });

  it('a quiet sync makes one conditional index request and nothing else', async () => {
    served.reset();
    const report = await sync();
    expect(report.commit).toBeUndefined();
    expect(served.since().map((r) => r.path)).toEqual(['/charts/index.yaml']);
  });
});
