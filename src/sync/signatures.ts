/**
 * The signature phase of a registry's sync, after the downloads and before chart.json is
 * written (so the records land with chart.json, in its crash-safe order): which versions are
 * looked up, the look-ups under the run's download limit, the checks (trust/check.ts) merged
 * into the records, and the flags of signatures that disappeared or changed.
 *
 * Only ever after a modified listing (a 304 or a quiet OCI sync looks nothing up). A version is
 * looked up when (a) it is first seen, (b) its chart's part of the listing changed since the
 * digests remembered in state (or none are remembered), (c) the registry's policy (provider,
 * key, required, the key's digest, the identities, the trusted root's digest) differs from the one
 * its document recorded, (d) it has no `signatures` yet, or (e) under a policy, it failed it with
 * SignatureMissing and was first seen less than an hour ago (RECHECK_WINDOW_MS): CI often signs
 * seconds after `helm push`, and a referrer adds no tag, so (b) would not see it; the state keeps
 * when each such version was first seen (RegistryState.recheck), and while one is pending the
 * registry lists in full (no 304) and its chart is read again. Scope: versions inside `keep`
 * always; with a policy, every listed version.
 */
import type { LimitFunction } from 'p-limit';
import type { ChartVersionMeta } from '../chart/metadata.ts';
import { compareNewestFirst } from '../chart/version.ts';
import type {
  CatalogRegistry,
  CatalogSignature,
  CatalogVerifyPolicy,
  CatalogVersion,
  SignatureChange,
} from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { RegistrySource, SignatureSubject } from '../sources/types.ts';
import { checkSignatures } from '../trust/check.ts';
import type { CheckPolicy } from '../trust/policy.ts';
import type { SignatureCheck, SignatureEvidence } from '../trust/types.ts';
import { versionKey, type ChartPlan } from './plan.ts';
import type { VersionRef } from './registry-sync.ts';

export interface SignatureInput {
  registry: RegistryDefinition;
  source: RegistrySource;
  /** the registry's policy, loaded once per registry and run (policy.ts) */
  policy: CheckPolicy | undefined;
  /** the registry document the last sync wrote (its `verify` and `signatureChanges`) */
  previous: CatalogRegistry | undefined;
  /** charts left as the catalog holds them (their listing unchanged): their flags stay */
  keptCharts: ReadonlySet<string>;
  /** this listing's per-chart digests, and those the state remembers from the last one */
  listed: Record<string, string> | undefined;
  remembered: Record<string, string> | undefined;
  limit: LimitFunction;
  signal?: AbortSignal | undefined;
  now: Date;
  /** turns an error into the code and (redacted) message recorded */
  describe: (error: unknown) => { code: string; message: string };
  /** rule (e): the versions the state says to look up again, and when each was first seen */
  recheck?: Rechecks | undefined;
}

/** chart → version → when it was first seen (ISO 8601), for rule (e). */
export type Rechecks = Record<string, Record<string, string>>;

/** How long after it is first seen a version without a signature is looked up again at each sync. */
export const RECHECK_WINDOW_MS = 60 * 60 * 1000;

/** The entries of `recheck` still inside the window at `now` (a malformed one is dropped). */
export function activeRechecks(recheck: Rechecks | undefined, now: Date): Rechecks {
  const active: Rechecks = {};
  for (const [chart, versions] of Object.entries(recheck ?? {})) {
    if (versions === null || typeof versions !== 'object') continue;
    for (const [version, since] of Object.entries(versions)) {
      const at = typeof since === 'string' ? Date.parse(since) : Number.NaN;
      const age = now.getTime() - at;
      if (age >= 0 && age < RECHECK_WINDOW_MS) (active[chart] ??= {})[version] = since;
    }
  }
  return active;
}

/** One chart of the plan with the versions chart.json will list (settleChart), newest first. */
export interface ChartToCheck {
  plan: ChartPlan;
  versions: CatalogVersion[];
  metaOf: (version: string) => ChartVersionMeta | undefined;
}

export interface SignatureOutcome {
  checked: number;
  verified: number;
  /** flags raised in this run */
  changed: VersionRef[];
  /** the flags the registry document keeps, for the charts checked (see mergedChanges) */
  flags: SignatureChange[];
  /** charts with a version whose look-up failed or was cut short: their digest is not remembered */
  retry: Set<string>;
  /** rule (e): the versions to look up again at the next syncs, for the state */
  recheck: Rechecks;
}

/**
 * The registry file's policy as the registry document records it: a key-only policy as before
 * (provider, key, required, keyDigest); a keyless one adds its identities and trusted root.
 */
export function catalogPolicy(policy: CheckPolicy | undefined): CatalogVerifyPolicy | undefined {
  if (!policy) return undefined;
  const { provider, key, identities, sigstore, required } = policy;
  return {
    provider,
    ...(key ? { key: key.path } : {}),
    required,
    ...(key ? { keyDigest: key.digest } : {}),
    ...(identities && identities.length > 0
      ? { matchOIDCIdentity: identities.map(({ issuer, subject }) => ({ issuer, subject })) }
      : {}),
    ...(sigstore ? { sigstoreRoot: sigstore.source, sigstoreRootDigest: sigstore.digest } : {}),
  };
}

/**
 * Whether the versions were checked under this same policy (else every one is checked again):
 * the root by its digest (its words may name another date or path for the same bytes), the
 * identities in order as written.
 */
export const samePolicy = (a: CatalogVerifyPolicy | undefined, b: CatalogVerifyPolicy | undefined) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.provider === b.provider &&
    a.key === b.key &&
    a.required === b.required &&
    a.keyDigest === b.keyDigest &&
    identitiesKey(a) === identitiesKey(b) &&
    a.sigstoreRootDigest === b.sigstoreRootDigest);

const identitiesKey = (p: CatalogVerifyPolicy) =>
  JSON.stringify((p.matchOIDCIdentity ?? []).map(({ issuer, subject }) => [issuer, subject]));

interface Task {
  chart: ChartToCheck;
  index: number;
  meta: ChartVersionMeta;
  /** the version was not in the catalog before this run */
  first: boolean;
}

/**
 * Looks up and checks the versions due (see the file comment), replacing their records in
 * `charts[].versions` in place; without a policy, a version's `policy` and `policyError` go.
 */
export async function checkChartSignatures(
  charts: readonly ChartToCheck[],
  input: SignatureInput,
): Promise<SignatureOutcome> {
  const current = catalogPolicy(input.policy);
  const policyChanged = !samePolicy(input.previous?.verify, current);
  const active = input.policy ? activeRechecks(input.recheck, input.now) : {};
  const outcome: SignatureOutcome = {
    checked: 0,
    verified: 0,
    changed: [],
    flags: [],
    retry: new Set(),
    recheck: {},
  };
  const tasks: Task[] = [];
  for (const chart of charts) {
    if (!current) chart.versions.forEach((v, i) => (chart.versions[i] = withoutPolicy(v)));
    if (!input.source.findSignatures) continue;
    tasks.push(...dueVersions(chart, input, policyChanged, active));
  }
  // rule (e): a chart not checked in this run (it could not be listed) keeps its entries
  const checkedCharts = new Set(charts.map((c) => c.plan.chart));
  for (const [chart, versions] of Object.entries(active))
    if (!checkedCharts.has(chart) || !input.source.findSignatures) outcome.recheck[chart] = versions;
  const pending = (task: Task, record: CatalogVersion | undefined) => {
    const chart = task.chart.plan.chart;
    const version = task.chart.versions[task.index]!.version;
    const since = task.first ? input.now.toISOString() : active[chart]?.[version];
    // still unsigned (or not looked up: the record stays) inside the hour: looked up again next time
    const missing = record === undefined || record.policyError?.code === 'SignatureMissing';
    if (since !== undefined && missing && input.policy) (outcome.recheck[chart] ??= {})[version] = since;
  };
  const previousFlags = new Map(
    (input.previous?.signatureChanges ?? []).map((f) => [versionKey(f.chart, f.version), f]),
  );
  const newFlags = new Map<string, SignatureChange>();
  const backAsRecorded = new Set<string>();
  await Promise.all(
    tasks.map((task) =>
      input.limit(async () => {
        const result = await checkOne(task, input, policyChanged);
        const { chart, index } = task;
        const name = chart.plan.chart;
        if ('retry' in result) {
          outcome.retry.add(name);
          if (result.record) chart.versions[index] = result.record;
          pending(task, result.record);
          return;
        }
        pending(task, result.record);
        outcome.checked++;
        if (result.record.signatures?.some((s) => s.verified)) outcome.verified++;
        const before = chart.versions[index]!;
        const k = versionKey(name, before.version);
        const change = signatureChange(before.signatures, result.record.signatures ?? []);
        if (change) {
          newFlags.set(k, {
            chart: name,
            version: before.version,
            change,
            previous: before.signatures ?? [],
            detected: input.now.toISOString(),
          });
        }
        const flag = previousFlags.get(k);
        if (flag && covers(result.record.signatures ?? [], flag.previous)) backAsRecorded.add(k);
        chart.versions[index] = result.record;
      }),
    ),
  );
  outcome.flags = mergedChanges(charts, input.keptCharts, previousFlags, newFlags, backAsRecorded);
  outcome.changed = [...newFlags.values()]
    .filter((f) => !previousFlags.has(versionKey(f.chart, f.version)))
    .map(({ chart, version }) => ({ chart, version }));
  return outcome;
}

/** The versions of a chart whose signatures are looked up in this run. */
function dueVersions(
  chart: ChartToCheck,
  input: SignatureInput,
  policyChanged: boolean,
  active: Rechecks,
): Task[] {
  const { keep } = input.registry;
  const name = chart.plan.chart;
  const listed = input.listed?.[name];
  const chartChanged = listed === undefined || input.remembered?.[name] !== listed;
  const known = new Set(chart.plan.old?.versions.map((v) => v.version));
  const tasks: Task[] = [];
  chart.versions.forEach((v, index) => {
    const meta = chart.metaOf(v.version);
    // gone upstream: nothing to look up (its record stays as the last look-up left it)
    if (!meta || v.removed) return;
    const inKeep = keep === 'all' || index < keep;
    if (!inKeep && !input.policy) return;
    const first = !known.has(v.version);
    const recheck = active[name]?.[v.version] !== undefined;
    if (first || chartChanged || policyChanged || v.signatures === undefined || recheck)
      tasks.push({ chart, index, meta, first });
  });
  return tasks;
}

type CheckResult = { record: CatalogVersion } | { retry: true; record?: CatalogVersion };

/** One version's look-up and check, as the record it leaves. */
async function checkOne(task: Task, input: SignatureInput, policyChanged: boolean): Promise<CheckResult> {
  const before = task.chart.versions[task.index]!;
  const what = `${task.chart.plan.chart} ${before.version}`;
  const recorded = before.signatures ?? [];
  // under a new or changed policy nothing recorded counts: every signature is verified again
  const known = policyChanged ? [] : recorded.flatMap((s) => (s.digest ? [s.digest] : []));
  const subject: SignatureSubject = { digest: before.digest, manifestDigest: before.manifestDigest, known };
  if (input.signal?.aborted)
    return notLookedUp(task, input, before, what, policyChanged, 'the deadline passed');
  let evidence: SignatureEvidence[];
  try {
    evidence = await input.source.findSignatures!(task.meta, subject);
  } catch (error) {
    return notLookedUp(task, input, before, what, policyChanged, input.describe(error).message);
  }
  const check = await checkSignatures(evidence, {
    subject,
    policy: input.policy,
    registryFile: input.registry.file,
    what,
    recorded: policyChanged ? [] : recorded,
  });
  // a signature recorded before that could not be read now: the record stays until it can be
  const unreadable = new Set(evidence.flatMap((e) => ('unreadable' in e ? [e.kind] : [])));
  if (!task.first && !policyChanged && recorded.some((s) => unreadable.has(s.kind))) return { retry: true };
  const record = withCheck(before, check);
  return unreadable.size > 0 ? { retry: true, record } : { record };
}

/**
 * A look-up that failed (or was cut short): a known version's record stays as it was; a new one,
 * or one under a new policy, fails the policy until it is looked up (so it is never offered
 * unchecked under `required: true`). Either way its chart is looked up again next time.
 */
function notLookedUp(
  task: Task,
  input: SignatureInput,
  before: CatalogVersion,
  what: string,
  policyChanged: boolean,
  why: string,
): CheckResult {
  if (!input.policy || (!task.first && !policyChanged)) return { retry: true };
  const message = `the signatures of ${what} could not be looked up (${why}): checked again at the next sync; until then it fails the verify: policy of ${input.registry.file}`;
  return {
    retry: true,
    record: { ...before, policy: 'failed', policyError: { code: 'SignatureMissing', message } },
  };
}

function withCheck(before: CatalogVersion, check: SignatureCheck): CatalogVersion {
  const record: CatalogVersion = { ...withoutPolicy(before), signatures: check.signatures };
  if (check.policy) record.policy = check.policy;
  if (check.policyError) record.policyError = check.policyError;
  return record;
}

function withoutPolicy(v: CatalogVersion): CatalogVersion {
  if (v.policy === undefined && v.policyError === undefined) return v;
  const { policy: _p, policyError: _e, ...rest } = v;
  return rest;
}

const sigKey = (s: CatalogSignature) => `${s.kind}\u0000${s.digest ?? ''}`;

/**
 * How a version's signatures changed since they were recorded: a recorded one (by kind and
 * digest) gone, and another of its kind there instead, is `changed`; gone with none of its kind
 * left, `removed`. A first look-up (nothing recorded) changes nothing.
 */
function signatureChange(
  before: readonly CatalogSignature[] | undefined,
  after: readonly CatalogSignature[],
): SignatureChange['change'] | undefined {
  const now = new Set(after.map(sigKey));
  let change: SignatureChange['change'] | undefined;
  for (const s of before ?? []) {
    if (!s.digest || now.has(sigKey(s))) continue;
    if (after.some((a) => a.kind === s.kind && a.digest)) change = 'changed';
    else change ??= 'removed';
  }
  return change;
}

/** Whether every recorded signature (with a digest) of `previous` is among `signatures` again. */
const covers = (signatures: readonly CatalogSignature[], previous: readonly CatalogSignature[]) => {
  const now = new Set(signatures.map(sigKey));
  return previous.every((s) => !s.digest || now.has(sigKey(s)));
};

/**
 * The flags the registry document keeps: a flag raised before stays (with what was recorded
 * first) until its version leaves the catalog or its signatures are back as recorded; the new
 * ones are added. Flags of charts kept as they were (listing unchanged) stay; a chart gone takes its flags.
 */
function mergedChanges(
  charts: readonly ChartToCheck[],
  kept: ReadonlySet<string>,
  previous: ReadonlyMap<string, SignatureChange>,
  raised: ReadonlyMap<string, SignatureChange>,
  back: ReadonlySet<string>,
): SignatureChange[] {
  const checkedCharts = new Set(charts.map((c) => c.plan.chart));
  const listed = new Set(charts.flatMap((c) => c.versions.map((v) => versionKey(c.plan.chart, v.version))));
  const flags = new Map<string, SignatureChange>();
  for (const [k, flag] of previous) {
    if (kept.has(flag.chart) && !checkedCharts.has(flag.chart)) flags.set(k, flag);
    else if (listed.has(k) && !back.has(k)) flags.set(k, flag);
  }
  for (const [k, flag] of raised) if (!flags.has(k)) flags.set(k, flag);
  return [...flags.values()].sort((a, b) =>
    a.chart === b.chart ? compareNewestFirst(a.version, b.version) : a.chart < b.chart ? -1 : 1,
  );
}
