/**
 * Where a version's archive was read, its Chart.yaml is the authority for chart.json (as `helm
 * show chart` is), whatever the index entry says or leaves out; and a catalog written before
 * that rule is corrected by the next sync from the Chart.yaml files it stores, once, with no
 * download, while the sync after it is quiet.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogChart } from '../src/catalog/types.ts';
import { stableStringify } from '../src/catalog/json.ts';
import { createSync } from '../src/sync/run.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const CHART_YAML = (version: string) =>
  [
    'apiVersion: v2',
    'name: web',
    'description: |',
    '  A web server.',
    '  Second line of the description.',
    `version: ${version}`,
    'appVersion: "7.7.7"',
    'icon: https://example.test/web.svg',
    'home: https://example.test/web',
    'sources: [https://example.test/src/web]',
    'keywords: [http, server]',
    'maintainers:',
    '  - name: Ada',
    '    email: ada@example.test',
    '',
  ].join('\n');

const WHOLE_DESCRIPTION = 'A web server.\nSecond line of the description.\n';

let served: ServedRepository;
let repo: TempRepo;

const chartFile = () => path.join(repo.root, 'catalog', 'charts', 'own', 'web', 'chart.json');
const readChart = async () => JSON.parse(await readFile(chartFile(), 'utf8')) as CatalogChart;
const sync = () => createSync({ root: repo.root }).run({ force: true });
const archiveRequests = () => served.since().filter((r) => r.path.endsWith('.tgz')).length;

beforeAll(async () => {
  const web = await writeOwnChart('web');
  await writeFile(path.join(web.dir, 'Chart.yaml'), CHART_YAML('0.0.1'));
  served = await serveCharts([{ dir: web.dir, name: 'web', versions: ['1.0.0', '1.1.0'] }]);
  // the index entries as a careless indexer writes them: no keywords, maintainers, icon, home or
  // sources, the description cut at its first line, another appVersion
  for (const entry of served.repo.index.entries.web!) {
    for (const key of ['keywords', 'maintainers', 'icon', 'home', 'sources']) delete entry[key];
    entry.description = 'A web server.';
    entry.appVersion = 'from-the-index';
  }
  served.reindex();
  repo = await createTempRepo();
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\nkeep: 1\n`);
}, 60_000);

afterAll(async () => {
  await served?.close();
  await repo?.cleanup();
});

describe('chart metadata from Chart.yaml', () => {
  it('takes chart.json from the archive Chart.yaml when the index entry lacks keywords and maintainers', async () => {
    const report = await sync();
    expect(report.exitCode).toBe(0);
    const chart = await readChart();
    expect(chart).toMatchObject({
      description: WHOLE_DESCRIPTION,
      icon: 'https://example.test/web.svg',
      home: 'https://example.test/web',
      sources: ['https://example.test/src/web'],
      keywords: ['http', 'server'],
      maintainers: [{ name: 'Ada', email: 'ada@example.test' }],
      latest: '1.1.0',
    });
    // the fetched version (inside keep: 1) from its Chart.yaml; the other from the index entry
    expect(chart.versions.map((v) => [v.version, v.appVersion])).toEqual([
      ['1.1.0', '7.7.7'],
      ['1.0.0', 'from-the-index'],
    ]);
  });

  it('corrects a catalog written the old way from its stored Chart.yaml files, with no download, once', async () => {
    // the catalog as the old code left it: index metadata in chart.json, no mark in catalog.json
    const old = await readChart();
    const { description: _d, icon: _i, home: _h, ...rest } = old;
    await writeFile(
      chartFile(),
      stableStringify({
        ...rest,
        description: 'A web server.',
        sources: [],
        keywords: [],
        maintainers: [],
        versions: old.versions.map((v) => ({ ...v, appVersion: 'from-the-index' })),
      }),
    );
    await writeFile(path.join(repo.root, 'catalog', 'catalog.json'), stableStringify({ formatVersion: 1 }));
    await repo.git.add('catalog').commit('catalog written by an older chartroom');
    served.reset();

    const corrected = await sync();
    expect(corrected.exitCode).toBe(0);
    expect(archiveRequests(), 'no archive is downloaded again').toBe(0);
    expect(corrected.commit).toBeDefined();
    expect(corrected.message).toMatch(/^sync: chart metadata of 1 chart read from its Chart\.yaml/);
    expect(corrected.message).toContain('corrected from the 1 Chart.yaml catalog/ stores (no download)');
    const chart = await readChart();
    expect(chart).toMatchObject({
      description: WHOLE_DESCRIPTION,
      keywords: ['http', 'server'],
      maintainers: [{ name: 'Ada', email: 'ada@example.test' }],
      icon: 'https://example.test/web.svg',
    });
    expect(chart.versions.map((v) => v.appVersion)).toEqual(['7.7.7', 'from-the-index']);
    expect(JSON.parse(await readFile(path.join(repo.root, 'catalog', 'catalog.json'), 'utf8'))).toEqual({
      chartMetadata: 'Chart.yaml',
      formatVersion: 1,
    });
  });

  it('leaves the next syncs quiet: no commit, and no stored Chart.yaml read again', async () => {
    const head = await repo.git.revparse(['HEAD']);
    served.reset();
    const quiet = await sync();
    expect(quiet.commit).toBeUndefined();
    expect(archiveRequests()).toBe(0);
    expect(await repo.git.revparse(['HEAD'])).toBe(head);

    // A stored Chart.yaml changed (and committed, so that the state no longer matches and the
    // index is listed in full again): a sync that read it would take its keywords. None does.
    const stored = path.join(repo.root, 'catalog', 'charts', 'own', 'web', '1.1.0', 'Chart.yaml');
    await writeFile(stored, (await readFile(stored, 'utf8')).replace('[http, server]', '[changed]'));
    await repo.git.add('catalog').commit('stored Chart.yaml edited');
    const relisted = await sync();
    expect(relisted.registries[0]?.status).toBe('synced');
    expect(relisted.commit).toBeUndefined();
    expect((await readChart()).keywords).toEqual(['http', 'server']);
  });
});
