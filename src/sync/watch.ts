/**
 * `chartroom watch`: one long-running process that syncs each registry when it is due (as
 * `sync` decides, due.ts: its interval passed, or its registry or credential file changed),
 * commits as changes arrive, and stops cleanly: a stop request lets the sync in progress finish
 * (its writes are crash-safe anyway) and then returns. While it waits it reads the registry
 * files again every few seconds, so a file changed under it is synced within that time.
 */
import { loadRegistries } from '../config/load.ts';
import { describeError } from '../errors.ts';
import { dueAt, fingerprints } from './due.ts';
import { readState } from './state.ts';
import type { SyncReport } from './run.ts';

export interface WatchDependencies {
  root: string;
  sync: { run(options: { push?: boolean; branch?: string }): Promise<SyncReport> };
  clock?: () => number;
  onRun?: (report: SyncReport) => void;
  onError?: (error: { code: string; message: string }) => void;
}

const IDLE_MS = 60_000;
/** How often a waiting watch reads the registry files again (no request: files only). */
const POLL_MS = 5_000;

export async function watch(
  deps: WatchDependencies,
  options: { push?: boolean; branch?: string; signal: AbortSignal },
): Promise<void> {
  const clock = deps.clock ?? Date.now;
  while (!options.signal.aborted) {
    let failedWith: string | undefined;
    try {
      const branch = options.branch === undefined ? {} : { branch: options.branch };
      deps.onRun?.(await deps.sync.run({ push: options.push === true, ...branch }));
    } catch (error) {
      // bad registry files or a lock held by another sync: say so and try again later
      deps.onError?.(describeError(error));
      failedWith = await filesKey(deps.root);
    }
    const since = clock();
    // a second between runs at least, whatever is due
    await sleep(1000, options.signal);
    while (!options.signal.aborted) {
      const wait = await nextWake(deps.root, clock());
      // after a failed run: again once a file changed, or after a minute (not every poll)
      const retry = failedWith === undefined || clock() - since >= IDLE_MS;
      if (wait <= 0 && (retry || (await filesKey(deps.root)) !== failedWith)) break;
      await sleep(wait <= 0 ? POLL_MS : Math.min(wait, POLL_MS), options.signal);
    }
  }
}

/** Milliseconds until the next registry is due (0 or less: one is due now; a minute when none has an interval). */
export async function nextWake(root: string, now: number): Promise<number> {
  const { registries } = await loadRegistries(root);
  const state = await readState(root);
  const prints = await fingerprints(root, registries);
  let next = Number.POSITIVE_INFINITY;
  for (const registry of registries) {
    const due = dueAt(registry, state.registries[registry.name], prints.get(registry.name), now);
    if (due !== undefined) next = Math.min(next, due);
  }
  return Number.isFinite(next) ? next - now : IDLE_MS;
}

/** What the registry files are now, problems included: a failed run is retried early once this changes. */
async function filesKey(root: string): Promise<string> {
  const { registries, errors } = await loadRegistries(root);
  const prints = await fingerprints(root, registries);
  return JSON.stringify([[...prints], errors.map((e) => String(e.message))]);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
