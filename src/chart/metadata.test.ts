import { expect, it } from 'vitest';
import { isoTime } from './metadata.ts';

it('isoTime writes RFC 3339, and nothing for what RFC 3339 cannot write', () => {
  expect(isoTime('2024-05-01T10:00:00.123456789Z')).toBe('2024-05-01T10:00:00.123Z');
  expect(isoTime(new Date(Date.UTC(2024, 0, 1)))).toBe('2024-01-01T00:00:00.000Z');
  expect(isoTime('not a time')).toBeUndefined();
  expect(isoTime(42)).toBeUndefined();
  // Date.parse takes these, and toISOString would write +010000-… and -000001-…
  expect(isoTime('10000-01-01')).toBeUndefined();
  expect(isoTime('-000001-01-01T00:00:00Z')).toBeUndefined();
  expect(isoTime(new Date(8.64e15))).toBeUndefined();
});
