/**
 * The site's one data layer: the only code that reads catalog/ (see the top-level README, "The
 * catalog format"). Routes call these functions; everything is read once per build and each
 * distinct README, values.yaml and schema is rendered once, however many versions share it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogChart, CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';
import { ChartroomError } from '../../src/errors.ts';
import { highlightYaml } from './highlight.ts';
import { catalogRoot } from './paths.ts';
import { renderMarkdown } from './sanitize.ts';
import { schemaTable, type SchemaTable } from './schema-table.ts';

export type { CatalogChart, CatalogRegistry, CatalogVersion };

export interface SiteChart extends CatalogChart {
  registryDoc: CatalogRegistry;
  /** the latest version's entry */
  latestEntry: CatalogVersion | undefined;
  /** versions whose files are kept, newest first: each has a version page */
  kept: CatalogVersion[];
  /** the version the chart page shows: latest when its files are kept, else the newest kept */
  shown: CatalogVersion | undefined;
}

export interface Site {
  root: string;
  registries: CatalogRegistry[];
  charts: SiteChart[];
  chartsOf: (registry: string) => SiteChart[];
  /** keyword -> number of charts, most used first */
  keywords: Array<[string, number]>;
}

let site: Promise<Site> | undefined;

export function loadSite(): Promise<Site> {
  site ??= readSite(catalogRoot());
  return site;
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    throw new ChartroomError('CatalogInvalid', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'the site reads catalog/ as written by `chartroom sync`; run a sync first',
      cause: error,
    });
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readSite(root: string): Promise<Site> {
  const dir = path.join(root, 'catalog');
  const meta = await readJson<{ formatVersion?: number }>(path.join(dir, 'catalog.json')).catch(
    (error: unknown) => {
      throw new ChartroomError('CatalogMissing', `no catalog at ${dir}: ${(error as Error).message}`, {
        hint: 'set CHARTROOM_ROOT (or --root) to a chartroom repository that has been synced',
      });
    },
  );
  if (meta.formatVersion !== 1) {
    throw new ChartroomError(
      'CatalogFormatUnsupported',
      `${path.join(dir, 'catalog.json')} has formatVersion ${String(meta.formatVersion)}; this site reads 1`,
    );
  }
  let registryFiles: string[] = [];
  try {
    registryFiles = (await readdir(path.join(dir, 'registries'))).filter((f) => f.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const registries = await Promise.all(
    registryFiles.map((f) => readJson<CatalogRegistry>(path.join(dir, 'registries', f))),
  );
  const byName = new Map(registries.map((r) => [r.name, r]));

  const charts: SiteChart[] = [];
  for (const registry of await list(path.join(dir, 'charts'))) {
    const names = await list(path.join(dir, 'charts', registry));
    const docs = await Promise.all(
      names.map((name) => readJson<CatalogChart>(path.join(dir, 'charts', registry, name, 'chart.json'))),
    );
    let registryDoc = byName.get(registry);
    if (!registryDoc) {
      // charts without their registry file (a partial catalog): still shown, under a stub
      registryDoc = {
        name: registry,
        url: '',
        kind: 'http',
        private: false,
        charts: 0,
        versions: 0,
        failedVersions: [],
        republished: [],
      };
      byName.set(registry, registryDoc);
      registries.push(registryDoc);
    }
    for (const doc of docs) {
      const kept = doc.versions.filter((v) => v.files.length > 0);
      const latestEntry = doc.versions.find((v) => v.version === doc.latest) ?? doc.versions[0];
      const shown = latestEntry && latestEntry.files.length > 0 ? latestEntry : kept[0];
      charts.push({ ...doc, registry, registryDoc, latestEntry, kept, shown });
    }
  }
  const grouped = new Map<string, SiteChart[]>();
  for (const chart of charts) grouped.set(chart.registry, [...(grouped.get(chart.registry) ?? []), chart]);
  const counts = new Map<string, number>();
  for (const chart of charts)
    for (const k of new Set(chart.keywords)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return {
    root,
    registries: registries.sort((a, b) => a.name.localeCompare(b.name)),
    charts,
    chartsOf: (registry) => grouped.get(registry) ?? [],
    keywords: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  };
}

/** Charts by the time of their latest version, newest first. */
export function recentlyUpdated(charts: SiteChart[], count: number): SiteChart[] {
  return charts
    .filter((c) => c.updated)
    .sort((a, b) => (b.updated ?? '').localeCompare(a.updated ?? '') || a.name.localeCompare(b.name))
    .slice(0, count);
}

export interface FeedEntry {
  chart: SiteChart;
  version: CatalogVersion;
}

/** The newest versions (by created), across the given charts. */
export function newestVersions(charts: SiteChart[], count: number): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const chart of charts) for (const version of chart.versions) entries.push({ chart, version });
  return entries
    .sort(
      (a, b) =>
        b.version.created.localeCompare(a.version.created) || a.chart.name.localeCompare(b.chart.name),
    )
    .slice(0, count);
}

// --- files of one version: content-addressed, each distinct file read once ---
//
// Versions of a chart mostly share their README, values and schema. Each distinct file is stored
// once by its hash, rendered at most once, and written to the site once under content/<hash>…;
// chart pages inline theirs, version pages and the browser fetch them from there.

export type ContentKind = 'readme' | 'values' | 'schema';
const EXTENSION: Record<ContentKind, string> = { readme: 'md', values: 'yaml', schema: 'json' };
const FILE: Record<ContentKind, string> = {
  readme: 'README.md',
  values: 'values.yaml',
  schema: 'values.schema.json',
};

interface ContentFile {
  kind: ContentKind;
  text: string;
  rendered?: string;
  table?: SchemaTable;
}
const contents = new Map<string, ContentFile>();
const byPath = new Map<string, Promise<string | undefined>>();

export interface VersionContent {
  /** content hashes, present when the version keeps that file */
  readme?: string;
  values?: string;
  schema?: string;
}

function hashOf(
  kind: ContentKind,
  chart: Pick<SiteChart, 'registry' | 'name'>,
  version: CatalogVersion,
): Promise<string | undefined> {
  const key = `${chart.registry}/${chart.name}/${version.version}/${kind}`;
  let hit = byPath.get(key);
  if (!hit) {
    hit = readVersionFile(chart, version, FILE[kind]).then((text) => {
      if (text === undefined) return undefined;
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 20);
      if (!contents.has(hash)) contents.set(hash, { kind, text });
      return hash;
    });
    byPath.set(key, hit);
  }
  return hit;
}

export async function versionContent(chart: SiteChart, version: CatalogVersion): Promise<VersionContent> {
  const [readme, values, schema] = await Promise.all(
    (['readme', 'values', 'schema'] as const).map((kind) => hashOf(kind, chart, version)),
  );
  return { ...(readme ? { readme } : {}), ...(values ? { values } : {}), ...(schema ? { schema } : {}) };
}

function contentFile(hash: string): ContentFile {
  const hit = contents.get(hash);
  if (!hit) throw new ChartroomError('Internal', `no content ${hash} among the site's contents`);
  return hit;
}

/** The sanitised README or highlighted values.yaml, rendered once per distinct file. */
export function renderedContent(hash: string): string {
  const item = contentFile(hash);
  item.rendered ??= item.kind === 'readme' ? renderMarkdown(item.text) : highlightYaml(item.text);
  return item.rendered;
}

export function schemaTableOf(hash: string): SchemaTable {
  const item = contentFile(hash);
  item.table ??= schemaTable(item.text);
  return item.table;
}

/** Raw files (for the browser) and rendered fragments (for version pages), by name under content/. */
export function contentName(hash: string, form: 'raw' | 'html'): string {
  const kind = contentFile(hash).kind;
  return form === 'raw' ? `${hash}.${EXTENSION[kind]}` : `${hash}.${kind}.html.txt`;
}

export async function readVersionFile(
  chart: Pick<SiteChart, 'registry' | 'name'>,
  version: CatalogVersion,
  file: string,
): Promise<string | undefined> {
  if (!version.files.includes(file)) return undefined;
  const root = (await loadSite()).root;
  return readFile(
    path.join(root, 'catalog', 'charts', chart.registry, chart.name, version.version, file),
    'utf8',
  );
}

// --- routes, computed once ---

export async function registryPaths() {
  const { registries } = await loadSite();
  return registries.map((registry) => ({ params: { registry: registry.name }, props: { registry } }));
}

export async function chartPaths() {
  const { charts } = await loadSite();
  return charts.map((chart) => ({
    params: { registry: chart.registry, chart: chart.name },
    props: { chart },
  }));
}

export async function versionPaths() {
  const { charts } = await loadSite();
  return charts.flatMap((chart) =>
    chart.kept.map((version) => ({
      params: { registry: chart.registry, chart: chart.name, version: version.version },
      props: { chart, version },
    })),
  );
}

/** Charts with at least two kept values.yaml to compare. */
export async function comparePaths() {
  const { charts } = await loadSite();
  return charts
    .filter((chart) => chart.kept.filter((v) => v.files.includes('values.yaml')).length >= 2)
    .map((chart) => ({ params: { registry: chart.registry, chart: chart.name }, props: { chart } }));
}

/** Every distinct file once: raw values and schemas, and README/values fragments for version pages. */
export async function contentPaths() {
  const { charts } = await loadSite();
  const hashes = new Set<string>();
  for (const chart of charts) {
    for (const version of chart.kept) {
      const content = await versionContent(chart, version);
      for (const hash of [content.readme, content.values, content.schema]) if (hash) hashes.add(hash);
    }
  }
  return [...hashes].flatMap((hash) => {
    const kind = contentFile(hash).kind;
    const forms: Array<'raw' | 'html'> =
      kind === 'readme' ? ['html'] : kind === 'values' ? ['raw', 'html'] : ['raw'];
    return forms.map((form) => ({ params: { name: contentName(hash, form) }, props: { hash, form } }));
  });
}

/** The body of one content file. */
export function contentBody(hash: string, form: 'raw' | 'html'): string {
  return form === 'raw' ? contentFile(hash).text : renderedContent(hash);
}
