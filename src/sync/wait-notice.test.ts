import { describe, expect, it } from 'vitest';
import { describeWait } from './deadlines.ts';
import { formatBytes, formatWaited } from '../http/wait.ts';

describe('wait notices', () => {
  it('say what was received once the headers arrived, and which retry it is', () => {
    const base = { url: 'https://h/p/index.yaml', what: 'index', registry: 'web', deadlineMs: 300_000 };
    expect(describeWait({ ...base, waitedMs: 10_000, attempt: 0 })).toBe(
      '… still waiting for https://h/p/index.yaml (registry web): 10 s, no response yet (deadline 5m)',
    );
    expect(
      describeWait({ ...base, waitedMs: 90_000, attempt: 2, received: { status: 200, bytes: 123_456 } }),
    ).toBe(
      '… still waiting for https://h/p/index.yaml (registry web, retry 2): 1 min 30 s, response 200, 123 kB received so far (deadline 5m)',
    );
  });

  it('format sizes and waits', () => {
    expect([900, 1234, 1_234_567, 5e9].map(formatBytes)).toEqual(['900 B', '1.2 kB', '1.2 MB', '5 GB']);
    expect([500, 1000, 59_600, 120_000].map(formatWaited)).toEqual(['500 ms', '1 s', '1 min', '2 min']);
  });
});
