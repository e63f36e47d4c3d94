import { ChartroomError, UsageError } from '../errors.ts';

const MIN_MS = 10_000;
const MAX_MS = 24 * 3_600_000;
const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000 };

/**
 * Parses a registry `interval` the way Flux writes `spec.interval`: Go-style `30s`, `2m`,
 * `1h30m`. `0` disables automatic sync. Anything outside 10s..24h is refused: faster polling
 * hammers registries (and GitHub's schedule is 5 minutes anyway), slower is a forgotten registry.
 * Returns milliseconds, 0 for disabled.
 */
export function parseInterval(value: string | number): number {
  if (value === 0 || value === '0') return 0;
  const text = String(value).trim();
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') {
    throw new ChartroomError(
      'IntervalInvalid',
      `interval "${text}" is not a duration: write it like 30s, 2m or 1h30m, or 0 to disable automatic sync`,
    );
  }
  const [, h, m, s] = match;
  const ms = Number(h ?? 0) * UNITS.h! + Number(m ?? 0) * UNITS.m! + Number(s ?? 0) * UNITS.s!;
  if (ms < MIN_MS || ms > MAX_MS) {
    throw new ChartroomError(
      'IntervalInvalid',
      `interval "${text}" is outside 10s..24h: pick a value in that range, or 0 to disable automatic sync`,
    );
  }
  return ms;
}

export function formatInterval(ms: number): string {
  if (ms === 0) return '0';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0';
}

const DEADLINE_MIN_MS = 100;

/**
 * Parses a deadline setting (`CHARTROOM_REQUEST_DEADLINE`, `CHARTROOM_REGISTRY_DEADLINE`): a
 * Go-style duration like an interval, with milliseconds too (`500ms`, `90s`, `15m`, `1h`), from
 * 100ms to 24h. Returns milliseconds; `name` is the setting, for the message.
 */
export function parseDeadline(name: string, value: string): number {
  const text = value.trim();
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  const [, h, m, s, ms] = match ?? [];
  const total = match
    ? Number(h ?? 0) * UNITS.h! + Number(m ?? 0) * UNITS.m! + Number(s ?? 0) * UNITS.s! + Number(ms ?? 0)
    : Number.NaN;
  if (text === '' || !(total >= DEADLINE_MIN_MS && total <= MAX_MS)) {
    throw new UsageError(
      `${name}="${text}" is not a deadline from 100ms to 24h: write a duration such as 90s, 15m or 1h30m`,
    );
  }
  return total;
}
