/**
 * Notices while a request waits: a server that accepts a connection and never answers would
 * otherwise hold a run silent until its deadline. Past `afterMs` the caller is told what the
 * request is waiting for, then again at a growing interval (afterMs × 1, 2, 6, 12, then doubling:
 * 5 s, 10 s, 30 s, 60 s, 2 min… by default), until the response is complete. The URL is given as
 * `safeUrl` shows it (no userinfo, no query string), never a header.
 */
import { safeUrl } from './safe-url.ts';

export interface WaitEvent {
  /** the request's URL without userinfo or query string */
  url: string;
  /** what the body is ("index", "tags"), when the caller said */
  what: string | undefined;
  /** since the attempt started (at least) */
  waitedMs: number;
  /** the attempt's deadline */
  deadlineMs: number;
  /** 0 for the first attempt, 1 for the first retry… (each attempt is watched from its start) */
  attempt: number;
  /** set once the headers arrived: the status and the body bytes read so far */
  received?: { status: number; bytes: number };
}

export interface WaitWatch {
  /** the first notice after this long */
  afterMs: number;
  notify(event: WaitEvent): void;
}

export interface WaitWatcher {
  received: (status: number) => void;
  bytes: (count: number) => void;
  stop: () => void;
}

const STEPS = [1, 2, 6, 12];

/** The multiple of `afterMs` of notice `n` (0-based): 1, 2, 6, 12, 24, 48… */
const stepOf = (n: number) => STEPS[n] ?? STEPS[STEPS.length - 1]! * 2 ** (n - STEPS.length + 1);

/** Starts watching one attempt; `stop()` when it ended (in a finally). */
export function watchWait(
  watch: WaitWatch | undefined,
  request: { url: URL; what: string | undefined; deadlineMs: number; attempt: number },
): WaitWatcher {
  const { url, what, deadlineMs, attempt } = request;
  if (!watch) return { received: () => undefined, bytes: () => undefined, stop: () => undefined };
  const started = Date.now();
  const shown = safeUrl(url.href);
  let received: WaitEvent['received'];
  let timer: NodeJS.Timeout | undefined;
  const schedule = (n: number) => {
    const at = watch.afterMs * stepOf(n);
    timer = setTimeout(
      () => {
        watch.notify({
          url: shown,
          what,
          // the planned moment, not the timer's (late on a busy machine): "10 s" reads steadier
          waitedMs: at,
          deadlineMs,
          attempt,
          ...(received ? { received: { ...received } } : {}),
        });
        schedule(n + 1);
      },
      Math.max(0, at - (Date.now() - started)),
    );
    // a notice never keeps the process alive
    timer.unref();
  };
  schedule(0);
  return {
    received: (status) => void (received = { status, bytes: 0 }),
    bytes: (count) => void (received && (received.bytes += count)),
    stop: () => clearTimeout(timer),
  };
}

/** 1234567 → "1.2 MB", 900 → "900 B" (decimal units, as sizes are shown elsewhere). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

/** "1 s", "2 min 30 s" for a notice (whole seconds; under a second, milliseconds). */
export function formatWaited(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
}
