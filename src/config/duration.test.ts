import { describe, expect, it } from 'vitest';
import { formatInterval, parseDeadline, parseInterval } from './duration.ts';

describe('interval', () => {
  it('parses Go-style durations within 10s..24h', () => {
    expect(parseInterval('10s')).toBe(10_000);
    expect(parseInterval('2m')).toBe(120_000);
    expect(parseInterval('1h30m')).toBe(5_400_000);
    expect(parseInterval('24h')).toBe(86_400_000);
    expect(parseInterval(0)).toBe(0);
    expect(parseInterval('0')).toBe(0);
  });
  it('refuses out-of-range and malformed values', () => {
    for (const bad of ['9s', '24h1s', '', '1d', '5', '-1m', 'm']) expect(() => parseInterval(bad)).toThrow();
  });
  it('formats back', () => {
    expect(formatInterval(5_400_000)).toBe('1h30m');
    expect(formatInterval(0)).toBe('0');
  });
});

describe('deadline', () => {
  it('parses durations with milliseconds, from 100ms to 24h', () => {
    expect(parseDeadline('D', '500ms')).toBe(500);
    expect(parseDeadline('D', '5m')).toBe(300_000);
    expect(parseDeadline('D', '1m30s')).toBe(90_000);
    expect(parseDeadline('D', '24h')).toBe(86_400_000);
  });
  it('refuses out-of-range and malformed values, naming the setting', () => {
    for (const bad of ['99ms', '24h1s', '', '0', '5', '1d', 'ms', '-1s'])
      expect(() => parseDeadline('CHARTROOM_REGISTRY_DEADLINE', bad)).toThrow(/CHARTROOM_REGISTRY_DEADLINE=/);
  });
});
