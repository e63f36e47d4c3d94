/**
 * The plan of one registry's sync, decided before any download from what is known: the last
 * registry document, the catalog's charts, the listing and the registry definition. Pure: no I/O,
 * and the inputs are left as they were. Per chart it says which versions to fetch (new ones, and
 * listed ones inside `keep` whose files are missing), which records chart.json keeps and how the
 * listing changes them (removed upstream, reappeared, deprecated), what it flags (republished) or
 * drops (filtered out), and how many failed versions wait for their retry. The keep window is
 * settled again once the fetches are in (write-charts.ts): a failed download leaves its place to
 * an older version.
 */
import type { ChartVersionMeta } from '../chart/metadata.ts';
import { compareNewestFirst } from '../chart/version.ts';
import type {
  CatalogChart,
  CatalogRegistry,
  CatalogVersion,
  FailedVersion,
  Republished,
} from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { versionRecord } from './catalog-records.ts';
import { createFilters, type RegistryFilters } from './filters.ts';
import { coversKeptFiles, REFETCH_BUDGET } from './kept-files.ts';
import type { VersionRef } from './registry-sync.ts';
import type { ListResult } from '../sources/types.ts';

/** What the plan reads of a listing that came back modified. */
export type Listing = Pick<
  Extract<ListResult, { notModified: false }>,
  'versions' | 'chartErrors' | 'unchanged'
>;

export interface PlanInput {
  registry: RegistryDefinition;
  /** the registry document the last sync wrote */
  previous: CatalogRegistry | undefined;
  /** the catalog's charts of this registry, by name */
  charts: ReadonlyMap<string, CatalogChart>;
  listing: Listing;
  now: Date;
  /** `--retry-failed`: every failed version is due, given up or not */
  retryFailed: boolean;
  /** versions fetched again for files kept since they were read, at most, in this run (kept-files.ts) */
  refetchBudget?: number;
}

export interface FetchTask {
  meta: ChartVersionMeta;
  /** a listed version without files, now inside `keep`: its record stays, its files come */
  refill: boolean;
  /**
   * outside `keep`, listed without date or digest (an OCI tag): only its manifest is fetched
   * (RegistrySource.describeVersion), for them; a refill then completes a record that has none
   */
  describe?: boolean;
  /**
   * a version listed with files, read before a file was added to the kept files: fetched again
   * once, and only the files it lacks are written (kept-files.ts)
   */
  refetch?: true;
}

export interface ChartPlan {
  chart: string;
  /** the chart as the catalog holds it before this run */
  old: CatalogChart | undefined;
  /** upstream metadata of the chart's versions that pass the filters, by version */
  upstream: ReadonlyMap<string, ChartVersionMeta>;
  /** the records chart.json lists whatever the fetches bring, by version */
  records: ReadonlyMap<string, CatalogVersion>;
  /** new versions first, then refills */
  fetch: FetchTask[];
  /** filtered-out versions whose files go once chart.json no longer lists them */
  deleteFiles: string[];
  /**
   * versions that still need the refetch of kept-files.ts and were not asked for in this run (a
   * retry not due yet, or the run's budget spent): the chart is not marked `keptFiles` yet
   */
  refetchPending: boolean;
}

export interface RegistryPlan {
  /** the charts whose chart.json is written (or removed, when nothing is left), by name */
  charts: ChartPlan[];
  /** charts left as the catalog holds them (listing unchanged, or the chart could not be listed) */
  kept: CatalogChart[];
  /** charts the definition no longer allows: removed whole */
  removeCharts: string[];
  /** new versions outside `keep`, recorded from their metadata alone (fetched ones are added after) */
  added: VersionRef[];
  /** versions gone upstream this run (their records stay, flagged) */
  removed: VersionRef[];
  /** versions the filters now exclude */
  dropped: VersionRef[];
  /** the registry's republished flags: those of kept charts, then the ones this listing shows */
  republished: Republished[];
  /** the failures still worth remembering, before this run's attempts */
  failures: FailedVersion[];
  /** new versions that failed before and are not yet due for a retry */
  waiting: number;
}

export const versionKey = (chart: string, version: string) => `${chart}\u0000${version}`;

/** Whether a failed version is tried again in this run. */
export function isRetryDue(failure: FailedVersion, now: Date, retryFailed: boolean): boolean {
  return retryFailed || (!failure.gaveUp && Date.parse(failure.nextRetry) <= now.getTime());
}

interface Context {
  input: PlanInput;
  nowIso: string;
  filters: RegistryFilters;
  failures: Map<string, FailedVersion>;
  republished: Map<string, Republished>;
  plan: RegistryPlan;
  /** versions asked for by refetch tasks so far in this run */
  refetched: number;
}

export function planRegistry(input: PlanInput): RegistryPlan {
  const { registry, previous, charts: existing, listing } = input;
  const filters = createFilters(registry);
  const unlisted = new Set((listing.chartErrors ?? []).map((e) => e.chart));
  const unchanged = new Set(listing.unchanged ?? []);
  const upstream = upstreamByChart(listing.versions, filters);
  const failures = new Map((previous?.failedVersions ?? []).map((f) => [versionKey(f.chart, f.version), f]));
  // An unchanged chart's flags stay as they were; the others' are found again from this listing
  // (a chart that could not be listed has none until it is listed again).
  const republished = new Map<string, Republished>();
  for (const r of previous?.republished ?? [])
    if (unchanged.has(r.chart)) republished.set(versionKey(r.chart, r.version), r);
  const plan: RegistryPlan = {
    charts: [],
    kept: [],
    removeCharts: [],
    added: [],
    removed: [],
    dropped: [],
    republished: [],
    failures: [],
    waiting: 0,
  };
  const nowIso = input.now.toISOString();
  const cx: Context = { input, nowIso, filters, failures, republished, plan, refetched: 0 };
  for (const chart of [...new Set([...upstream.keys(), ...existing.keys()])].sort()) {
    const old = existing.get(chart);
    if (old && unchanged.has(chart)) plan.kept.push(old);
    else if (unlisted.has(chart) && filters.chart(chart)) {
      if (old) plan.kept.push(old);
    } else if (!filters.chart(chart)) {
      for (const v of old?.versions ?? []) plan.dropped.push({ chart, version: v.version });
      plan.removeCharts.push(chart);
    } else
      plan.charts.push(planChart(cx, chart, old, upstream.get(chart) ?? new Map<string, ChartVersionMeta>()));
  }
  plan.republished = [...republished.values()];
  // Failures of versions no longer upstream (or now filtered out) are forgotten.
  plan.failures = [...failures.values()].filter(
    (f) => upstream.get(f.chart)?.has(f.version) || unlisted.has(f.chart) || unchanged.has(f.chart),
  );
  return plan;
}

/** The listing's versions that pass the filters, by chart and version. */
function upstreamByChart(versions: readonly ChartVersionMeta[], filters: RegistryFilters) {
  const upstream = new Map<string, Map<string, ChartVersionMeta>>();
  for (const meta of versions) {
    if (!filters.chart(meta.chart) || !filters.version(meta.version)) continue;
    let byVersion = upstream.get(meta.chart);
    if (!byVersion) upstream.set(meta.chart, (byVersion = new Map<string, ChartVersionMeta>()));
    byVersion.set(meta.version, meta);
  }
  return upstream;
}

function planChart(
  cx: Context,
  chart: string,
  old: CatalogChart | undefined,
  upstream: ReadonlyMap<string, ChartVersionMeta>,
): ChartPlan {
  const records = new Map<string, CatalogVersion>();
  const planned: ChartPlan = {
    chart,
    old,
    upstream,
    records,
    fetch: [],
    deleteFiles: [],
    refetchPending: false,
  };
  for (const v of old?.versions ?? []) {
    const next = relisted(cx, planned, v);
    if (next) records.set(v.version, next);
  }
  const candidates = newVersions(cx, planned);
  const order = [...records.keys(), ...candidates.map((c) => c.version)].sort(compareNewestFirst);
  const { keep } = cx.input.registry;
  const window = new Set(keep === 'all' ? order : order.slice(0, keep));
  for (const meta of candidates) {
    if (window.has(meta.version)) planned.fetch.push({ meta, refill: false });
    else if (meta.partial) {
      planned.fetch.push({ meta, refill: false, describe: true });
    } else {
      // Outside `keep`: metadata only, no download.
      records.set(meta.version, versionRecord(meta, cx.nowIso, undefined));
      cx.plan.added.push({ chart, version: meta.version });
    }
  }
  for (const [version, v] of records) {
    const meta = upstream.get(version);
    const failure = cx.failures.get(versionKey(chart, version));
    const due = !failure || isRetryDue(failure, cx.input.now, cx.input.retryFailed);
    if (!meta || v.removed || !due || v.files.length > 0) continue;
    if (window.has(version)) planned.fetch.push({ meta, refill: true });
    // recorded before its manifest was read (an older chartroom): its manifest is read once
    else if (meta.partial && !v.digest) planned.fetch.push({ meta, refill: true, describe: true });
  }
  planRefetch(cx, planned, window);
  return planned;
}

/**
 * The versions of a chart not yet marked `keptFiles` that are listed with files inside `keep`:
 * fetched again, all of the chart's at once or none (the run's budget), so the chart is marked
 * when they are in. One that cannot be fetched again (removed upstream, republished, given up)
 * keeps its files as they are and does not hold the mark back.
 */
function planRefetch(cx: Context, planned: ChartPlan, window: ReadonlySet<string>): void {
  if (coversKeptFiles(planned.old?.keptFiles)) return;
  const asked = new Set(planned.fetch.map((task) => task.meta.version));
  const tasks: FetchTask[] = [];
  for (const [version, v] of planned.records) {
    const meta = planned.upstream.get(version);
    if (!meta || v.removed || v.files.length === 0 || !window.has(version) || asked.has(version)) continue;
    // a changed digest is flagged (relisted): the recorded archive's files stay as they are
    if (meta.digest && v.digest && meta.digest !== v.digest) continue;
    const failure = cx.failures.get(versionKey(planned.chart, version));
    if (failure && !isRetryDue(failure, cx.input.now, cx.input.retryFailed)) {
      if (!failure.gaveUp) planned.refetchPending = true;
      continue;
    }
    tasks.push({ meta, refill: true, refetch: true });
  }
  if (tasks.length === 0) return;
  const budget = cx.input.refetchBudget ?? REFETCH_BUDGET;
  if (cx.refetched > 0 && cx.refetched + tasks.length > budget) {
    planned.refetchPending = true;
    return;
  }
  cx.refetched += tasks.length;
  planned.fetch.push(...tasks);
}

/** A record the catalog holds, as this listing leaves it; undefined when the filters now drop it. */
function relisted(cx: Context, planned: ChartPlan, v: CatalogVersion): CatalogVersion | undefined {
  const { chart } = planned;
  if (!cx.filters.version(v.version)) {
    cx.plan.dropped.push({ chart, version: v.version });
    if (v.files.length > 0) planned.deleteFiles.push(v.version);
    return undefined;
  }
  const meta = planned.upstream.get(v.version);
  const next: CatalogVersion = { ...v };
  if (meta) {
    next.removed = false;
    // an OCI tag listing does not know `deprecated`, and a stored Chart.yaml outranks the index
    // entry: it stays as the last full fetch left it
    if (!meta.partial && !v.files.includes('Chart.yaml')) next.deprecated = meta.deprecated;
    if (meta.digest && v.digest && meta.digest !== v.digest) {
      // Never silently replace what people may have deployed: flag it, keep the old record.
      const flag = { chart, version: v.version, digest: meta.digest, previousDigest: v.digest };
      cx.republished.set(versionKey(chart, v.version), flag);
    }
  } else if (!v.removed) {
    next.removed = true;
    cx.plan.removed.push({ chart, version: v.version });
  }
  return next;
}

/** Upstream versions the catalog does not list yet, less those waiting for their retry (counted). */
function newVersions(cx: Context, planned: ChartPlan): ChartVersionMeta[] {
  const candidates: ChartVersionMeta[] = [];
  for (const meta of planned.upstream.values()) {
    if (planned.records.has(meta.version)) continue;
    const failure = cx.failures.get(versionKey(planned.chart, meta.version));
    if (failure && !isRetryDue(failure, cx.input.now, cx.input.retryFailed)) cx.plan.waiting++;
    else candidates.push(meta);
  }
  return candidates;
}
