/**
 * The HTTP sync on real third-party charts (argo, grafana, prometheus-community): packed into
 * .tgz with several versions each (only the `version:` line of Chart.yaml rewritten), served by
 * a real HTTP server with ETag and Last-Modified, synced into a real git repository.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogChart, CatalogRegistry } from '../../src/catalog/types.ts';
import { createSync } from '../../src/sync/run.ts';
import { catalogProblems } from '../helpers/catalog-check.ts';
import { serveCharts, type ServedRepository } from '../../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';
import { fixtureCharts, type FixtureChart } from '../../testkit/fixtures.ts';

const charts = fixtureCharts();
const versionsOf = (chart: FixtureChart) => ['0.0.1', '0.0.2', chart.version];
let repo: TempRepo;
let served: ServedRepository;
const sync = (options = {}) => createSync({ root: repo.root }).run({ force: true, ...options });
const readJson = async <T>(...parts: string[]) =>
  JSON.parse(await readFile(path.join(repo.root, 'catalog', ...parts), 'utf8')) as T;

beforeAll(async () => {
  repo = await createTempRepo();
  served = await serveCharts(charts.map((c) => ({ dir: c.dir, name: c.name, versions: versionsOf(c) })));
  await repo.writeRegistry('upstream', `url: ${served.url}\ninsecure: true\nkeep: all\n`);
});
afterAll(async () => {
  expect(await catalogProblems(repo.root)).toEqual([]);
  await served.close();
  await repo.cleanup();
});

describe('HTTP sync of the real fixture charts', () => {
  it('has the fixtures it expects', () => {
    expect(charts).toHaveLength(26);
    expect(charts.filter((c) => c.deprecated)).toHaveLength(10);
    expect(charts.map((c) => c.name)).toContain('grafana-agent-operator');
  });

  it('first sync: every version, files byte-for-byte equal to the sources', async () => {
    const report = await sync();
    expect(report.registries[0]!.error).toBeUndefined();
    expect(report.registries[0]!.failed).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.message?.split('\n')[0]).toBe(`sync: ${charts.length * 3} new versions in 1 registry`);
    for (const chart of charts) {
      const doc = await readJson<CatalogChart>('charts', 'upstream', chart.name, 'chart.json');
      expect(doc.versions.map((v) => v.version)).toEqual([...versionsOf(chart)].reverse());
      expect(doc.deprecated).toBe(chart.deprecated);
      for (const v of doc.versions) {
        const dir = path.join(repo.root, 'catalog', 'charts', 'upstream', chart.name, v.version);
        for (const file of ['README.md', 'values.yaml', 'values.schema.json', 'CHANGELOG.md']) {
          const source = path.join(chart.dir, file);
          if (existsSync(source)) {
            expect(v.files).toContain(file);
            expect((await readFile(path.join(dir, file))).equals(await readFile(source))).toBe(true);
          } else {
            expect(v.files).not.toContain(file);
          }
        }
        const original = await readFile(path.join(chart.dir, 'Chart.yaml'), 'utf8');
        expect(await readFile(path.join(dir, 'Chart.yaml'), 'utf8')).toBe(
          original.replace(/^version:.*$/m, `version: ${v.version}`),
        );
      }
    }
    // grafana's enterprise-logs and enterprise-metrics ship a CHANGELOG.md at their root: kept
    const withChangelog = charts.filter((c) => existsSync(path.join(c.dir, 'CHANGELOG.md')));
    expect(withChangelog.length).toBeGreaterThanOrEqual(2);
    const registry = await readJson<CatalogRegistry>('registries', 'upstream.json');
    expect(registry).toMatchObject({ charts: 26, versions: 78, failedVersions: [] });
    expect(registry.keptFiles).toEqual([
      'CHANGELOG.md',
      'Chart.yaml',
      'README.md',
      'values.schema.json',
      'values.yaml',
    ]);
  });

  it('second sync: one request, no change, no commit', async () => {
    const head = await repo.git.revparse(['HEAD']);
    served.reset();
    const report = await sync();
    expect(served.count()).toBe(1);
    expect(report.commit).toBeUndefined();
    expect(await repo.git.revparse(['HEAD'])).toBe(head);
    expect((await repo.git.raw(['status', '--porcelain', '--', 'catalog'])).trim()).toBe('');
  });

  it('a version published upstream appears after the next sync, in a new commit', async () => {
    const argo = charts.find((c) => c.name === 'argo-cd')!;
    await served.publish([{ dir: argo.dir, name: 'argo-cd', versions: ['99.0.0'] }]);
    served.reset();
    const report = await sync();
    expect(report.message?.split('\n')[0]).toBe('sync: 1 new version in 1 registry');
    const doc = await readJson<CatalogChart>('charts', 'upstream', 'argo-cd', 'chart.json');
    // the index and the new archive; and, argo-cd's listing having changed, the provenance file
    // of each of its versions (none is signed: each a 404)
    const paths = served.since().map((r) => r.path);
    expect(paths.filter((p) => !p.endsWith('.prov'))).toHaveLength(2);
    expect(paths.filter((p) => p.endsWith('.prov')).sort()).toEqual(
      doc.versions.map((v) => `/charts/argo-cd-${v.version}.tgz.prov`).sort(),
    );
    expect(doc.latest).toBe('99.0.0');
    expect(
      (await readFile(path.join(repo.root, 'catalog/charts/upstream/argo-cd/99.0.0/values.yaml'))).equals(
        await readFile(path.join(argo.dir, 'values.yaml')),
      ),
    ).toBe(true);
  });

  it('a wrong digest fails only that version', async () => {
    const promtail = charts.find((c) => c.name === 'promtail')!;
    const loki = charts.find((c) => c.name === 'loki-stack')!;
    await served.publish([
      { dir: promtail.dir, name: 'promtail', versions: ['99.0.0'] },
      { dir: loki.dir, name: 'loki-stack', versions: ['99.0.0'] },
    ]);
    served.repo.index.entries.promtail![0]!.digest = '0'.repeat(64);
    served.reindex();
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.failed.map((f) => [f.chart, f.version, f.code])).toEqual([
      ['promtail', '99.0.0', 'DigestMismatch'],
    ]);
    expect(report.registries[0]!.added).toEqual([{ chart: 'loki-stack', version: '99.0.0' }]);
    const registry = await readJson<CatalogRegistry>('registries', 'upstream.json');
    expect(registry.failedVersions.map((f) => f.version)).toEqual(['99.0.0']);
  });

  it('a 500 fails only the registry and loses nothing', async () => {
    const before = await readJson<CatalogChart>('charts', 'upstream', 'prometheus', 'chart.json');
    served.server.fault = (_req, res) => (res.writeHead(500).end(), true);
    try {
      const report = await sync();
      expect(report.exitCode).toBe(1);
      expect(report.registries[0]!.status).toBe('failed');
      expect(await readJson<CatalogChart>('charts', 'upstream', 'prometheus', 'chart.json')).toEqual(before);
      expect((await readJson<CatalogRegistry>('registries', 'upstream.json')).versions).toBe(80);
    } finally {
      served.server.fault = undefined;
    }
  });
});
