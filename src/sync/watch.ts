/**
 * `chartroom watch`: one long-running process that syncs each registry when its interval is
 * due, commits as changes arrive, and stops cleanly: a stop request lets the sync in progress
 * finish (its writes are crash-safe anyway) and then returns.
 */
import { loadRegistries } from '../config/load.ts';
import { describeError } from '../errors.ts';
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

export async function watch(
  deps: WatchDependencies,
  options: { push?: boolean; branch?: string; signal: AbortSignal },
): Promise<void> {
  const clock = deps.clock ?? Date.now;
  while (!options.signal.aborted) {
    try {
      const branch = options.branch === undefined ? {} : { branch: options.branch };
      deps.onRun?.(await deps.sync.run({ push: options.push === true, ...branch }));
    } catch (error) {
      // bad registry files or a lock held by another sync: say so and try again later
      deps.onError?.(describeError(error));
    }
    if (options.signal.aborted) break;
    await sleep(await nextWake(deps.root, clock()), options.signal);
  }
}

/** Milliseconds until the next registry is due (at least 1 s; a minute when none has an interval). */
export async function nextWake(root: string, now: number): Promise<number> {
  const { registries } = await loadRegistries(root);
  const state = await readState(root);
  let next = Number.POSITIVE_INFINITY;
  for (const registry of registries) {
    if (registry.intervalMs === 0) continue;
    const lastCheck = state.registries[registry.name]?.lastCheck;
    const due = lastCheck === undefined ? now : Date.parse(lastCheck) + registry.intervalMs;
    next = Math.min(next, due);
  }
  return Number.isFinite(next) ? Math.max(1000, next - now) : IDLE_MS;
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
