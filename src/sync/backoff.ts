import { createHash } from 'node:crypto';

const BASE_MS = 5 * 60_000;
const CAP_MS = 24 * 3_600_000;

/**
 * Delay before retrying a failed version: 5 min doubling per attempt up to 24 h, plus up to 20%
 * jitter derived from chart, version and attempt, so runs are reproducible (no Math.random) and
 * a quiet run between retries changes nothing, while many failures still spread out.
 */
export function retryDelayMs(chart: string, version: string, attempt: number): number {
  const exponential = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  const hash = createHash('sha256').update(`${chart}\0${version}\0${attempt}`).digest();
  const jitter = hash.readUInt32BE(0) / 0xffffffff;
  return Math.round(exponential * (1 + 0.2 * jitter));
}
