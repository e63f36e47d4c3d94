/**
 * One registry's sync, in three steps: list upstream and plan against catalog/ (plan.ts, pure),
 * fetch what the plan asks for and write the files and chart.json in crash-safe order
 * (fetch-versions.ts, write-charts.ts), then record failures, flags and counts in the registry
 * document (record.ts). A registry that cannot be listed keeps its last good catalog; a version
 * that fails never stops the others. The report's shape is published (schemas/sync-report.schema.json).
 */
import type { LimitFunction } from 'p-limit';
import type { CatalogStore } from '../catalog/store.ts';
import type { CatalogChart, CatalogRegistry, Republished } from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { describeError } from '../errors.ts';
import { registryDoc } from './catalog-records.ts';
import { advised } from './credential-advice.ts';
import type { RegistryDeadline } from './deadlines.ts';
import { fetchVersions } from './fetch-versions.ts';
import { isRetryDue, planRegistry, type RegistryPlan } from './plan.ts';
import { registryNeedsRefetch } from './kept-files.ts';
import { recordSync } from './record.ts';
import {
  activeRechecks,
  catalogPolicy,
  checkChartSignatures,
  type ChartToCheck,
  type Rechecks,
  type SignatureOutcome,
} from './signatures.ts';
import { writeCharts } from './write-charts.ts';
import type { CheckPolicy } from '../trust/policy.ts';
import type {
  ChartError,
  IndexProblem,
  ListHints,
  ListResult,
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
  /** skipped: why (not due yet, interval 0, not named by --registry) */
  skipReason?: 'not-due' | 'interval-0' | 'not-requested';
  /** skipped as not due: when it is next due (ISO 8601) */
  nextDue?: string;
  /** what failed at the last sync and works in this one */
  recovered?: Recovered;
  /** signatures looked up in this run, and the versions refused or whose signatures changed */
  signatures?: SignatureReport;
  /** versions listed with files fetched again once for the files kept since (sync/kept-files.ts) */
  refetched?: number;
}

export interface SignatureReport {
  /** versions whose signatures were looked up */
  checked: number;
  /** of those, the ones with a verified signature */
  verified: number;
  /** versions that fail a `required: true` policy (never latest), after this run */
  refused: VersionRef[];
  /** versions whose recorded signatures disappeared or changed in this run (flagged) */
  changed: VersionRef[];
}

export interface Recovered {
  /** the registry's own error cleared (it was listed again) */
  registry: boolean;
  /** charts that could not be listed and were */
  charts: string[];
  /** versions that had failed and were fetched */
  versions: VersionRef[];
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
  /** check that every version chart.json lists with files has them, and only them (a part changed by hand) */
  checkFiles?: boolean;
  /** the registry's deadline: once passed, the registry fails with it, keeping what was fetched in time */
  deadline?: Pick<RegistryDeadline, 'signal' | 'passed'> | undefined;
  /** per-chart digests the last listing gave, when it was made under the same definition */
  chartDigests?: Record<string, string> | undefined;
  /** the registry's `verify:` policy with its key and trusted root, loaded once per run (policy.ts) */
  policy?: CheckPolicy | undefined;
  /** rule (e) of signatures.ts: versions to look up again, as the state remembers them */
  recheck?: Rechecks | undefined;
}

export interface SyncRegistryResult {
  report: RegistryReport;
  /** validators to remember, when the listing succeeded */
  validators?: Validators;
  /** per-chart digests to remember with them */
  chartDigests?: Record<string, string>;
  /** rule (e): the versions to look up again at the next syncs (absent: none) */
  recheck?: Rechecks;
}

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
  const { registry, store, now, retryFailed } = input;
  const redact = input.redact ?? ((text: string) => text);
  const describe = (error: unknown) => {
    const { code, message } = advised(registry, describeError(error));
    return { code, message: redact(message) };
  };
  const previous = await store.readRegistry(registry.name);
  const { validators, hints } = await listingRequest(input, previous);
  let listing: ListResult;
  try {
    listing = await input.source.list(validators, hints);
  } catch (error) {
    return {
      report: await keepAfterListFailure(input, previous, describe(input.deadline?.passed() ?? error)),
    };
  }
  const listedLate = input.deadline?.passed();
  if (listedLate) return { report: await keepAfterListFailure(input, previous, describe(listedLate)) };
  if (listing.notModified) return { report: await keepNotModified(input, previous), validators };

  // plan (pure) → fetch and write (files, then chart.json) → record (the registry document)
  const charts = await store.readCharts(registry.name);
  if (input.checkFiles) await forgetMissingFiles(store, charts);
  const plan = planRegistry({ registry, previous, charts, listing, now, retryFailed });
  const fetched = await fetchVersions(plan.charts, {
    registry: registry.name,
    source: input.source,
    store,
    limit: input.limit,
    describe,
    ...(input.deadline ? { signal: input.deadline.signal } : {}),
  });
  const phase = signaturePhase(input, previous, plan, listing, describe);
  const written = await writeCharts(
    store,
    registry,
    plan,
    fetched,
    now,
    input.checkFiles === true,
    phase.run,
  );
  const signatures = phase.outcome();
  // past the deadline during the downloads or the look-ups: what came in time is written
  const late = input.deadline?.passed();
  const chartErrors = (listing.chartErrors ?? []).map((e) => {
    const error = advised(registry, e);
    return { ...error, message: redact(error.message) };
  });
  const { report, doc } = recordSync({
    registry,
    previous,
    plan,
    fetched,
    written,
    problems: listing.problems.map((p) => redactProblem(p, redact)),
    chartErrors,
    now,
    verify: catalogPolicy(input.policy),
    signatures,
  });
  if (late) return { report: await keepAfterDeadline(input, report, doc, describe(late)) };
  await store.writeRegistry(doc);
  // a chart with a look-up that failed is listed and looked up again next time: its digest is
  // not remembered, and no validators are, so the next listing is not a 304
  const retry = signatures?.retry ?? new Set<string>();
  const chartDigests =
    listing.chartDigests &&
    Object.fromEntries(Object.entries(listing.chartDigests).filter(([chart]) => !retry.has(chart)));
  const recheck = signatures?.recheck ?? {};
  return {
    report,
    validators: retry.size > 0 ? {} : listing.validators,
    ...(chartDigests ? { chartDigests } : {}),
    ...(Object.keys(recheck).length > 0 ? { recheck } : {}),
  };
}

/** The signature phase writeCharts runs once every chart is settled, and what it came to. */
function signaturePhase(
  input: SyncRegistryInput,
  previous: CatalogRegistry | undefined,
  plan: RegistryPlan,
  listing: Extract<ListResult, { notModified: false }>,
  describe: (error: unknown) => { code: string; message: string },
): { run: (settled: ChartToCheck[]) => Promise<void>; outcome: () => SignatureOutcome | undefined } {
  let outcome: SignatureOutcome | undefined;
  const run = async (settled: ChartToCheck[]) => {
    outcome = await checkChartSignatures(settled, {
      registry: input.registry,
      source: input.source,
      policy: input.policy,
      previous,
      keptCharts: new Set(plan.kept.map((c) => c.name)),
      listed: listing.chartDigests,
      remembered: input.chartDigests,
      limit: input.limit,
      signal: input.deadline?.signal,
      now: input.now,
      describe,
      recheck: input.recheck,
    });
  };
  return { run, outcome: () => outcome };
}

/**
 * Files added by hand to a version's folder go; a version whose files were deleted by hand is
 * listed without them, so the plan fetches them again.
 */
async function forgetMissingFiles(store: CatalogStore, charts: Map<string, CatalogChart>): Promise<void> {
  for (const [name, doc] of charts) {
    const missing = new Set(await store.checkVersionFiles(doc));
    if (missing.size === 0) continue;
    const versions = doc.versions.map((v) => (missing.has(v.version) ? { ...v, files: [] } : v));
    charts.set(name, { ...doc, versions });
  }
}

/** The conditional-request validators and the per-chart hints to list with. */
async function listingRequest(
  input: SyncRegistryInput,
  previous: CatalogRegistry | undefined,
): Promise<{ validators: Validators; hints: ListHints | undefined }> {
  const failed = previous?.failedVersions ?? [];
  // A failed version waiting for its retry needs the index entry, so skip the conditional request
  // then; so does a version whose signature is looked up again (rule (e) of signatures.ts).
  const due = failed.some((f) => isRetryDue(f, input.now, input.retryFailed));
  const rechecked = input.policy ? Object.keys(activeRechecks(input.recheck, input.now)) : [];
  // charts not yet marked `keptFiles` need their versions' entries too (kept-files.ts)
  const refetch = registryNeedsRefetch(previous);
  const validators = due || rechecked.length > 0 || refetch ? {} : input.validators;
  if (!input.chartDigests || input.retryFailed || refetch) return { validators, hints: undefined };
  // A chart the catalog holds in full (no failure pending) is not read again when its part of
  // the listing is unchanged: a 20,000-version index with 10 new versions parses ~10 charts.
  const held = new Set(await input.store.chartNames(input.registry.name));
  const failing = new Set([...failed.map((f) => f.chart), ...rechecked]);
  const charts = Object.entries(input.chartDigests).filter(([c]) => held.has(c) && !failing.has(c));
  return { validators, hints: { charts: Object.fromEntries(charts) } };
}

/** A registry that cannot be listed keeps its last good catalog; the error is recorded beside it. */
async function keepAfterListFailure(
  { registry, store }: SyncRegistryInput,
  previous: CatalogRegistry | undefined,
  error: { code: string; message: string },
): Promise<RegistryReport> {
  const report = emptyReport(registry, 'failed');
  report.error = error;
  await store.writeRegistry(registryDoc(registry, { ...previous, error }));
  return report;
}

/**
 * The deadline passed while downloading: the versions fetched in time are in (written as usual),
 * the rest were never attempted (no failure, no backoff), and the registry fails with the
 * deadline's error. No validators are kept, so the next sync lists again and fetches the rest.
 */
async function keepAfterDeadline(
  { store }: SyncRegistryInput,
  report: RegistryReport,
  doc: CatalogRegistry,
  error: { code: string; message: string },
): Promise<RegistryReport> {
  await store.writeRegistry({ ...doc, error });
  // the registry fails again: only its versions fetched in time recovered
  const recovered = report.recovered && { ...report.recovered, registry: false };
  return { ...report, status: 'failed', error, ...(recovered ? { recovered } : {}) };
}

/** Nothing changed upstream: the catalog stays, only a previous listing error is cleared. */
async function keepNotModified(
  { registry, store }: SyncRegistryInput,
  previous: CatalogRegistry | undefined,
): Promise<RegistryReport> {
  const { error: _cleared, ...kept } = previous ?? {};
  await store.writeRegistry(registryDoc(registry, kept));
  const report = emptyReport(registry, 'not-modified');
  report.waiting = previous?.failedVersions.length ?? 0;
  if (previous?.error) report.recovered = { registry: true, charts: [], versions: [] };
  return report;
}

/** An index entry's words are the server's: they may echo what it was sent. */
function redactProblem(problem: IndexProblem, redact: (text: string) => string): IndexProblem {
  return {
    ...(problem.chart === undefined ? {} : { chart: redact(problem.chart) }),
    ...(problem.version === undefined ? {} : { version: redact(problem.version) }),
    message: redact(problem.message),
  };
}
