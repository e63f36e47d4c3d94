/**
 * Fidelity to Helm on what its peers test themselves with: what Helm refuses, chartroom refuses
 * and keeps its catalog; what Helm accepts (or ignores), chartroom does too. Each on a real chart
 * repository server (or the real registry), after a good sync where the fault is a change.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../site/lib/sanitize.ts';
import { withoutBom } from '../site/lib/bom.ts';
import { dateTime, day } from '../site/lib/format.ts';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { sha256Digest } from '../src/chart/digest.ts';
import { packChartDir, packEntries } from '../src/chart/pack.ts';
import type { HttpClient } from '../src/http/client.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let nu: OwnChart;

const chartFile = (registry: string, chart: string) =>
  path.join(repo.root, 'catalog', 'charts', registry, chart, 'chart.json');
const chartDoc = async (registry = 'own', chart = 'nu') =>
  JSON.parse(await readFile(chartFile(registry, chart), 'utf8')) as CatalogChart;
const registryDoc = async (registry = 'own') =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'registries', `${registry}.json`), 'utf8'),
  ) as CatalogRegistry;
const sync = async (clock?: Date, http?: HttpClient) => {
  const report = await createSync({
    root: repo.root,
    ...(clock ? { clock: () => clock } : {}),
    ...(http ? { http } : {}),
  }).run({ force: true });
  expect(reportProblems(report)).toEqual([]);
  return report;
};

describe('HTTP chart repositories', () => {
  beforeEach(async () => {
    repo = await createTempRepo();
    nu = await writeOwnChart('nu');
    served = await serveCharts([{ dir: nu.dir, name: 'nu', versions: ['1.0.0'] }]);
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
  });
  afterEach(async () => {
    served.server.fault = undefined;
    expect(await catalogProblems(repo.root)).toEqual([]);
    await served.close();
    await repo.cleanup();
  });

  // Helm's loadIndex: "no API version specified" (Flux and Artifact Hub the same), or the
  // document does not unmarshal into an index at all
  it.each([
    ['{}', '{}'],
    ['[]', '[]'],
    ['a YAML scalar', 'moved elsewhere\n'],
    ['YAML without apiVersion', 'entries: {}\ngenerated: "2025-01-01T00:00:00Z"\n'],
    ['YAML without apiVersion that lists the chart', ''],
    ['an HTML page', '<!doctype html>\n<html><head><title>Sign in</title></head><body></body></html>\n'],
    ['entries that is not a mapping', 'apiVersion: v1\nentries: [nu]\n'],
  ])('not an index (%s) after a good sync: IndexInvalid, catalog and commit kept', async (what, body) => {
    expect((await sync()).exitCode).toBe(0);
    const before = await readFile(chartFile('own', 'nu'), 'utf8');
    const head = await repo.git.revparse(['HEAD']);
    // the real index with its apiVersion line dropped: everything else is a Helm index
    const text =
      body || (await (await fetch(`${served.url}/index.yaml`)).text()).replace(/^apiVersion:.*\n/m, '');
    if (!body) expect(text).toContain('nu-1.0.0.tgz');
    served.server.fault = (req, res) =>
      req.url?.endsWith('index.yaml') ? (res.writeHead(200).end(text), true) : false;

    const report = await sync();
    expect(report.exitCode, what).toBe(1);
    expect(report.registries[0]).toMatchObject({
      status: 'failed',
      removed: [],
      error: { code: 'IndexInvalid' },
    });
    expect(report.message ?? '').not.toMatch(/removed/);
    expect(await readFile(chartFile('own', 'nu'), 'utf8')).toBe(before);
    // whatever was committed (the registry's error), no version was marked removed
    const committed = JSON.parse(
      await repo.git.show([`HEAD:catalog/charts/own/nu/chart.json`]),
    ) as CatalogChart;
    expect(committed.versions.map((v) => [v.version, v.removed])).toEqual([['1.0.0', false]]);
    expect((await repo.git.log({ from: head, to: 'HEAD' })).all.map((c) => c.message)).not.toContainEqual(
      expect.stringMatching(/removed/),
    );

    // and once the repository serves its index again, nothing needs restoring
    served.server.fault = undefined;
    const healed = await sync();
    expect(healed.exitCode).toBe(0);
    expect(healed.registries[0]).toMatchObject({ added: [], removed: [] });
    expect(healed.registries[0]!.error).toBeUndefined();
    expect(await readFile(chartFile('own', 'nu'), 'utf8')).toBe(before);
  });
  // ChartMuseum writes Go's zero time for a chart it has no date for
  it("Go's zero time as created, in any spelling, is unset: version, chart and registry get the first-seen time, the version marked firstSeen, which updated and lastChange leave out", async () => {
    const unset = [
      '0001-01-01T00:00:00Z',
      '0001-01-01T00:00:00.000Z',
      '0001-01-01T00:00:00+00:00',
      '0001-01-01 00:00:00 +0000 UTC',
    ];
    const versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0'];
    const zero = await serveCharts([{ dir: nu.dir, name: 'nu', versions: ['0.9.0', ...versions] }], {
      created: (_name, version) =>
        version === '0.9.0' ? '2024-01-01T00:00:00Z' : unset[versions.indexOf(version)]!,
    });
    try {
      await repo.writeRegistry('own', `url: ${zero.url}\ninsecure: true\n`);
      const firstSeen = new Date('2026-03-04T05:06:07.000Z');
      expect((await sync(firstSeen)).exitCode).toBe(0);
      const check = async () => {
        const doc = await chartDoc();
        expect(doc.versions.map((v) => [v.version, v.created, v.firstSeen])).toEqual([
          ...versions.map((v) => [v, firstSeen.toISOString(), true]).reverse(),
          ['0.9.0', '2024-01-01T00:00:00.000Z', undefined],
        ]);
        // latest's date is only when chartroom first saw it: no update time
        expect(doc.updated).toBeUndefined();
        expect((await registryDoc()).lastChange).toBe('2024-01-01T00:00:00.000Z');
      };
      await check();
      // first seen: a later sync that reads the chart's entries again leaves the times as they were
      const index = await (await fetch(`${zero.url}/index.yaml`)).text();
      zero.server.setFile('/charts/index.yaml', index.replaceAll('Test chart nu', 'Test chart nu, again'));
      await sync(new Date('2026-05-01T00:00:00.000Z'));
      await check();
    } finally {
      await zero.close();
    }
  });
  it('an archive packed on Windows (backslashes in entry names, byte order marks) syncs, stored without the marks', async () => {
    const bom = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const chartYaml = 'apiVersion: v2\nname: nu\nversion: 2.0.0\ndescription: packed on Windows\n';
    const archive = packEntries([
      { path: 'nu\\', type: 'Directory' },
      { path: 'nu\\Chart.yaml', body: bom(chartYaml) },
      { path: 'nu\\values.yaml', body: bom('replicas: 1\n') },
      { path: 'nu\\README.md', body: bom('# nu on Windows\n') },
      { path: 'nu\\templates\\deployment.yaml', body: Buffer.from('kind: Deployment\n') },
    ]);
    served.server.setFile('/charts/nu-2.0.0.tgz', archive);
    served.repo.index.entries.nu!.unshift({
      apiVersion: 'v2',
      name: 'nu',
      version: '2.0.0',
      description: 'packed on Windows',
      digest: sha256Digest(archive).slice('sha256:'.length),
      urls: ['nu-2.0.0.tgz'],
    });
    served.reindex();
    const report = await sync();
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.failed).toEqual([]);
    const doc = await chartDoc();
    expect(doc.versions.find((v) => v.version === '2.0.0')!.files).toEqual([
      'Chart.yaml',
      'README.md',
      'values.yaml',
    ]);
    const stored = (file: string) =>
      readFile(path.join(repo.root, 'catalog', 'charts', 'own', 'nu', '2.0.0', file), 'utf8');
    expect(await stored('Chart.yaml')).toBe(chartYaml);
    expect(await stored('values.yaml')).toBe('replicas: 1\n');
    expect(await stored('README.md')).toBe('# nu on Windows\n');
  });
});

describe('OCI registries (the real distribution registry)', () => {
  let registry: TestRegistry;
  const http = recordingHttp();
  /** tags a pushed manifest again under another tag, as `crane tag` or `oras tag` do */
  const retag = async (repository: string, from: string, to: string) => {
    const accept = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = await fetch(`${registry.origin}/v2/${repository}/manifests/${from}`, {
      headers: { accept },
    });
    const put = await fetch(`${registry.origin}/v2/${repository}/manifests/${to}`, {
      method: 'PUT',
      headers: { 'content-type': accept },
      body: new Uint8Array(await manifest.arrayBuffer()),
    });
    expect(put.status).toBe(201);
  };

  beforeAll(async () => {
    registry = await startRegistry('none');
    repo = await createTempRepo();
    nu = await writeOwnChart('nu');
    const push = async (version: string, created: string) =>
      pushChart(registry, 'charts/nu', await packChartDir(nu.dir, { name: 'nu', version }), version, {
        created,
      });
    await push('0.1.0', '0001-01-01T00:00:00Z');
    await push('1.0.0', '0001-01-01T00:00:00.000+00:00');
    // tags Helm's listing ignores: not strict semver (the manifest under each is chart 0.1.0)
    for (const tag of ['v0.1.0', '0.1', 'latest']) await retag('charts/nu', '0.1.0', tag);
    await repo.writeRegistry('oci', `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [nu]\n`);
  });
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await http.close();
    await registry.close();
    await repo.cleanup();
  });

  it('tags that are not strict semver (v0.1.0) are not versions: never fetched, never failed', async () => {
    const firstSeen = new Date('2026-03-04T05:06:07.000Z');
    for (let run = 0; run < 2; run++) {
      http.reset();
      const report = await sync(firstSeen, http);
      expect(report.exitCode).toBe(0);
      expect(report.registries[0]).toMatchObject({ failed: [], chartErrors: [] });
      expect(http.urls.filter((u) => /\/manifests\/(v0\.1\.0|0\.1|latest)$/.test(u))).toEqual([]);
    }
    const doc = await chartDoc('oci', 'nu');
    expect(doc.versions.map((v) => v.version)).toEqual(['1.0.0', '0.1.0']);
    expect((await registryDoc('oci')).failedVersions).toEqual([]);
  });

  it("Go's zero time in org.opencontainers.image.created is unset: the first-seen time, marked", async () => {
    const firstSeen = '2026-03-04T05:06:07.000Z';
    expect((await sync(new Date(firstSeen), http)).exitCode).toBe(0);
    const doc = await chartDoc('oci', 'nu');
    expect(doc.versions.map((v) => [v.created, v.firstSeen])).toEqual([
      [firstSeen, true],
      [firstSeen, true],
    ]);
    expect(doc.updated).toBeUndefined();
    expect((await registryDoc('oci')).lastChange).toBeUndefined();
  });
});

describe('the site', () => {
  it("shows Go's zero time (a catalog synced before it was read as unset) as unknown, not the year 1", () => {
    expect(day('0001-01-01T00:00:00.000Z')).toBe('—');
    expect(dateTime('0001-01-01T00:00:00.000Z')).toBe('—');
    expect(day('2026-03-04T05:06:07.000Z')).toBe('2026-03-04');
    expect(dateTime('2026-03-04T05:06:07.000Z')).toBe('2026-03-04 05:06 UTC');
  });

  it('reads a kept file stored with a byte order mark (a catalog synced before they were dropped) without it', () => {
    const stored = '\uFEFF# nu\n\nA chart.\n';
    expect(renderMarkdown(stored)).not.toContain('<h1>nu</h1>');
    expect(withoutBom(stored)).toBe('# nu\n\nA chart.\n');
    expect(renderMarkdown(withoutBom(stored))).toContain('<h1>nu</h1>');
    expect(withoutBom('a\uFEFFb')).toBe('a\uFEFFb');
  });
});
