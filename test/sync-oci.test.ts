/**
 * OCI sync against the real CNCF distribution registry in its three auth setups, with charts
 * the tests write and push as Helm does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type RegistryAuth, type TestRegistry } from '../testkit/oci-registry.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const readJson = async <T>(root: string, ...parts: string[]) =>
  JSON.parse(await readFile(path.join(root, 'catalog', ...parts), 'utf8')) as T;

describe.each(['none', 'htpasswd', 'token'] as RegistryAuth[])('OCI sync, auth: %s', (auth) => {
  let registry: TestRegistry;
  let repo: TempRepo;
  let alpha: OwnChart;
  let beta: OwnChart;
  const http = recordingHttp();
  const env = {
    OCI_USER: 'admin',
    OCI_PASS: 'admin-pass-1',
    CHARTROOM_ENV_HOSTS: 'OCI_USER=127.0.0.1 OCI_PASS=127.0.0.1',
  };
  const sync = async (options = {}, environment: Record<string, string> = env) => {
    const report = await createSync({ root: repo.root, http, env: environment }).run({
      force: true,
      ...options,
    });
    expect(reportProblems(report)).toEqual([]);
    return report;
  };

  beforeAll(async () => {
    registry = await startRegistry(auth);
    alpha = await writeOwnChart('alpha', { schema: true });
    beta = await writeOwnChart('beta');
    for (const version of ['1.0.0', '1.1.0+build.1']) {
      await pushChart(
        registry,
        'charts/alpha',
        await packChartDir(alpha.dir, { name: 'alpha', version }),
        version,
        { created: '2025-02-03T04:05:06Z' },
      );
    }
    await pushChart(
      registry,
      'charts/beta',
      await packChartDir(beta.dir, { name: 'beta', version: '0.1.0' }),
      '0.1.0',
      { layerType: 'application/tar+gzip' },
    );
    // not charts: a non-semver tag, and an image under a semver tag
    await pushChart(
      registry,
      'charts/alpha',
      await packChartDir(alpha.dir, { name: 'alpha', version: 'latest' }),
      'latest',
    );
    await pushChart(
      registry,
      'charts/beta',
      await packChartDir(beta.dir, { name: 'beta', version: '9.9.9' }),
      '9.9.9',
      {
        configType: 'application/vnd.oci.image.config.v1+json',
      },
    );
    repo = await createTempRepo();
    await repo.writeCredential(
      'oci',
      'hosts: [127.0.0.1]\nusername: {env: OCI_USER}\npassword: {env: OCI_PASS}\n',
    );
    await repo.writeRegistry(
      'oci',
      `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha, beta]\n${auth === 'none' ? '' : 'credential: oci\n'}`,
    );
  });
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await http.close();
    await registry.close();
    await repo.cleanup();
  });

  it('first sync writes every version with its files equal to the source', async () => {
    const report = await sync();
    expect(report.registries[0]!.error).toBeUndefined();
    expect(report.registries[0]!.failed).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.message?.split('\n')[0]).toBe('sync: 3 new versions in 1 registry');
    expect(report.registries[0]!.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('beta 9.9.9 is not a Helm chart'),
    ]);
    const doc = await readJson<CatalogChart>(repo.root, 'charts', 'oci', 'alpha', 'chart.json');
    expect(doc.versions.map((v) => v.version)).toEqual(['1.1.0+build.1', '1.0.0']);
    expect(doc.description).toBe('Test chart alpha');
    expect(doc.keywords).toEqual(['test', 'alpha']);
    for (const v of doc.versions) {
      expect(v.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(v.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(v.created).toBe('2025-02-03T04:05:06.000Z');
      expect(v.files).toEqual(['Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml']);
      for (const file of ['README.md', 'values.yaml', 'values.schema.json']) {
        expect(
          await readFile(path.join(repo.root, 'catalog', 'charts', 'oci', 'alpha', v.version, file), 'utf8'),
        ).toBe(alpha.files[file]);
      }
    }
    const registryDoc = await readJson<CatalogRegistry>(repo.root, 'registries', 'oci.json');
    expect(registryDoc).toMatchObject({ kind: 'oci', charts: 2, versions: 3, private: auth !== 'none' });
  });

  it('a second sync fetches no manifest or blob and commits nothing', async () => {
    http.reset();
    const report = await sync();
    expect(report.commit).toBeUndefined();
    const registryUrls = http.urls.filter((u) => u.startsWith(registry.origin));
    expect(registryUrls.filter((u) => /\/manifests\/|\/blobs\//.test(u))).toEqual([]);
    // one tags request per chart repository, plus the one anonymous request that learns the challenge
    expect(registryUrls.filter((u) => u.includes('/tags/list')).length).toBe(auth === 'none' ? 2 : 3);
    expect((await repo.git.raw(['status', '--porcelain', '--', 'catalog'])).trim()).toBe('');
  });

  it('a newly pushed tag appears in a new commit', async () => {
    await pushChart(
      registry,
      'charts/beta',
      await packChartDir(beta.dir, { name: 'beta', version: '0.2.0' }),
      '0.2.0',
    );
    const report = await sync();
    expect(report.message?.split('\n')[0]).toBe('sync: 1 new version in 1 registry');
    expect((await readJson<CatalogChart>(repo.root, 'charts', 'oci', 'beta', 'chart.json')).latest).toBe(
      '0.2.0',
    );
  });

  // (anonymous registries have no credentials to get wrong)
  if (auth !== 'none')
    it('wrong credentials give unauthorized: authentication required and lose nothing', async () => {
      const before = await readJson<CatalogChart>(repo.root, 'charts', 'oci', 'alpha', 'chart.json');
      const report = await sync({}, { ...env, OCI_PASS: 'wrong-password' });
      expect(report.exitCode).toBe(1);
      expect(report.registries[0]!.status).toBe('failed');
      expect(report.registries[0]!.error!.message).toMatch(/^unauthorized: authentication required/);
      expect(JSON.stringify(report)).not.toContain('wrong-password');
      expect(await readJson<CatalogChart>(repo.root, 'charts', 'oci', 'alpha', 'chart.json')).toEqual(before);
    });

  it('a missing chart repository under charts: reports name unknown for that chart only', async () => {
    await repo.writeRegistry(
      'oci',
      `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha, beta, gamma]\n${auth === 'none' ? '' : 'credential: oci\n'}`,
    );
    const report = await sync();
    expect(report.exitCode).toBe(1);
    const r = report.registries[0]!;
    expect(r.status).toBe('synced');
    expect(r.chartErrors.map((e) => [e.chart, e.code])).toEqual([['gamma', 'NameUnknown']]);
    expect(r.chartErrors[0]!.message).toMatch(
      /^name unknown: 127\.0\.0\.1:\d+\/charts\/gamma does not exist/,
    );
    expect((await readJson<CatalogRegistry>(repo.root, 'registries', 'oci.json')).versions).toBe(4);
  });

  it('without charts:, discovers the chart repositories through /v2/_catalog', async () => {
    await repo.writeRegistry(
      'oci',
      `url: oci://${registry.host}/charts\ninsecure: true\n${auth === 'none' ? '' : 'credential: oci\n'}`,
    );
    const report = await sync();
    expect(report.registries[0]!.error).toBeUndefined();
    expect(report.registries[0]!.chartErrors).toEqual([]);
    await repo.writeRegistry(
      'empty',
      `url: oci://${registry.host}/nothing-here\ninsecure: true\n${auth === 'none' ? '' : 'credential: oci\n'}`,
    );
    const empty = await sync({ registries: ['empty'] });
    expect(empty.registries.find((x) => x.name === 'empty')!.error!.message).toMatch(
      /^no charts found: no repositories under oci:\/\/127\.0\.0\.1:\d+\/nothing-here/,
    );
    await repo.removeRegistry('empty');
  });
});

describe('an HTTP index that lists oci:// chart URLs', () => {
  it('fetches those versions through the OCI client', async () => {
    const registry = await startRegistry('none');
    const repo = await createTempRepo();
    const { startChartRepoServer } = await import('../src/demo/chart-repo-server.ts');
    const server = await startChartRepoServer();
    try {
      const chart = await writeOwnChart('epsilon');
      const archive = await packChartDir(chart.dir, { name: 'epsilon', version: '1.0.0' });
      const pushed = await pushChart(registry, 'mirror/epsilon', archive, '1.0.0');
      server.setFile(
        '/index.yaml',
        `apiVersion: v1\nentries:\n  epsilon:\n    - name: epsilon\n      version: 1.0.0\n      digest: ${pushed.layerDigest.slice(7)}\n      urls: [oci://${registry.host}/mirror/epsilon:1.0.0]\n`,
      );
      await repo.writeRegistry('mixed', `url: ${server.origin}\ninsecure: true\n`);
      const report = await createSync({ root: repo.root }).run({ force: true });
      expect(report.registries[0]!.failed).toEqual([]);
      const doc = await readJson<CatalogChart>(repo.root, 'charts', 'mixed', 'epsilon', 'chart.json');
      expect(doc.versions[0]).toMatchObject({
        version: '1.0.0',
        digest: pushed.layerDigest,
        manifestDigest: pushed.manifestDigest,
      });
      expect(doc.versions[0]!.files).toContain('values.yaml');
    } finally {
      await server.close();
      await registry.close();
      await repo.cleanup();
    }
  });
});
