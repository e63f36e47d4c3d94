/**
 * The site's data layer: the only code that reads catalog/ (see the top-level README, "The
 * catalog format"). Its JSON files go through chartroom's one catalog reader, which checks each
 * against its schema. A file that cannot be read (conflict markers, a schema failure) leaves out
 * what it describes (a chart; for a registry file, the whole registry, since whether it is private
 * is in that file) and is reported through `onUnreadable`: one bad file never stops the build.
 * What it returns is plain data: build.ts holds the one copy a build shares.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listDirectories, readCatalogFile } from '../../src/catalog/read.ts';
import type { CatalogChart, CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';
import { ChartroomError } from '../../src/errors.ts';
import { withoutBom } from './bom.ts';
import { keywordCounts } from './keywords.ts';
import type { PrivateRegistries } from './settings.ts';

export type { CatalogChart, CatalogRegistry, CatalogVersion };

export interface SiteChart extends CatalogChart {
  registryDoc: CatalogRegistry;
  /** the latest version's entry */
  latestEntry: CatalogVersion | undefined;
  /** versions whose files are kept, newest first: each has a version page */
  kept: CatalogVersion[];
  /** the version the chart page shows: latest when its files are kept, else the newest kept */
  shown: CatalogVersion | undefined;
  /** a private registry's chart under site.privateRegistries: metadata: no README, values or schema */
  contentHidden: boolean;
}

export interface Site {
  root: string;
  registries: CatalogRegistry[];
  charts: SiteChart[];
  chartsOf: (registry: string) => SiteChart[];
  /** keyword -> number of charts, most used first */
  keywords: Array<[string, number]>;
}

/** A chart version's kept file, by the chart it belongs to. */
export type VersionFileReader = (
  chart: Pick<SiteChart, 'registry' | 'name' | 'contentHidden'>,
  version: CatalogVersion,
  file: string,
) => Promise<string | undefined>;

/**
 * Reads the whole catalog of the repository at `root`: every registry and chart file, once.
 * Private registries (and their charts) are left out under `hidden`; under `metadata` their
 * charts are marked so that no file of theirs is read.
 */
/** A catalog file the site left out: `file` relative to the root, `reason` the reader's message. */
export type OnUnreadable = (item: { registry: string; chart: string; file: string; reason: string }) => void;

export async function readSite(
  root: string,
  privateRegistries: PrivateRegistries = 'metadata',
  onUnreadable: OnUnreadable = () => {},
): Promise<Site> {
  await checkFormat(root);
  const { docs: all, unreadable } = await readRegistries(root, onUnreadable);
  const left = new Set(privateRegistries === 'hidden' ? all.filter((r) => r.private).map((r) => r.name) : []);
  const registries = all.filter((r) => !left.has(r.name));
  const byName = new Map(registries.map((r) => [r.name, r]));
  const charts: SiteChart[] = [];
  for (const registry of await listDirectories(path.join(root, 'catalog', 'charts'))) {
    if (left.has(registry) || unreadable.has(registry)) continue;
    let registryDoc = byName.get(registry);
    if (!registryDoc) {
      registryDoc = stubRegistry(registry);
      byName.set(registry, registryDoc);
      registries.push(registryDoc);
    }
    const hidden = registryDoc.private && privateRegistries === 'metadata';
    for (const doc of await readCharts(root, registry, onUnreadable))
      charts.push(siteChart(doc, registry, registryDoc, hidden));
  }
  const grouped = new Map<string, SiteChart[]>();
  for (const chart of charts) grouped.set(chart.registry, [...(grouped.get(chart.registry) ?? []), chart]);
  return {
    root,
    registries: registries.sort((a, b) => a.name.localeCompare(b.name)),
    charts,
    chartsOf: (registry) => grouped.get(registry) ?? [],
    keywords: keywordCounts(charts),
  };
}

/**
 * Reads one kept file of a version (README.md, values.yaml, values.schema.json); undefined when it
 * is not kept, or its content is hidden; without a leading byte order mark (see bom.ts).
 */
export function versionFileReader(root: string): VersionFileReader {
  return async (chart, version, file) => {
    if (chart.contentHidden || !version.files.includes(file)) return undefined;
    const text = await readFile(
      path.join(root, 'catalog', 'charts', chart.registry, chart.name, version.version, file),
      'utf8',
    );
    return withoutBom(text);
  };
}

async function checkFormat(root: string): Promise<void> {
  const file = path.join(root, 'catalog', 'catalog.json');
  if ((await readCatalogFile(root, file, 'catalog')) === undefined) {
    throw new ChartroomError(
      'CatalogMissing',
      `no catalog at ${path.dirname(file)}: ${file} does not exist`,
      {
        hint: 'set CHARTROOM_ROOT (or --root) to a chartroom repository that has been synced',
      },
    );
  }
}

async function readRegistries(
  root: string,
  onUnreadable: OnUnreadable,
): Promise<{ docs: CatalogRegistry[]; unreadable: Set<string> }> {
  const dir = path.join(root, 'catalog', 'registries');
  let files: string[] = [];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const unreadable = new Set<string>();
  const docs = await Promise.all(
    files.map((f) =>
      readOrReport(root, path.join(dir, f), 'registry', (reason) => {
        const registry = f.replace(/\.json$/, '');
        unreadable.add(registry);
        onUnreadable({ registry, chart: '', file: path.join('catalog', 'registries', f), reason });
      }),
    ),
  );
  return { docs: docs.filter((doc): doc is CatalogRegistry => doc !== undefined), unreadable };
}

async function readCharts(
  root: string,
  registry: string,
  onUnreadable: OnUnreadable,
): Promise<CatalogChart[]> {
  const dir = path.join(root, 'catalog', 'charts', registry);
  const docs = await Promise.all(
    (await listDirectories(dir)).map(async (name) => {
      const file = path.join(dir, name, 'chart.json');
      const report = (reason: string) =>
        onUnreadable({ registry, chart: name, file: path.relative(root, file), reason });
      const doc = await readOrReport(root, file, 'chart', report);
      if (doc === undefined && !existsSync(file)) report(`${path.relative(root, file)} does not exist`);
      return doc;
    }),
  );
  return docs.filter((doc): doc is CatalogChart => doc !== undefined);
}

/** The file read through the catalog reader; undefined, reported, when it cannot be (CatalogInvalid). */
async function readOrReport<K extends 'registry' | 'chart'>(
  root: string,
  file: string,
  kind: K,
  report: (reason: string) => void,
) {
  try {
    return await readCatalogFile(root, file, kind);
  } catch (error) {
    if (!(error instanceof ChartroomError) || error.code !== 'CatalogInvalid') throw error;
    report(error.message);
    return undefined;
  }
}

// charts without their registry file (a partial catalog): still shown, under a stub
function stubRegistry(name: string): CatalogRegistry {
  return {
    name,
    url: '',
    kind: 'http',
    private: false,
    charts: 0,
    versions: 0,
    failedVersions: [],
    republished: [],
  };
}

function siteChart(
  doc: CatalogChart,
  registry: string,
  registryDoc: CatalogRegistry,
  contentHidden: boolean,
): SiteChart {
  const kept = doc.versions.filter((v) => v.files.length > 0);
  const latestEntry = doc.versions.find((v) => v.version === doc.latest) ?? doc.versions[0];
  const shown = latestEntry && latestEntry.files.length > 0 ? latestEntry : kept[0];
  return { ...doc, registry, registryDoc, latestEntry, kept, shown, contentHidden };
}

/**
 * Charts by the time of their latest version, newest first. A latest version dated only by when
 * chartroom first saw it (`firstSeen`: its source gave no date) says nothing of when the chart
 * changed, so its chart is left out (else a first sync would list every such chart as changed today).
 */
export function recentlyUpdated(charts: SiteChart[], count: number): SiteChart[] {
  return charts
    .filter((c) => c.updated && !c.latestEntry?.firstSeen)
    .sort((a, b) => (b.updated ?? '').localeCompare(a.updated ?? '') || a.name.localeCompare(b.name))
    .slice(0, count);
}

export interface FeedEntry {
  chart: SiteChart;
  version: CatalogVersion;
}

/**
 * The newest versions (by created), across the given charts. A version dated only by when
 * chartroom first saw it is left out: an Atom entry needs a real `updated`, and a first sync
 * would otherwise fill the feed with today.
 */
export function newestVersions(charts: SiteChart[], count: number): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const chart of charts)
    for (const version of chart.versions) if (!version.firstSeen) entries.push({ chart, version });
  return entries
    .sort(
      (a, b) =>
        b.version.created.localeCompare(a.version.created) || a.chart.name.localeCompare(b.chart.name),
    )
    .slice(0, count);
}

/**
 * Each registry's last check time, from `.chartroom/state.json` under the root (git-ignored: the
 * scheduled workflow restores it before the sync and builds the site after it, in the same job).
 * Only `lastCheck` is taken, and only when it is a valid time: the file's validators (ETag,
 * Last-Modified, hashes) never reach the site. The sync trusts the file only when its
 * `catalogCommit` is the checked-out catalog's; a time that is merely shown needs no such check.
 * A missing or unreadable file gives an empty map: the pages then say "not recorded in this build".
 */
export async function readLastChecks(root: string): Promise<Map<string, string>> {
  const checks = new Map<string, string>();
  let state: unknown;
  try {
    state = JSON.parse(await readFile(path.join(root, '.chartroom', 'state.json'), 'utf8'));
  } catch {
    return checks;
  }
  const registries = (state as { registries?: unknown } | null)?.registries;
  if (typeof registries !== 'object' || registries === null) return checks;
  for (const [name, entry] of Object.entries(registries as Record<string, unknown>)) {
    const lastCheck = (entry as { lastCheck?: unknown } | null)?.lastCheck;
    if (typeof lastCheck === 'string' && !Number.isNaN(Date.parse(lastCheck)))
      checks.set(name, new Date(lastCheck).toISOString());
  }
  return checks;
}
