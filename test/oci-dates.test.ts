/**
 * OCI versions outside `keep` get their manifest read once, on the real distribution registry:
 * its `org.opencontainers.image.created` is their date and its chart layer their digest, so a
 * first sync does not date every old version "today". A version with no date (no annotation, or
 * Go's zero time) is dated by when chartroom first saw it, marked `firstSeen`, and kept out of the
 * site's "Recently updated", its feeds, `updated` and `lastChange`. A catalog an older chartroom
 * wrote (such versions without digest) gets those manifests read once on its next sync.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { stableStringify } from '../src/catalog/json.ts';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { buildSite } from '../src/site-build/build.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

/** alpha's versions and the created annotation each is pushed with (undefined: none) */
const ALPHA: Array<[string, string | undefined]> = [
  ['1.2.0', '2024-03-01T00:00:00Z'],
  ['1.1.0', '2024-02-01T00:00:00Z'],
  ['1.0.0', '2024-01-01T00:00:00Z'],
  ['0.9.0', undefined],
  ['0.8.0', '0001-01-01T00:00:00Z'],
];
const FIRST_SYNC = new Date('2026-06-01T12:00:00Z');
const LATER = new Date('2026-06-02T12:00:00Z');

let registry: TestRegistry;
let repo: TempRepo;
const http = recordingHttp();
const layerDigest = new Map<string, string>();

const sync = (now: Date) => createSync({ root: repo.root, http, clock: () => now }).run({ force: true });
const readJson = async <T>(...parts: string[]) =>
  JSON.parse(await readFile(path.join(repo.root, 'catalog', ...parts), 'utf8')) as T;
const requests = (kind: 'manifests' | 'blobs') =>
  http.urls.filter((u) => u.startsWith(registry.origin) && u.includes(`/${kind}/`));

beforeAll(async () => {
  registry = await startRegistry('none');
  const alpha = await writeOwnChart('alpha');
  for (const [version, created] of ALPHA) {
    const archive = await packChartDir(alpha.dir, { name: 'alpha', version });
    layerDigest.set(version, `sha256:${createHash('sha256').update(archive).digest('hex')}`);
    await pushChart(registry, 'charts/alpha', archive, version, created ? { created } : {});
  }
  const undated = await writeOwnChart('undated');
  await pushChart(
    registry,
    'charts/undated',
    await packChartDir(undated.dir, { name: 'undated', version: '1.0.0' }),
    '1.0.0',
  );
  repo = await createTempRepo();
  await repo.writeRegistry(
    'oci',
    `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha, undated]\nkeep: 2\n`,
  );
}, 60_000);

afterAll(async () => {
  await http.close();
  await registry?.close();
  await repo?.cleanup();
});

describe('OCI versions outside keep', () => {
  it('get their manifest read once, for their created date and digests; undated ones are marked first-seen', async () => {
    const report = await sync(FIRST_SYNC);
    expect(report.exitCode).toBe(0);
    // one manifest per version (5 + 1); config and chart layer for the 3 inside keep only
    expect(requests('manifests')).toHaveLength(6);
    expect(requests('blobs')).toHaveLength(6);
    const alpha = await readJson<CatalogChart>('charts', 'oci', 'alpha', 'chart.json');
    for (const [version, created] of ALPHA) {
      const v = alpha.versions.find((x) => x.version === version)!;
      expect(v.digest, version).toBe(layerDigest.get(version));
      expect(v.manifestDigest, version).toMatch(/^sha256:[0-9a-f]{64}$/);
      if (created && !created.startsWith('0001')) {
        expect(v.created, version).toBe(new Date(created).toISOString());
        expect(v.firstSeen, version).toBeUndefined();
      } else {
        expect(v.created, version).toBe(FIRST_SYNC.toISOString());
        expect(v.firstSeen, version).toBe(true);
      }
    }
    expect(alpha.updated).toBe('2024-03-01T00:00:00.000Z');
    const undated = await readJson<CatalogChart>('charts', 'oci', 'undated', 'chart.json');
    expect(undated.versions[0]).toMatchObject({ created: FIRST_SYNC.toISOString(), firstSeen: true });
    expect(undated.updated, 'a first-seen date is no update time').toBeUndefined();
    const doc = await readJson<CatalogRegistry>('registries', 'oci.json');
    expect(doc.lastChange).toBe('2024-03-01T00:00:00.000Z');
    expect(await catalogProblems(repo.root)).toEqual([]);
  });

  it('never reads a manifest again on a quiet sync', async () => {
    http.reset();
    const report = await sync(LATER);
    expect(report.commit).toBeUndefined();
    expect(requests('manifests')).toEqual([]);
    expect(requests('blobs')).toEqual([]);
  });

  it('keeps first-seen dates out of the home page\'s "Recently updated" and the feed', async () => {
    const built = await buildSite({ root: repo.root });
    const home = await readFile(path.join(built.outDir, 'index.html'), 'utf8');
    const recent = /<section id="recent"[\s\S]*?<\/section>/.exec(home)?.[0] ?? '';
    expect(recent).toContain('alpha');
    expect(recent).not.toContain('undated');
    expect(recent).not.toContain('2026-06-01');
    const feed = await readFile(path.join(built.outDir, 'feed.xml'), 'utf8');
    const titles = [...feed.matchAll(/<entry>\s*<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toEqual(['oci/alpha 1.2.0', 'oci/alpha 1.1.0', 'oci/alpha 1.0.0']);
    expect(feed).not.toContain('2026-06-01');
  }, 180_000);

  it('a catalog written before: versions without digest get their manifest read once', async () => {
    // as an older chartroom recorded them: no digest, the first sync's time as their date
    const file = path.join(repo.root, 'catalog', 'charts', 'oci', 'alpha', 'chart.json');
    const alpha = JSON.parse(await readFile(file, 'utf8')) as CatalogChart;
    const versions = alpha.versions.map((v) => {
      if (v.files.length > 0) return v;
      const { digest: _d, manifestDigest: _m, firstSeen: _f, ...old } = v;
      return { ...old, created: FIRST_SYNC.toISOString() };
    });
    await writeFile(file, stableStringify({ ...alpha, versions }));
    await repo.git.add('catalog').commit('catalog written by an older chartroom');
    http.reset();
    const report = await sync(LATER);
    expect(report.exitCode).toBe(0);
    // the describe reads, by tag; the versions inside keep are looked up for signatures too (by
    // digest: a hand-edited catalog's state is not trusted, so its listing counts as changed)
    expect(requests('manifests').filter((u) => !u.includes('/manifests/sha256:'))).toHaveLength(3);
    expect(requests('blobs')).toEqual([]);
    const fixed = await readJson<CatalogChart>('charts', 'oci', 'alpha', 'chart.json');
    expect(fixed.versions.find((v) => v.version === '1.0.0')).toMatchObject({
      created: '2024-01-01T00:00:00.000Z',
      digest: layerDigest.get('1.0.0'),
    });
    expect(fixed.versions.find((v) => v.version === '0.9.0')).toMatchObject({
      created: FIRST_SYNC.toISOString(),
      firstSeen: true,
      digest: layerDigest.get('0.9.0'),
    });
    http.reset();
    expect((await sync(LATER)).commit).toBeUndefined();
    expect(requests('manifests')).toEqual([]);
  });
});
