/**
 * What a registry's sync comes to once its charts are written: the failed versions (with their
 * backoff), the republished flags, the counts, the registry document to write and the run's
 * report. Pure: the caller writes the document.
 */
import { compareNewestFirst } from '../chart/version.ts';
import type {
  CatalogChart,
  CatalogRegistry,
  CatalogVerifyPolicy,
  FailedVersion,
  Republished,
} from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { isRefused } from '../catalog/refused.ts';
import { givenUpAtOnce } from '../error-catalogue.ts';
import { retryDelayMs } from './backoff.ts';
import { registryDoc } from './catalog-records.ts';
import type { Fetched } from './fetch-versions.ts';
import { CURRENT_KEPT_FILES, everyChartCovered } from './kept-files.ts';
import { versionKey, type RegistryPlan } from './plan.ts';
import type { RegistryReport, SignatureReport, VersionRef } from './registry-sync.ts';
import type { SignatureOutcome } from './signatures.ts';
import type { ChartError, IndexProblem } from '../sources/types.ts';

export interface RecordInput {
  registry: RegistryDefinition;
  /** the registry document the last sync wrote */
  previous: CatalogRegistry | undefined;
  plan: RegistryPlan;
  /** per chart of the plan, the outcome of each fetch task (fetchVersions) */
  fetched: readonly Fetched[][];
  /** the chart documents written in this run (writeCharts) */
  written: readonly CatalogChart[];
  /** what the listing found wrong with single entries */
  problems: readonly IndexProblem[];
  /** charts that could not be listed, their messages redacted */
  chartErrors: ChartError[];
  now: Date;
  /** the registry's policy as this run applied it */
  verify?: CatalogVerifyPolicy | undefined;
  /** what the signature phase came to; undefined when it did not run */
  signatures?: SignatureOutcome | undefined;
}

export function recordSync(input: RecordInput): { report: RegistryReport; doc: CatalogRegistry } {
  const { registry, plan } = input;
  const failures = new Map(plan.failures.map((f) => [versionKey(f.chart, f.version), f]));
  const republished = new Map(plan.republished.map((r) => [versionKey(r.chart, r.version), r]));
  const report: RegistryReport = {
    name: registry.name,
    kind: registry.kind,
    status: 'synced',
    added: [...plan.added],
    removed: plan.removed,
    dropped: plan.dropped,
    republished: [],
    failed: [],
    waiting: plan.waiting,
    problems: [...input.problems],
    chartErrors: input.chartErrors,
  };
  const recoveredVersions = recordOutcomes(input, report, failures, republished);
  const recovered = recoveredOf(input, report, recoveredVersions);
  if (recovered) report.recovered = recovered;
  const republishedList = [...republished.values()].sort(byChartNewestFirst);
  const flaggedBefore = new Set(
    (input.previous?.republished ?? []).map((r) => versionKey(r.chart, r.version)),
  );
  report.republished = republishedList.filter((r) => !flaggedBefore.has(versionKey(r.chart, r.version)));
  const charts = [...plan.kept, ...input.written];
  const signatures = signatureReport(input, charts);
  if (signatures) report.signatures = signatures;
  const doc = registryDoc(registry, {
    ...counts(charts),
    failedVersions: [...failures.values()].sort(byChartNewestFirst),
    republished: republishedList,
    chartErrors: report.chartErrors,
    ...(input.verify ? { verify: input.verify } : {}),
    signatureChanges: input.signatures?.flags ?? input.previous?.signatureChanges ?? [],
    ...(everyChartCovered(charts) ? { keptFiles: [...CURRENT_KEPT_FILES] } : {}),
  });
  const refetched = refetchedCount(input);
  if (refetched > 0) report.refetched = refetched;
  return { report, doc };
}

/** Versions fetched again in this run for the files kept since they were read (kept-files.ts). */
function refetchedCount({ plan, fetched }: RecordInput): number {
  let n = 0;
  for (const [i, { fetch }] of plan.charts.entries())
    for (const [j, task] of fetch.entries()) {
      const outcome = fetched[i]?.[j];
      if (task.refetch && outcome && 'fileNames' in outcome) n++;
    }
  return n;
}

/** The report's signatures: what was looked up, and the versions refused and flagged; none when all are naught. */
function signatureReport(
  { registry, signatures }: RecordInput,
  charts: readonly CatalogChart[],
): SignatureReport | undefined {
  const required = registry.verify?.required === true;
  const refused = charts.flatMap((c) =>
    c.versions.filter((v) => isRefused(v, required)).map((v) => ({ chart: c.name, version: v.version })),
  );
  const checked = signatures?.checked ?? 0;
  const changed = signatures?.changed ?? [];
  if (checked === 0 && refused.length === 0 && changed.length === 0) return undefined;
  return { checked, verified: signatures?.verified ?? 0, refused, changed };
}

/**
 * Adds each fetch's outcome: a failure (or a problem, when given up at once), a flag, or a new
 * version. Returns the versions that had failed before and came now.
 */
function recordOutcomes(
  { registry, plan, fetched, now }: RecordInput,
  report: RegistryReport,
  failures: Map<string, FailedVersion>,
  republished: Map<string, Republished>,
): VersionRef[] {
  const recovered: VersionRef[] = [];
  for (const [i, { chart, fetch }] of plan.charts.entries()) {
    for (const [j, { meta, refill }] of fetch.entries()) {
      const outcome = fetched[i]?.[j];
      if (!outcome) continue;
      const ref = { chart, version: meta.version };
      const k = versionKey(chart, meta.version);
      if ('error' in outcome) {
        const failure = nextFailure(failures.get(k), ref, outcome.error, registry.maxAttempts, now);
        failures.set(k, failure);
        const { attempts, gaveUp } = failure;
        if (givenUpAtOnce(failure.code)) report.problems.push({ ...ref, message: failure.message });
        else report.failed.push({ ...ref, ...outcome.error, attempts, gaveUp });
        continue;
      }
      if (failures.delete(k)) recovered.push(ref);
      if ('republishedAs' in outcome)
        republished.set(k, { ...ref, digest: outcome.republishedAs, previousDigest: outcome.previousDigest });
      else if (!refill) report.added.push(ref);
    }
  }
  return recovered;
}

/** What failed at the last sync and works now: the registry's listing, charts listed again, versions fetched. */
function recoveredOf(
  { previous, plan }: RecordInput,
  report: RegistryReport,
  versions: VersionRef[],
): RegistryReport['recovered'] {
  const failing = new Set(report.chartErrors.map((e) => e.chart));
  const held = new Set([...plan.charts.map((c) => c.chart), ...plan.kept.map((c) => c.name)]);
  const charts = (previous?.chartErrors ?? [])
    .map((e) => e.chart)
    .filter((chart) => !failing.has(chart) && held.has(chart));
  const registry = previous?.error !== undefined;
  return registry || charts.length > 0 || versions.length > 0 ? { registry, charts, versions } : undefined;
}

/** A version's failure record after one more failed attempt, with the time of its next retry. */
function nextFailure(
  before: FailedVersion | undefined,
  { chart, version }: VersionRef,
  error: { code: string; message: string },
  maxAttempts: number,
  now: Date,
): FailedVersion {
  const attempts = (before?.attempts ?? 0) + 1;
  const nowIso = now.toISOString();
  return {
    chart,
    version,
    ...error,
    attempts,
    firstFailure: before?.firstFailure ?? nowIso,
    lastFailure: nowIso,
    nextRetry: new Date(now.getTime() + retryDelayMs(chart, version, attempts)).toISOString(),
    gaveUp: givenUpAtOnce(error.code) || attempts >= maxAttempts,
  };
}

/** The registry document's totals over the charts it lists. */
function counts(
  charts: readonly CatalogChart[],
): Pick<CatalogRegistry, 'charts' | 'versions' | 'lastChange'> {
  let versions = 0;
  let lastChange: string | undefined;
  for (const chart of charts) {
    versions += chart.versions.length;
    // a first-seen date is not a change upstream (a first sync would make every registry "changed today")
    for (const v of chart.versions)
      if (!v.firstSeen && (!lastChange || v.created > lastChange)) lastChange = v.created;
  }
  return { charts: charts.length, versions, ...(lastChange ? { lastChange } : {}) };
}

function byChartNewestFirst(
  a: Pick<Republished, 'chart' | 'version'>,
  b: Pick<Republished, 'chart' | 'version'>,
) {
  return a.chart === b.chart ? compareNewestFirst(a.version, b.version) : a.chart < b.chart ? -1 : 1;
}
