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

it.each([
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00.000000000Z',
  '0001-01-01T00:00:00+00:00',
  '0000-12-31T23:00:00-01:00',
  '0001-01-01 00:00:00 +0000 UTC',
  '0000-06-01T00:00:00Z',
])("isoTime reads Go's zero time %s (and what only looks like a time) as unset", (text) => {
  expect(isoTime(text)).toBeUndefined();
});

it('isoTime takes RFC 3339 only: a zone is required, a space or lower-case t and z are allowed', () => {
  expect(isoTime('2024-05-01 10:00:00+02:00')).toBe('2024-05-01T08:00:00.000Z');
  expect(isoTime('2024-05-01t10:00:00z')).toBe('2024-05-01T10:00:00.000Z');
  expect(isoTime('0001-01-01T00:00:01Z')).toBe('0001-01-01T00:00:01.000Z');
  expect(isoTime('2024-05-01T10:00:00')).toBeUndefined();
  expect(isoTime('2024-05-01')).toBeUndefined();
  expect(isoTime('Wed, 01 May 2024 10:00:00 GMT')).toBeUndefined();
});
