/**
 * A whole sync run: load registry files, decide what is due, sync each due registry, prune
 * registries whose file is gone, commit catalog/ once, push, and save the state file.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { loadRegistries } from '../config/load.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { createCatalogStore, CATALOG_DIR, type CatalogStore } from '../catalog/store.ts';
import { createRedactor, type Redactor } from '../credentials/redact.ts';
import { createCredentialResolver, type Env } from '../credentials/resolve.ts';
import { ChartroomError, ConfigErrors, describeError, UsageError } from '../errors.ts';
import { CatalogReplaced, createCatalogGit, type CatalogGit } from '../git/repo.ts';
import { createHttpClient, type HttpClient } from '../http/client.ts';
import { sourceFor } from '../sources/index.ts';
import type { RegistrySource, SourceDefinition } from '../sources/types.ts';
import { isCatalogFile } from './catalog-files.ts';
import { correctChartMetadataOnce, type ChartMetadataCorrection } from './chart-metadata.ts';
import { redactingStore } from './redacting-store.ts';
import { deadlinesFrom, type Deadlines, type RegistryWait } from './deadlines.ts';
import { dueAt, fingerprints } from './due.ts';
import { acquireLock } from './lock.ts';
import { commitMessage } from './message.ts';
import { emptyReport, type RegistryReport } from './registry-sync.ts';
import { inShard, type Shard } from './shard.ts';
import { forgetRemoved, readState, writeState, type RegistryState, type SyncState } from './state.ts';
import { healHandEdits, noHandEdits } from './hand-edits.ts';
import { registryPaths, syncOne, unreadableError, type RunContext } from './sync-one.ts';

export interface SyncOptions {
  /** sync these registries whatever their interval */
  registries?: string[];
  /** ignore intervals (except 0) */
  force?: boolean;
  /** retry versions that were given up or are waiting for their retry */
  retryFailed?: boolean;
  /** commit catalog/ (default true) */
  commit?: boolean;
  push?: boolean;
  /** the branch to push to (`--branch`); else the checkout's upstream or branch, else the CI's */
  branch?: string;
  /** only the registries of this shard (a GitHub Actions matrix); implies no commit: `merge` commits */
  shard?: Shard;
}

/** What a shard leaves for `merge`: its report, in its repository root. */
export const SHARD_REPORT = path.join('.chartroom', 'shard-report.json');

export interface SyncReport {
  registries: RegistryReport[];
  /** registries whose file was removed, and so their catalog part */
  pruned: string[];
  commit?: string;
  message?: string;
  pushed: boolean;
  pushError?: { code: string; message: string };
  /** when it was not to commit (--no-commit, a shard) in a git repository: whether catalog/ differs from its last commit */
  uncommitted?: boolean;
  exitCode: 0 | 1;
}

export interface SyncDependencies {
  root: string;
  /** shared HTTP client; registries with a caFile get their own */
  http?: HttpClient;
  git?: CatalogGit;
  clock?: () => Date;
  /** chart downloads in flight at once, across registries */
  concurrency?: number;
  env?: Env;
  /** secrets resolved during the run are registered here and removed from every message */
  redactor?: Redactor;
  onProgress?: (event: { registry: string; phase: 'start' | 'done'; report?: RegistryReport }) => void;
  /** a request that waits past CHARTROOM_WAIT_NOTICE says what it waits for (deadlines.ts) */
  onWait?: (wait: RegistryWait) => void;
  /** every request's and every registry's deadline; default from the environment (deadlines.ts) */
  deadlines?: Deadlines;
  /** a registry's source; tests and the benchmark may substitute one */
  sourceFor?: (definition: SourceDefinition, http: HttpClient) => RegistrySource;
}

export function createSync(deps: SyncDependencies) {
  const root = path.resolve(deps.root);
  const git = deps.git ?? createCatalogGit(root, { env: deps.env ?? process.env });
  const redactor = deps.redactor ?? createRedactor();
  const env = deps.env ?? process.env;
  const credentials = createCredentialResolver({ root, env, redactor });

  const once = {
    async run(requested: SyncOptions = {}): Promise<SyncReport> {
      const { definitions, options, isRepository } = await prepare(root, git, requested);
      const deadlines = deps.deadlines ?? deadlinesFrom(env);
      const release = await acquireLock(root);
      const http = deps.http ?? createHttpClient({ deadlineMs: deadlines.requestMs });
      try {
        const now = (deps.clock ?? (() => new Date()))();
        const store = createCatalogStore(root);
        const state = await readState(root);
        const trusted =
          state.catalogCommit !== null && state.catalogCommit === (await git.lastCommitTouching(CATALOG_DIR));
        const edits = isRepository ? await healHandEdits(git, CATALOG_DIR) : noHandEdits();
        await store.init();
        const unreadable = await store.cleanup();
        const pruned = await pruneRemoved(store, state, definitions, options);
        const run: RunContext = {
          fingerprints: await fingerprints(root, definitions),
          root,
          store,
          state,
          trusts: (name) => trusted && !edits.all && !edits.registries.has(name),
          handEdited: (name) => edits.all || edits.registries.has(name),
          unreadable: new Map([...unreadable].map(([name, error]) => [name, unreadableError(error)])),
          now,
          retryFailed: options.retryFailed === true,
          http,
          limit: pLimit(deps.concurrency ?? 8),
          credentials,
          redactor,
          sourceFor: deps.sourceFor ?? sourceFor,
          deadlines,
          onProgress: deps.onProgress,
          onWait: deps.onWait,
        };
        const registryLimit = pLimit(4);
        const reports = await Promise.all(
          definitions.map((registry) => {
            const entry = run.trusts(registry.name) ? state.registries[registry.name] : undefined;
            const skipped = run.unreadable.has(registry.name)
              ? undefined
              : skippedNow(registry, options, entry, run.fingerprints.get(registry.name), now);
            return skipped ? Promise.resolve(skipped) : registryLimit(() => syncOne(run, registry));
          }),
        );
        // left out of the commit, as they are: the part of a registry that could not be read, and
        // one changed by hand that this run did not sync (interval 0, another --registry)
        const unsynced = reports.filter((r) => r.status === 'skipped' && edits.registries.has(r.name));
        const left = [...run.unreadable.keys(), ...unsynced.map((r) => r.name)];
        // a shard's catalog.json is not merged: `merge` corrects the merged catalog instead
        const correction = options.shard
          ? undefined
          : await correctChartMetadataOnce(redactingStore(store, redactor), new Set(left));
        const report = await finish(git, options, isRepository, {
          registries: reports,
          pruned,
          state,
          exclude: left.flatMap(registryPaths),
          redactor,
          correction,
        });
        await writeState(root, state);
        if (options.shard)
          await writeFile(path.join(root, SHARD_REPORT), `${JSON.stringify(report, null, 2)}\n`);
        return report;
      } finally {
        if (deps.http === undefined) await http.close();
        await release();
      }
    },
  };
  return resyncingWhenReplaced(once);
}

/**
 * A push whose rebase conflicted took the remote's catalog (and untrusted the state): sync again
 * on top of it, as long as concurrent pushes keep moving it, a few times at most; then the next
 * run does.
 */
function resyncingWhenReplaced(once: { run(requested?: SyncOptions): Promise<SyncReport> }) {
  return {
    async run(requested: SyncOptions = {}): Promise<SyncReport> {
      let report = await once.run(requested);
      for (let pass = 1; replaced.has(report) && pass < SYNC_PASSES; pass++)
        report = await once.run(requested);
      return report;
    },
  };
}

/** How many times one run syncs at most, when each push conflicts with a concurrent one. */
const SYNC_PASSES = 3;

/** Reports whose push replaced the local catalog commits by the remote's (CatalogReplaced). */
const replaced = new WeakSet<SyncReport>();

/** Loads the registry files and checks the options against them and the repository, before any lock or write. */
async function prepare(root: string, git: CatalogGit, requested: SyncOptions) {
  const loaded = await loadRegistries(root);
  if (loaded.errors.length > 0) throw new ConfigErrors(loaded.errors);
  const definitions = loaded.registries.filter((d) => inMyShard(d.name, requested));
  const options = requested.shard ? { ...requested, commit: false, push: false } : requested;
  for (const name of options.registries ?? []) {
    if (!definitions.some((d) => d.name === name)) {
      throw new UsageError(`no registry named "${name}": expected registries/${name}.yaml`);
    }
  }
  const isRepository = await git.isRepository();
  if (options.commit !== false && !isRepository) {
    throw new ChartroomError(
      'NotARepository',
      `${root} is not a git repository: run git init there, or sync with --no-commit`,
    );
  }
  // a push that cannot tell its branch fails now, before anything is synced
  if (options.push && options.commit !== false) await git.pushBranch({ branch: options.branch });
  return { definitions, options, isRepository };
}

const inMyShard = (name: string, options: SyncOptions) =>
  options.shard === undefined || inShard(name, options.shard);

/** Registries whose file is gone (in this shard) lose their catalog part and their state. */
async function pruneRemoved(
  store: CatalogStore,
  state: SyncState,
  definitions: RegistryDefinition[],
  options: SyncOptions,
): Promise<string[]> {
  const known = new Set(definitions.map((d) => d.name));
  const pruned: string[] = [];
  for (const name of await store.registryNames()) {
    if (!known.has(name) && inMyShard(name, options)) {
      await store.removeRegistry(name);
      pruned.push(name);
    }
  }
  // their catalog part is gone now, or was gone already (removed with the file in one change)
  const present = new Set(await store.registryNames());
  forgetRemoved(state, known, present, (name) => inMyShard(name, options));
  return pruned;
}

/** Commits catalog/ once, pushes, and records in the state which commit the catalog now belongs to. */
async function finish(
  git: CatalogGit,
  options: SyncOptions,
  isRepository: boolean,
  {
    registries,
    pruned,
    state,
    exclude,
    redactor,
    correction,
  }: {
    registries: RegistryReport[];
    pruned: string[];
    state: SyncState;
    exclude: string[];
    redactor: Redactor;
    correction: ChartMetadataCorrection | undefined;
  },
): Promise<SyncReport> {
  const failed = registries.some(
    (r) => r.status === 'failed' || r.failed.length > 0 || r.chartErrors.length > 0,
  );
  const report: SyncReport = { registries, pruned, pushed: false, exitCode: failed ? 1 : 0 };
  if (options.commit === false) {
    const clean = isRepository && (await git.isClean(CATALOG_DIR));
    state.catalogCommit = clean ? ((await git.lastCommitTouching(CATALOG_DIR)) ?? null) : null;
    if (isRepository) report.uncommitted = !clean;
    return report;
  }
  const message = commitMessage(registries, pruned, correction);
  const sha = await git.commitPath(CATALOG_DIR, message, { ours: isCatalogFile, exclude });
  if (sha) {
    report.commit = sha;
    report.message = message;
  }
  // also pushes a commit an earlier run made but could not push
  if (options.push) {
    try {
      await git.push({ branch: options.branch, derived: CATALOG_DIR });
      report.pushed = true;
    } catch (error) {
      report.pushError = pushErrorOf(error, redactor);
      report.exitCode = 1;
      if (error instanceof CatalogReplaced) {
        // the catalog is the remote's now, which the state's validators do not describe
        replaced.add(report);
        state.catalogCommit = null;
        return report;
      }
    }
  }
  // the commit just made touched catalog/, unless a push rebased it onto another
  state.catalogCommit =
    report.commit && !report.pushed ? report.commit : ((await git.lastCommitTouching(CATALOG_DIR)) ?? null);
  return report;
}

/**
 * The report of a registry this run skips, saying why (and when it is next due); undefined when
 * it is synced: named by --registry, or due (due.ts), or any with an interval under --force.
 * `entry` is its state when trusted.
 */
function skippedNow(
  registry: RegistryDefinition,
  options: SyncOptions,
  entry: RegistryState | undefined,
  fingerprint: string | undefined,
  now: Date,
): RegistryReport | undefined {
  const skipped = (why: Pick<RegistryReport, 'skipReason' | 'nextDue'>) => ({
    ...emptyReport(registry, 'skipped'),
    ...why,
  });
  if (options.registries && options.registries.length > 0)
    return options.registries.includes(registry.name) ? undefined : skipped({ skipReason: 'not-requested' });
  if (registry.intervalMs === 0) return skipped({ skipReason: 'interval-0' });
  if (options.force) return undefined;
  const due = dueAt(registry, entry, fingerprint, now.getTime())!;
  if (due <= now.getTime()) return undefined;
  return skipped({ skipReason: 'not-due', nextDue: new Date(due).toISOString() });
}

/**
 * git's own words for a failed push, without what a remote URL or its output could carry: a
 * token in the URL's userinfo (`https://x-access-token:…@github.com/…`), or a registry secret.
 */
function pushErrorOf(error: unknown, redactor: Redactor): { code: string; message: string } {
  const { code, message } = describeError(error);
  return { code, message: redactor.redact(message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1')) };
}
