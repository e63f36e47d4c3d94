/**
 * chart.json for each planned chart once its fetches are in, in the crash-safe order
 * catalog/store.ts states: the fetched versions' files are already written, chart.json is written
 * next, and only then are the files it stops listing deleted. Charts the definition no longer
 * allows, and charts with nothing left to list, are removed whole.
 */
import type { ChartVersionMeta } from '../chart/metadata.ts';
import { compareNewestFirst } from '../chart/version.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { CatalogChart, CatalogVersion } from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { VersionDescription } from '../sources/types.ts';
import { chartRecord, latestListed, versionRecord, withChartYaml } from './catalog-records.ts';
import type { Fetched } from './fetch-versions.ts';
import type { ChartPlan, RegistryPlan } from './plan.ts';
import { correctedChart } from './chart-metadata.ts';
import { storedChartYaml } from './stored-chart-yaml.ts';
import { coversKeptFiles, CURRENT_KEPT_FILES } from './kept-files.ts';
import type { ChartToCheck } from './signatures.ts';

export interface SettledChart {
  /** what chart.json lists, newest first */
  versions: CatalogVersion[];
  /** upstream metadata by version, completed by what the fetches brought (OCI config blobs) */
  metaOf: (version: string) => ChartVersionMeta | undefined;
  /** the versions fetched in this run (their metaOf is their archive's Chart.yaml) */
  fetched: ReadonlySet<string>;
  /** versions whose files go after chart.json is written */
  deleteFiles: string[];
}

/**
 * A chart's planned records with its fetch outcomes: a fetched version is listed with its files,
 * a failed or republished one as the plan left it. The keep window is recomputed over what is
 * listed now, so a failed download leaves its files to the next older version.
 */
export function settleChart(
  plan: ChartPlan,
  outcomes: readonly Fetched[],
  keep: RegistryDefinition['keep'],
  nowIso: string,
): SettledChart {
  const refilled = new Map<string, CatalogVersion>();
  const added: CatalogVersion[] = [];
  const fetchedMeta = new Map<string, ChartVersionMeta>();
  plan.fetch.forEach(({ meta, refill }, i) => {
    const result = outcomes[i];
    if (!result || 'error' in result || 'republishedAs' in result) return;
    const before = plan.records.get(meta.version);
    if ('described' in result) {
      const { described } = result;
      if (refill && before) refilled.set(meta.version, describedRecord(before, described));
      else added.push(versionRecord({ ...meta, ...pickCreated(described) }, nowIso, described));
      return;
    }
    const full: ChartVersionMeta = result.meta ? { ...meta, ...result.meta, partial: false } : meta;
    fetchedMeta.set(meta.version, full);
    if (refill && before) refilled.set(meta.version, refilledRecord(before, full, result));
    else added.push({ ...versionRecord(full, nowIso, result), files: result.fileNames });
  });
  const versions: CatalogVersion[] = [];
  for (const v of plan.records.values()) versions.push(refilled.get(v.version) ?? v);
  for (const v of added) versions.push(v);
  versions.sort((a, b) => compareNewestFirst(a.version, b.version));
  const deleteFiles = [...plan.deleteFiles];
  const inWindow = keep === 'all' ? versions.length : keep;
  for (let i = inWindow; i < versions.length; i++) {
    const v = versions[i]!;
    if (v.files.length === 0) continue;
    deleteFiles.push(v.version);
    versions[i] = { ...v, files: [] };
  }
  return {
    versions,
    metaOf: (version) => fetchedMeta.get(version) ?? plan.upstream.get(version),
    fetched: new Set(fetchedMeta.keys()),
    deleteFiles,
  };
}

const pickCreated = (d: VersionDescription) => (d.created ? { created: d.created } : {});

/**
 * A record an older chartroom wrote without reading the manifest (no digest, a first-seen date),
 * completed by it: the manifest's date replaces the first-seen one; without one it is marked so.
 */
function describedRecord(before: CatalogVersion, described: VersionDescription): CatalogVersion {
  const { firstSeen: _f, ...rest } = before;
  return {
    ...rest,
    ...(described.digest ? { digest: described.digest } : {}),
    ...(described.manifestDigest ? { manifestDigest: described.manifestDigest } : {}),
    ...(described.created ? { created: described.created } : { firstSeen: true }),
  };
}

/** A listed version now inside `keep`, fetched: its files, and what its Chart.yaml says of it. */
function refilledRecord(
  before: CatalogVersion,
  full: ChartVersionMeta,
  result: Extract<Fetched, { fileNames: string[] }>,
): CatalogVersion {
  const record = withChartYaml({ ...before, files: result.fileNames }, full);
  // a record never fetched nor described (an older chartroom's OCI one) takes the date and digests now
  if (!before.digest) {
    record.digest = result.digest;
    if (result.manifestDigest) record.manifestDigest = result.manifestDigest;
    if (full.created) {
      record.created = full.created;
      delete record.firstSeen;
    }
  }
  return record;
}

/**
 * The metadata chart.json's chart-level fields come from: the latest version's Chart.yaml when
 * its archive was read in this run; else, when its Chart.yaml is stored, the document's own
 * fields if latest did not change (they came from that file: no read), or the stored file;
 * else the listing's (undefined keeps the document's own, see chartRecord).
 */
async function latestMeta(
  store: CatalogStore,
  registry: string,
  plan: ChartPlan,
  settled: SettledChart,
  required: boolean,
): Promise<ChartVersionMeta | undefined> {
  const latest = latestListed(settled.versions, required);
  if (latest === undefined) return undefined;
  const listed = settled.metaOf(latest);
  if (settled.fetched.has(latest)) return listed;
  const record = settled.versions.find((v) => v.version === latest);
  if (!record?.files.includes('Chart.yaml')) return listed;
  if (plan.old?.latest === latest) return undefined;
  const stored = await storedChartYaml(store, registry, plan.chart, latest);
  if (!stored) return listed;
  return { chart: plan.chart, version: latest, urls: [], ...listed, ...stored, partial: false };
}

/** Writes (or removes) every planned chart. Returns the chart documents written, for the counts. */
export async function writeCharts(
  store: CatalogStore,
  registry: RegistryDefinition,
  plan: RegistryPlan,
  fetched: readonly Fetched[][],
  now: Date,
  /** the registry's part was changed by hand: its metadata is read again from the stored Chart.yaml files */
  handEdited = false,
  /**
   * the signature phase (signatures.ts): given every settled chart before any chart.json is
   * written, it replaces version records in `versions` (so the records land with chart.json)
   */
  signatures?: (charts: ChartToCheck[]) => Promise<void>,
): Promise<CatalogChart[]> {
  for (const chart of plan.removeCharts) await store.removeChart(registry.name, chart);
  const nowIso = now.toISOString();
  const written: CatalogChart[] = [];
  const settledCharts = plan.charts.map((chart, i) =>
    settleChart(chart, fetched[i] ?? [], registry.keep, nowIso),
  );
  await signatures?.(
    plan.charts.map((chart, i) => ({
      plan: chart,
      versions: settledCharts[i]!.versions,
      metaOf: settledCharts[i]!.metaOf,
    })),
  );
  // refused versions (a `required: true` policy failed) are never latest
  const required = registry.verify?.required === true;
  for (const [i, chart] of plan.charts.entries()) {
    const settled = settledCharts[i]!;
    const { versions, deleteFiles } = settled;
    if (versions.length === 0) {
      if (chart.old) await store.removeChart(registry.name, chart.chart);
      continue;
    }
    const meta = await latestMeta(store, registry.name, chart, settled, required);
    const record = chartRecord(registry.name, chart.chart, versions, () => meta, chart.old, required);
    const corrected = handEdited ? await correctedChart(store, record) : record;
    const doc = withKeptFiles(corrected, chart, fetched[i] ?? []);
    await store.writeChart(doc);
    for (const version of deleteFiles) await store.removeVersionFiles(registry.name, chart.chart, version);
    written.push(doc);
  }
  return written;
}

/**
 * The chart's `keptFiles` mark (kept-files.ts): set once no version listed with files still waits
 * for its refetch (each refetch came in, none left for a later run), else as it was.
 */
function withKeptFiles(doc: CatalogChart, plan: ChartPlan, outcomes: readonly Fetched[]): CatalogChart {
  const { keptFiles: _old, ...rest } = doc;
  const done =
    coversKeptFiles(plan.old?.keptFiles) ||
    (!plan.refetchPending && plan.fetch.every((task, i) => !task.refetch || isDone(outcomes[i])));
  if (done) return { ...rest, keptFiles: [...CURRENT_KEPT_FILES] };
  return plan.old?.keptFiles ? { ...rest, keptFiles: plan.old.keptFiles } : rest;
}

/** A refetch that came in (or found the archive republished, whose recorded files then stay). */
const isDone = (outcome: Fetched | undefined) => outcome !== undefined && !('error' in outcome);
