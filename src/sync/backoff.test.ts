import { expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

it('backs off exponentially with reproducible jitter and a cap', () => {
  expect(retryDelayMs('a', '1.0.0', 1)).toBe(retryDelayMs('a', '1.0.0', 1));
  expect(retryDelayMs('a', '1.0.0', 1)).not.toBe(retryDelayMs('b', '1.0.0', 1));
  const first = retryDelayMs('a', '1.0.0', 1);
  expect(first).toBeGreaterThanOrEqual(300_000);
  expect(first).toBeLessThanOrEqual(360_000);
  expect(retryDelayMs('a', '1.0.0', 3)).toBeGreaterThan(first * 3);
  expect(retryDelayMs('a', '1.0.0', 40)).toBeLessThanOrEqual(24 * 3_600_000 * 1.2);
});
