/**
 * The sync's signature phase on the real distribution registry, with cosign `.sig` images in
 * cosign's layout signed with a key made in the test: a required cosign policy over versions
 * inside and outside `keep`, a quiet sync that looks nothing up, a signature pushed later
 * found because the tags list changed, and identities or another trusted root that re-check.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { loadRegistries } from '../src/config/load.ts';
import { fingerprints } from '../src/sync/due.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { recordingHttp } from './helpers/recording-http.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { cosignKeyPair, cosignLayer, pushCosignSignature } from '../testkit/signing.ts';
import { createSigstore } from '../testkit/sigstore.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let registry: TestRegistry;
let repo: TempRepo;
const http = recordingHttp();
const key = cosignKeyPair();
const wrongKey = cosignKeyPair();
const pushed: Record<string, { manifestDigest: string }> = {};

const chartJson = async () =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', 'oci', 'alpha', 'chart.json'), 'utf8'),
  ) as CatalogChart;
const versionOf = async (version: string) => (await chartJson()).versions.find((v) => v.version === version)!;
const registryDoc = async () =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'registries', 'oci.json'), 'utf8'),
  ) as CatalogRegistry;
const fingerprintOf = async () =>
  (await fingerprints(repo.root, (await loadRegistries(repo.root)).registries)).get('oci');
// each sync two hours after the last: an unsigned version's look-ups of its first hour (rule (e)
// of sync/signatures.ts) are over by the next one
let clockAt = Date.now();
const clock = () => new Date((clockAt += 2 * 60 * 60 * 1000));
const sync = async () => {
  const report = await createSync({ root: repo.root, http, clock }).run({ force: true });
  expect(reportProblems(report)).toEqual([]);
  return report;
};
const sign = (version: string, privateKey = key.privateKey) =>
  pushCosignSignature({
    registry,
    repository: 'charts/alpha',
    subjectDigest: pushed[version]!.manifestDigest,
    layers: [cosignLayer(privateKey, `${registry.host}/charts/alpha`, pushed[version]!.manifestDigest)],
  });

beforeAll(async () => {
  registry = await startRegistry('none');
  repo = await createTempRepo();
  const alpha = await writeOwnChart('alpha');
  for (const version of ['0.9.0', '1.0.0', '1.1.0', '1.2.0']) {
    const archive = await packChartDir(alpha.dir, { name: 'alpha', version });
    pushed[version] = await pushChart(registry, 'charts/alpha', archive, version);
  }
  await sign('0.9.0'); // outside keep: checked against the manifest describeVersion reads
  await sign('1.0.0');
  await sign('1.2.0', wrongKey.privateKey);
  await mkdir(path.join(repo.root, 'keys'));
  await writeFile(path.join(repo.root, 'keys', 'cosign.pub'), key.publicKeyPem);
  await repo.writeRegistry(
    'oci',
    `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha]\nkeep: 3\nverify:\n  provider: cosign\n  key: keys/cosign.pub\n  required: true\n`,
  );
});

afterAll(async () => {
  expect(await catalogProblems(repo.root)).toEqual([]);
  await http.close();
  await registry.close();
  await repo.cleanup();
});

describe('signatures in a sync of an OCI registry', () => {
  it('verifies cosign signatures inside and outside keep and refuses the unsigned and the wrongly signed', async () => {
    const report = await sync();
    expect(await versionOf('1.0.0')).toMatchObject({ policy: 'passed' });
    expect((await versionOf('1.0.0')).signatures).toEqual([
      expect.objectContaining({ kind: 'cosign', verified: true, signer: 'keys/cosign.pub' }),
    ]);
    expect(await versionOf('1.1.0')).toMatchObject({
      signatures: [],
      policy: 'failed',
      policyError: { code: 'SignatureMissing' },
    });
    expect(await versionOf('1.2.0')).toMatchObject({
      policy: 'failed',
      policyError: { code: 'SignatureInvalid' },
    });
    const outside = await versionOf('0.9.0');
    expect(outside.files).toEqual([]);
    expect(outside.manifestDigest).toBe(pushed['0.9.0']!.manifestDigest);
    expect(outside.policy).toBe('passed');
    expect((await chartJson()).latest).toBe('1.0.0');
    expect(report.registries[0]!.signatures).toMatchObject({
      checked: 4,
      verified: 2,
      refused: [
        { chart: 'alpha', version: '1.2.0' },
        { chart: 'alpha', version: '1.1.0' },
      ],
    });
  });

  it('a quiet sync looks nothing up', async () => {
    http.reset();
    const report = await sync();
    expect(report.commit).toBeUndefined();
    expect(report.registries[0]!.signatures!.checked).toBe(0);
    expect(http.urls.filter((u) => u.includes('/manifests/') || u.includes('/blobs/'))).toEqual([]);
  });

  it('a signature pushed later is found: the tags list changed', async () => {
    await sign('1.1.0');
    const report = await sync();
    expect(await versionOf('1.1.0')).toMatchObject({ policy: 'passed' });
    expect((await chartJson()).latest).toBe('1.1.0');
    expect(report.registries[0]!.signatures!.refused).toEqual([{ chart: 'alpha', version: '1.2.0' }]);
    expect(report.message?.split('\n')[0]).toBe('signatures: 1 refused');
  });
  it('identities beside the key, then another trusted root: each re-checks every version once, and is recorded', async () => {
    const registryFile = (identities: string) =>
      `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha]\nkeep: 3\nverify:\n  provider: cosign\n  key: keys/cosign.pub\n${identities}  required: true\n`;
    const shipped = (await registryDoc()).verify!;
    // a cosign policy is checked under the run's trusted root (the shipped one): recorded with its digest
    expect(shipped.sigstoreRoot).toMatch(/public-good/);
    expect(shipped.sigstoreRootDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await repo.writeRegistry(
      'oci',
      registryFile(
        '  matchOIDCIdentity:\n    - {issuer: ^https://issuer\\.example$, subject: ^ci@example\\.com$}\n',
      ),
    );
    const before = await fingerprintOf();
    const added = await sync();
    expect(added.registries[0]!.signatures!.checked).toBe(4);
    expect((await registryDoc()).verify).toEqual({
      ...shipped,
      matchOIDCIdentity: [{ issuer: '^https://issuer\\.example$', subject: '^ci@example\\.com$' }],
    });
    // the key still verifies: either passes
    expect(await versionOf('1.0.0')).toMatchObject({ policy: 'passed' });
    expect((await sync()).registries[0]!.signatures!.checked).toBe(0);

    // another root (a private deployment's): due at once, every version checked again, recorded
    const other = createSigstore();
    await mkdir(path.join(repo.root, 'trust'), { recursive: true });
    await writeFile(path.join(repo.root, 'trust', 'root.json'), JSON.stringify(other.trustedRoot()));
    await writeFile(path.join(repo.root, 'chartroom.yaml'), 'trust:\n  sigstoreRoot: trust/root.json\n');
    expect(await fingerprintOf()).not.toBe(before);
    const moved = await sync();
    expect(moved.registries[0]!.signatures!.checked).toBe(4);
    const doc = (await registryDoc()).verify!;
    expect(doc.sigstoreRoot).toContain('trust/root.json');
    expect(doc.sigstoreRootDigest).not.toBe(shipped.sigstoreRootDigest);
    expect((await sync()).registries[0]!.signatures!.checked).toBe(0);
  });
});
