/**
 * The site build at scale: a generated catalog of N charts x 10 versions whose README, values
 * and schemas are the real fixture files (../shared/fixtures/charts, cycled), built by Astro +
 * Pagefind through `buildSite`. Case 7 builds 1,000 and 5,000 charts (the growth ratio of their
 * time per chart), reports the largest page and file of the larger build and the home page's
 * first-load bytes in Chromium (site-output.ts), and builds a chart with 20,000 versions
 * (site-many-versions.ts).
 */
import { load } from 'js-yaml';
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setChartVersion } from '../../src/chart/pack.ts';
import { buildSite, type CatalogChart, type CatalogRegistry, type CatalogVersion } from '../../src/index.ts';
import { fixtureCharts, missingFixtures } from '../data/fixtures.ts';
import { mib, treeBytes, type BenchContext, type CaseResult } from '../lib.ts';
import { manyVersions, type ManyVersionsResult } from './site-many-versions.ts';
import { homeFirstLoad, largestFiles, type FirstLoad, type LargestFiles } from './site-output.ts';

const VERSIONS_PER_CHART = 10;
const REGISTRIES = 4;
const FILES = ['Chart.yaml', 'README.md', 'values.yaml', 'values.schema.json'] as const;

interface SizeResult {
  charts: number;
  versions: number;
  buildMs: number;
  pages: number;
  outputMiB: number;
  catalogMiB: number;
  largest: LargestFiles;
  firstLoad: FirstLoad;
}

/**
 * Writes catalog/ for `count` charts. Every version keeps its files (the default keep is 20), as
 * hard links to one copy of each fixture file: the build still reads one file per version.
 * `distinct` writes each version's own Chart.yaml (its version) and values.yaml (a first line
 * naming it) instead, so git stores them as different objects, as it would for real charts.
 */
export async function generateCatalog(
  root: string,
  count: number,
  options: { distinct?: boolean } = {},
): Promise<{ catalogBytes: number }> {
  const fixtures = fixtureCharts();
  const originals = path.join(root, 'originals');
  await mkdir(originals, { recursive: true });
  const sources: Array<Partial<Record<(typeof FILES)[number], string>>> = [];
  for (const [i, fixture] of fixtures.entries()) {
    const files: Partial<Record<(typeof FILES)[number], string>> = {};
    for (const file of FILES) {
      const text = await readFile(path.join(fixture.dir, file), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const copy = path.join(originals, `${i}-${file}`);
      await writeFile(copy, text);
      files[file] = copy;
    }
    sources.push(files);
  }
  const catalog = path.join(root, 'catalog');
  await mkdir(path.join(catalog, 'registries'), { recursive: true });
  await writeFile(path.join(catalog, 'catalog.json'), '{\n  "formatVersion": 1\n}\n');
  const perRegistry = new Map<string, { charts: number; versions: number; lastChange: string }>();
  let catalogBytes = 0;
  for (let i = 0; i < count; i++) {
    const fixture = fixtures[i % fixtures.length]!;
    const files = sources[i % fixtures.length]!;
    const registry = `bench-${i % REGISTRIES}`;
    const name = `${fixture.name}-${i}`;
    const meta = load(await readFile(files['Chart.yaml']!, 'utf8')) as Record<string, unknown>;
    const versions: CatalogVersion[] = [];
    for (let v = VERSIONS_PER_CHART - 1; v >= 0; v--) {
      const version = `1.${v}.0`;
      const dir = path.join(catalog, 'charts', registry, name, version);
      await mkdir(dir, { recursive: true });
      const kept = FILES.filter((f) => files[f]);
      for (const f of kept) {
        if (options.distinct && (f === 'Chart.yaml' || f === 'values.yaml')) {
          const text = await readFile(files[f]!, 'utf8');
          const own = f === 'Chart.yaml' ? setChartVersion(text, version) : `# ${name} ${version}\n${text}`;
          await writeFile(path.join(dir, f), own);
        } else await link(files[f]!, path.join(dir, f));
      }
      versions.push({
        version,
        appVersion: typeof meta.appVersion === 'string' ? meta.appVersion : '1.0.0',
        digest: `sha256:${(i * 100 + v).toString(16).padStart(64, '0')}`,
        created: new Date(Date.UTC(2024, 0, 1) + (i * VERSIONS_PER_CHART + v) * 3_600_000).toISOString(),
        deprecated: false,
        removed: false,
        files: [...kept].sort(),
      });
    }
    const doc: CatalogChart = {
      name,
      registry,
      description: typeof meta.description === 'string' ? meta.description : '',
      ...(typeof meta.icon === 'string' ? { icon: meta.icon } : {}),
      ...(typeof meta.home === 'string' ? { home: meta.home } : {}),
      sources: Array.isArray(meta.sources) ? meta.sources.map(String) : [],
      keywords: Array.isArray(meta.keywords) ? meta.keywords.map(String) : [],
      maintainers: [],
      deprecated: meta.deprecated === true,
      latest: versions[0]!.version,
      updated: versions[0]!.created,
      versions,
    };
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    catalogBytes += json.length;
    await writeFile(path.join(catalog, 'charts', registry, name, 'chart.json'), json);
    const entry = perRegistry.get(registry) ?? { charts: 0, versions: 0, lastChange: '' };
    entry.charts++;
    entry.versions += versions.length;
    if (doc.updated! > entry.lastChange) entry.lastChange = doc.updated!;
    perRegistry.set(registry, entry);
  }
  for (const [name, entry] of perRegistry) {
    const doc: CatalogRegistry = {
      name,
      url: `https://charts.example/${name}`,
      kind: 'http',
      description: 'Generated for the site benchmark',
      private: false,
      charts: entry.charts,
      versions: entry.versions,
      lastChange: entry.lastChange,
      failedVersions: [],
      republished: [],
    };
    await writeFile(path.join(catalog, 'registries', `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  }
  return { catalogBytes };
}

async function measure(count: number, parent: string): Promise<SizeResult> {
  const root = await mkdtemp(path.join(parent, `chartroom-bench-site-${count}-`));
  try {
    await generateCatalog(root, count);
    const catalog = await treeBytes(path.join(root, 'catalog'));
    const built = await buildSite({ root });
    const output = await treeBytes(built.outDir);
    return {
      charts: count,
      versions: count * VERSIONS_PER_CHART,
      buildMs: built.ms,
      pages: output.html,
      outputMiB: mib(output.bytes),
      catalogMiB: mib(catalog.bytes),
      largest: await largestFiles(built.outDir),
      firstLoad: await homeFirstLoad(built.outDir),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const MB = 1_000_000;

export async function benchSite(
  sizes: number[],
  versions: number,
  /** where the catalog and dist/ go (see siteBuild) */
  parent: string = tmpdir(),
): Promise<{
  markdown: string;
  json: Record<string, unknown>;
  results: SizeResult[];
  many: ManyVersionsResult;
  growth: number;
}> {
  const missing = missingFixtures();
  if (missing) throw new Error(missing);
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await measure(size, parent));
  const many = await manyVersions(generateCatalog, versions);
  const largest = results.at(-1)!;
  const smallest = results[0]!;
  const growth = largest.buildMs / largest.charts / (smallest.buildMs / smallest.charts);
  const markdown = [
    `## 7. Site build: Astro + Pagefind over a generated catalog (${VERSIONS_PER_CHART} versions per chart, real-sized README/values/schema cycled from ${fixtureCharts().length} fixture charts, every version's files kept)`,
    '',
    '| charts | versions | build time (astro build + Pagefind) | per 1,000 charts | HTML pages | output size | catalog size (as read) | largest page | largest file | home first load |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.charts.toLocaleString('en')} | ${r.versions.toLocaleString('en')} | ${seconds(r.buildMs)} | ${seconds((r.buildMs / r.charts) * 1000)} | ${r.pages.toLocaleString('en')} | ${r.outputMiB} MiB | ${r.catalogMiB} MiB | ${kib(r.largest.html.bytes)} (${r.largest.html.file}) | ${kib(r.largest.any.bytes)} (${r.largest.any.file}) | ${kib(r.firstLoad.bytes)} in ${r.firstLoad.requests} responses |`,
    ),
    '',
    `Time per chart at ${largest.charts.toLocaleString('en')} charts / at ${smallest.charts.toLocaleString('en')}: ${growth.toFixed(2)}x (1.00 = linear).`,
    `Home first load at ${largest.charts.toLocaleString('en')} charts, by kind: ${Object.entries(
      largest.firstLoad.byKind,
    )
      .map(([k, b]) => `${k} ${kib(b)}`)
      .join(
        ', ',
      )}; after a focus on the search box and one letter: ${kib(largest.firstLoad.afterSearchBytes)}.`,
    '',
    `A chart with ${many.versions.toLocaleString('en')} versions (its newest ${VERSIONS_PER_CHART} with files, in a catalog of 10 charts): build ${seconds(many.buildMs)}, chart.json ${many.chartJsonMiB} MiB, its page ${many.chartPageKiB} KiB, ${many.versionsListPages} pages of its versions list, largest page ${kib(many.largest.html.bytes)} (${many.largest.html.file}), largest file ${kib(many.largest.any.bytes)} (${many.largest.any.file}).`,
    '',
  ].join('\n');
  return {
    markdown,
    json: { siteBuild: results, perChartGrowth: Math.round(growth * 100) / 100, manyVersions: many },
    results,
    many,
    growth,
  };
}

/**
 * Case 7: the site build for 1,000 and 5,000 charts (10 versions each), to show how it grows,
 * and a chart with 20,000 versions. Targets from issue 18.
 */
export async function siteBuild(ctx: BenchContext): Promise<CaseResult> {
  // The repository goes on the disk, as a catalog checkout does: Astro builds inside the package's
  // node_modules/.cache, and an output folder on tmpfs (the bench's TMPDIR) would turn the final
  // rename into a copy of every file (about 1 s per 100 charts here) that no real build pays.
  const { markdown, json, results, many, growth } = await benchSite(
    ctx.small ? [3, 6] : [1000, 5000],
    ctx.small ? 300 : 20_000,
    ctx.diskTmp,
  );
  const largest = results.at(-1)!;
  const biggestPage = Math.max(largest.largest.html.bytes, many.largest.html.bytes);
  return {
    markdown,
    json,
    targets: [
      {
        case: '7. site build',
        target: `under 3 min at ${largest.charts.toLocaleString('en')} charts / ${largest.versions.toLocaleString('en')} versions`,
        measured: seconds(largest.buildMs),
        met: largest.buildMs < 180_000,
      },
      {
        case: '7. site build',
        target: 'grows linearly (time per chart, largest / smallest size, under 1.25x)',
        measured: `${growth.toFixed(2)}x`,
        met: growth < 1.25,
      },
      {
        case: '7. site build',
        target: 'largest page under 1 MB (also with a chart of many versions)',
        measured: kib(biggestPage),
        met: biggestPage < MB,
      },
      {
        case: '7. site build',
        target: 'home page first load under 500 KB',
        measured: kib(largest.firstLoad.bytes),
        met: largest.firstLoad.bytes < 500_000,
      },
    ],
  };
}
