/**
 * One registry's sync: list upstream, diff against catalog/, fetch what is new (bounded
 * concurrency), write files and chart.json in crash-safe order, and record failures. A registry
 * that cannot be listed keeps its last good catalog; a version that fails never stops the others.
 */
import type { LimitFunction } from 'p-limit';
import type { ChartVersionMeta } from '../chart/metadata.ts';
import { compareNewestFirst } from '../chart/version.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { CatalogChart, CatalogVersion, FailedVersion, Republished } from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { describeError } from '../errors.ts';
import { retryDelayMs } from './backoff.ts';
import { chartRecord, registryDoc, versionRecord } from './catalog-records.ts';
import { createFilters } from './filters.ts';
import type {
  ChartError,
  FetchedVersion,
  IndexProblem,
  ListHints,
  RegistrySource,
  Validators,
} from '../sources/types.ts';

export interface VersionRef {
  chart: string;
  version: string;
}

export interface RegistryReport {
  name: string;
  kind: 'http' | 'oci';
  status: 'synced' | 'not-modified' | 'failed' | 'skipped';
  error?: { code: string; message: string };
  added: VersionRef[];
  removed: VersionRef[];
  dropped: VersionRef[];
  republished: Republished[];
  /** attempted in this run and failed */
  failed: Array<VersionRef & { code: string; message: string; attempts: number; gaveUp: boolean }>;
  /** failed earlier, not yet due for a retry (or given up) */
  waiting: number;
  problems: IndexProblem[];
  /** charts that could not be listed (e.g. `name unknown`); their catalog part is kept */
  chartErrors: ChartError[];
}

export interface SyncRegistryInput {
  registry: RegistryDefinition;
  source: RegistrySource;
  store: CatalogStore;
  validators: Validators;
  now: Date;
  retryFailed: boolean;
  limit: LimitFunction;
  /** removes secrets from messages before they are recorded */
  redact?: (text: string) => string;
  /** per-chart digests the last listing gave, when it was made under the same definition */
  chartDigests?: Record<string, string> | undefined;
}

export interface SyncRegistryResult {
  report: RegistryReport;
  /** validators to remember, when the listing succeeded */
  validators?: Validators;
  /** per-chart digests to remember with them */
  chartDigests?: Record<string, string>;
}

const key = (chart: string, version: string) => `${chart}\u0000${version}`;

const WRITES_WAITING = 8;

/** What fetching one version came to; its files are already written. */
type Fetched =
  | (Omit<FetchedVersion, 'files'> & { fileNames: string[] })
  | { republishedAs: string; previousDigest: string }
  | { error: { code: string; message: string } };

export function emptyReport(registry: RegistryDefinition, status: RegistryReport['status']): RegistryReport {
  return {
    name: registry.name,
    kind: registry.kind,
    status,
    added: [],
    removed: [],
    dropped: [],
    republished: [],
    failed: [],
    waiting: 0,
    problems: [],
    chartErrors: [],
  };
}

export async function syncRegistry(input: SyncRegistryInput): Promise<SyncRegistryResult> {
  const { registry, source, store, now, retryFailed } = input;
  const redact = input.redact ?? ((text: string) => text);
  const describe = (error: unknown) => {
    const { code, message } = describeError(error);
    return { code, message: redact(message) };
  };
  const previous = await store.readRegistry(registry.name);
  const nowIso = now.toISOString();
  const isDue = (f: FailedVersion) => retryFailed || (!f.gaveUp && Date.parse(f.nextRetry) <= now.getTime());
  // A failed version waiting for its retry needs the index entry, so skip the conditional request then.
  const validators = previous?.failedVersions.some(isDue) ? {} : input.validators;

  // A chart the catalog holds in full (no failure pending) is not read again when its part of
  // the listing is unchanged: a 20,000-version index with 10 new versions parses ~10 charts.
  let hints: ListHints | undefined;
  if (input.chartDigests && !retryFailed) {
    const held = new Set(await store.chartNames(registry.name));
    const failing = new Set((previous?.failedVersions ?? []).map((f) => f.chart));
    const charts = Object.entries(input.chartDigests).filter(([c]) => held.has(c) && !failing.has(c));
    hints = { charts: Object.fromEntries(charts) };
  }
  let listing;
  try {
    listing = await source.list(validators, hints);
  } catch (error) {
    const report = emptyReport(registry, 'failed');
    report.error = describe(error);
    await store.writeRegistry(registryDoc(registry, { ...previous, error: report.error }));
    return { report };
  }
  if (listing.notModified) {
    const { error: _cleared, ...kept } = previous ?? {};
    await store.writeRegistry(registryDoc(registry, kept));
    const report = emptyReport(registry, 'not-modified');
    report.waiting = previous?.failedVersions.length ?? 0;
    return { report, validators };
  }

  const report = emptyReport(registry, 'synced');
  report.problems = listing.problems;
  report.chartErrors = (listing.chartErrors ?? []).map((e) => ({ ...e, message: redact(e.message) }));
  const unlisted = new Set(report.chartErrors.map((e) => e.chart));
  const unchanged = new Set(listing.unchanged ?? []);
  const filters = createFilters(registry);
  const upstream = new Map<string, Map<string, ChartVersionMeta>>();
  for (const meta of listing.versions) {
    if (!filters.chart(meta.chart) || !filters.version(meta.version)) continue;
    let versions = upstream.get(meta.chart);
    if (!versions) upstream.set(meta.chart, (versions = new Map<string, ChartVersionMeta>()));
    versions.set(meta.version, meta);
  }
  const existing = await store.readCharts(registry.name);
  const failures = new Map((previous?.failedVersions ?? []).map((f) => [key(f.chart, f.version), f]));
  const previouslyRepublished = new Set((previous?.republished ?? []).map((r) => key(r.chart, r.version)));
  const republished = new Map<string, Republished>();
  for (const r of previous?.republished ?? [])
    if (unchanged.has(r.chart)) republished.set(key(r.chart, r.version), r);

  // Plan every chart first, then fetch across all of them with one concurrency limit.
  interface Plan {
    chart: string;
    up: Map<string, ChartVersionMeta>;
    old: CatalogChart | undefined;
    listed: Map<string, CatalogVersion>;
    fetch: Array<{ meta: ChartVersionMeta; refill: boolean }>;
    deleteFiles: string[];
  }
  const plans: Plan[] = [];
  const charts = [...new Set([...upstream.keys(), ...existing.keys()])].sort();
  let totalVersions = 0;
  let chartCount = 0;
  let lastChange: string | undefined;
  const count = (versions: CatalogVersion[]) => {
    chartCount++;
    totalVersions += versions.length;
    for (const v of versions) if (!lastChange || v.created > lastChange) lastChange = v.created;
  };
  for (const chart of charts) {
    const old = existing.get(chart);
    if (old && unchanged.has(chart)) {
      count(old.versions);
      continue;
    }
    if (unlisted.has(chart) && filters.chart(chart)) {
      if (old) count(old.versions);
      continue;
    }
    if (!filters.chart(chart)) {
      for (const v of old?.versions ?? []) report.dropped.push({ chart, version: v.version });
      await store.removeChart(registry.name, chart);
      continue;
    }
    const up = upstream.get(chart) ?? new Map<string, ChartVersionMeta>();
    const plan: Plan = { chart, up, old, listed: new Map(), fetch: [], deleteFiles: [] };
    for (const v of old?.versions ?? []) {
      if (!filters.version(v.version)) {
        report.dropped.push({ chart, version: v.version });
        if (v.files.length > 0) plan.deleteFiles.push(v.version);
        continue;
      }
      const meta = up.get(v.version);
      const next: CatalogVersion = { ...v };
      if (meta) {
        next.removed = false;
        if (!meta.partial) next.deprecated = meta.deprecated;
        if (meta.digest && v.digest && meta.digest !== v.digest) {
          // Never silently replace what people may have deployed: flag it, keep the old record.
          republished.set(key(chart, v.version), {
            chart,
            version: v.version,
            digest: meta.digest,
            previousDigest: v.digest,
          });
        }
      } else if (!v.removed) {
        next.removed = true;
        report.removed.push({ chart, version: v.version });
      }
      plan.listed.set(v.version, next);
    }
    const candidates: ChartVersionMeta[] = [];
    for (const meta of up.values()) {
      if (plan.listed.has(meta.version)) continue;
      const failure = failures.get(key(chart, meta.version));
      if (failure && !isDue(failure)) {
        report.waiting++;
        continue;
      }
      candidates.push(meta);
    }
    const order = [...plan.listed.keys(), ...candidates.map((c) => c.version)].sort(compareNewestFirst);
    const window = new Set(registry.keep === 'all' ? order : order.slice(0, registry.keep));
    for (const meta of candidates) {
      if (window.has(meta.version)) plan.fetch.push({ meta, refill: false });
      else {
        // Outside `keep`: metadata only, no download.
        plan.listed.set(meta.version, versionRecord(meta, nowIso, undefined));
        report.added.push({ chart, version: meta.version });
      }
    }
    for (const [version, v] of plan.listed) {
      const meta = up.get(version);
      const failure = failures.get(key(chart, version));
      if (window.has(version) && v.files.length === 0 && meta && !v.removed && (!failure || isDue(failure))) {
        plan.fetch.push({ meta, refill: true });
      }
    }
    plans.push(plan);
  }

  // Each version's files are written as soon as it is fetched (they are listed only when
  // chart.json is written below), beside the downloads: a download slot is free again once its
  // files are handed over, and at most WRITES_WAITING versions wait for the disk, so memory
  // stays bounded and a slow disk slows the downloads rather than filling memory.
  const fetched = new Map<string, Fetched>();
  const writing = new Set<Promise<void>>();
  await Promise.all(
    plans.flatMap((plan) =>
      plan.fetch.map(({ meta, refill }) =>
        input.limit(async () => {
          const k = key(meta.chart, meta.version);
          try {
            const result = await source.fetchVersion(meta);
            const before = plan.listed.get(meta.version);
            if (refill && before?.digest && before.digest !== result.digest) {
              fetched.set(k, { republishedAs: result.digest, previousDigest: before.digest });
              return;
            }
            while (writing.size >= WRITES_WAITING) await Promise.race(writing);
            const { files, ...rest } = result;
            const write: Promise<void> = store
              .writeVersionFiles(registry.name, meta.chart, meta.version, files)
              .then(
                () => void fetched.set(k, { ...rest, fileNames: [...files.keys()].sort() }),
                (error: unknown) => void fetched.set(k, { error: describe(error) }),
              )
              .finally(() => writing.delete(write));
            writing.add(write);
          } catch (error) {
            fetched.set(k, { error: describe(error) });
          }
        }),
      ),
    ),
  );
  await Promise.all(writing);

  for (const plan of plans) {
    const { chart } = plan;
    for (const { meta, refill } of plan.fetch) {
      const k = key(chart, meta.version);
      const result = fetched.get(k)!;
      if ('error' in result) {
        const before = failures.get(k);
        // Not a chart (an image or a signature under a semver tag): remembered, never retried, not a failure of the run.
        const notAChart = result.error.code === 'NotAHelmChart';
        const attempts = (before?.attempts ?? 0) + 1;
        const failure: FailedVersion = {
          chart,
          version: meta.version,
          ...result.error,
          attempts,
          firstFailure: before?.firstFailure ?? nowIso,
          lastFailure: nowIso,
          nextRetry: new Date(now.getTime() + retryDelayMs(chart, meta.version, attempts)).toISOString(),
          gaveUp: notAChart || attempts >= registry.maxAttempts,
        };
        failures.set(k, failure);
        if (notAChart) report.problems.push({ chart, version: meta.version, message: result.error.message });
        else
          report.failed.push({
            chart,
            version: meta.version,
            ...result.error,
            attempts,
            gaveUp: failure.gaveUp,
          });
        continue;
      }
      failures.delete(k);
      if ('republishedAs' in result) {
        republished.set(k, {
          chart,
          version: meta.version,
          digest: result.republishedAs,
          previousDigest: result.previousDigest,
        });
        continue;
      }
      const previousRecord = plan.listed.get(meta.version);
      const full: ChartVersionMeta = result.meta ? { ...meta, ...result.meta, partial: false } : meta;
      plan.up.set(meta.version, full);
      const record = refill && previousRecord ? { ...previousRecord } : versionRecord(full, nowIso, result);
      record.files = result.fileNames;
      plan.listed.set(meta.version, record);
      if (!refill) report.added.push({ chart, version: meta.version });
    }
    const versions = [...plan.listed.values()].sort((a, b) => compareNewestFirst(a.version, b.version));
    // The window is recomputed over what is listed now; files outside it go, after chart.json.
    const keep = registry.keep === 'all' ? versions.length : registry.keep;
    versions.forEach((v, i) => {
      if (i >= keep && v.files.length > 0) {
        plan.deleteFiles.push(v.version);
        v.files = [];
      }
    });
    if (versions.length === 0) {
      if (plan.old) await store.removeChart(registry.name, chart);
      continue;
    }
    await store.writeChart(chartRecord(registry.name, chart, versions, plan.up, plan.old));
    for (const version of plan.deleteFiles) await store.removeVersionFiles(registry.name, chart, version);
    count(versions);
  }

  // Failures of versions no longer upstream (or now filtered out) are forgotten.
  const upstreamKeys = new Set(
    [...upstream.values()].flatMap((m) => [...m.values()].map((v) => key(v.chart, v.version))),
  );
  const failedVersions = [...failures.entries()]
    .filter(([k, f]) => upstreamKeys.has(k) || unlisted.has(f.chart) || unchanged.has(f.chart))
    .map(([, f]) => f)
    .sort((a, b) =>
      a.chart === b.chart ? compareNewestFirst(a.version, b.version) : a.chart < b.chart ? -1 : 1,
    );
  const republishedList = [...republished.values()].sort((a, b) =>
    a.chart === b.chart ? compareNewestFirst(a.version, b.version) : a.chart < b.chart ? -1 : 1,
  );
  report.republished = republishedList.filter((r) => !previouslyRepublished.has(key(r.chart, r.version)));
  await store.writeRegistry(
    registryDoc(registry, {
      charts: chartCount,
      versions: totalVersions,
      ...(lastChange ? { lastChange } : {}),
      failedVersions,
      republished: republishedList,
      chartErrors: report.chartErrors,
    }),
  );
  return {
    report,
    validators: listing.validators,
    ...(listing.chartDigests ? { chartDigests: listing.chartDigests } : {}),
  };
}
