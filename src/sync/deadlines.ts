/**
 * The run's two deadlines: every request's (headers and whole body, per attempt) and every
 * registry's (from its start to its last download). A registry whose deadline passes has its
 * requests, downloads and retries aborted at once; it fails with `connection timed out` and keeps
 * its last good catalog, plus the versions fully fetched before the deadline, while the other
 * registries are committed as usual.
 */
import { parseDeadline } from '../config/duration.ts';
import type { Env } from '../credentials/resolve.ts';
import { ChartroomError } from '../errors.ts';
import { DEFAULT_REQUEST_DEADLINE_MS, formatMs, type HttpClient } from '../http/client.ts';
import { safeUrl } from '../http/safe-url.ts';
import { formatBytes, formatWaited, type WaitEvent } from '../http/wait.ts';

export interface Deadlines {
  requestMs: number;
  registryMs: number;
  /** a request waiting longer says what it waits for (CHARTROOM_WAIT_NOTICE; undefined: never) */
  waitNoticeMs?: number | undefined;
}

/** What a registry's request is waiting for, for the progress output (wait.ts). */
export interface RegistryWait extends WaitEvent {
  registry: string;
}

export const REQUEST_DEADLINE_ENV = 'CHARTROOM_REQUEST_DEADLINE';
export const REGISTRY_DEADLINE_ENV = 'CHARTROOM_REGISTRY_DEADLINE';
export const WAIT_NOTICE_ENV = 'CHARTROOM_WAIT_NOTICE';
export const DEFAULT_DEADLINES: Deadlines = {
  requestMs: DEFAULT_REQUEST_DEADLINE_MS,
  registryMs: 15 * 60_000,
  waitNoticeMs: 5_000,
};

/** The deadlines the environment sets (a bad value stops the run: exit 2), else the defaults. */
export function deadlinesFrom(env: Env): Deadlines {
  const request = env[REQUEST_DEADLINE_ENV];
  const registry = env[REGISTRY_DEADLINE_ENV];
  const notice = env[WAIT_NOTICE_ENV]?.trim();
  return {
    requestMs: request ? parseDeadline(REQUEST_DEADLINE_ENV, request) : DEFAULT_DEADLINES.requestMs,
    registryMs: registry ? parseDeadline(REGISTRY_DEADLINE_ENV, registry) : DEFAULT_DEADLINES.registryMs,
    waitNoticeMs:
      notice === 'off'
        ? undefined
        : notice
          ? parseDeadline(WAIT_NOTICE_ENV, notice)
          : DEFAULT_DEADLINES.waitNoticeMs,
  };
}

/** `… still waiting for https://host/path (registry web): 10 s, no response yet (deadline 5m)` */
export function describeWait(wait: RegistryWait): string {
  const state = wait.received
    ? `response ${wait.received.status}, ${formatBytes(wait.received.bytes)} received so far`
    : 'no response yet';
  const retry = wait.attempt > 0 ? `, retry ${wait.attempt}` : '';
  return `… still waiting for ${wait.url} (registry ${wait.registry}${retry}): ${formatWaited(wait.waitedMs)}, ${state} (deadline ${formatMs(wait.deadlineMs)})`;
}

export interface RegistryDeadline {
  /** fires when the registry's deadline passes */
  signal: AbortSignal;
  /** the client the registry's source uses: each request under both deadlines */
  http: HttpClient;
  /** the registry's error once its deadline passed, else undefined */
  passed(): ChartroomError | undefined;
  dispose(): void;
}

/** Starts a registry's deadline; `dispose()` when the registry is done. */
export function startRegistryDeadline(
  registry: string,
  http: HttpClient,
  deadlines: Deadlines,
  onWait?: (wait: RegistryWait) => void,
): RegistryDeadline {
  const controller = new AbortController();
  const wait =
    onWait && deadlines.waitNoticeMs !== undefined
      ? { afterMs: deadlines.waitNoticeMs, notify: (event: WaitEvent) => onWait({ ...event, registry }) }
      : undefined;
  const inFlight = new Set<string>();
  const timer = setTimeout(() => {
    const waiting = [...inFlight].slice(0, 1).map((href) => `; still waiting on GET ${safeUrl(href)}`);
    controller.abort(
      new ChartroomError(
        'Timeout',
        `connection timed out: the registry did not finish within ${formatMs(deadlines.registryMs)}, the deadline of a registry${waiting.join('')}; it keeps its last good catalog and what it fetched in time`,
        {
          hint: `the next sync continues where this one stopped; ${REGISTRY_DEADLINE_ENV} raises the deadline (see the README)`,
        },
      ),
    );
  }, deadlines.registryMs);
  const scoped: HttpClient = {
    get requestCount() {
      return http.requestCount;
    },
    async get(url, options) {
      inFlight.add(url);
      try {
        return await http.get(url, {
          deadlineMs: deadlines.requestMs,
          wait,
          ...options,
          signal: controller.signal,
        });
      } finally {
        inFlight.delete(url);
      }
    },
    // the registry's client is closed by whoever made it
    close: () => Promise.resolve(),
  };
  return {
    signal: controller.signal,
    http: scoped,
    passed: () => (controller.signal.aborted ? (controller.signal.reason as ChartroomError) : undefined),
    dispose: () => clearTimeout(timer),
  };
}
