/** Scheduling and retries with a controllable clock: registries sync exactly when due; failures back off, then clear. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CatalogRegistry } from '../src/catalog/types.ts';
import { createSync } from '../src/sync/run.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let now = Date.parse('2026-01-01T00:00:00Z');
const clock = () => new Date(now);
const advance = (ms: number) => (now += ms);

beforeEach(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('eta');
  served = await serveCharts([{ dir: chart.dir, name: 'eta', versions: ['1.0.0'] }]);
});
afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

it('syncs registries with intervals 10s, 2m and 0 exactly when due', async () => {
  await repo.writeRegistry('fast', `url: ${served.url}\ninsecure: true\ninterval: 10s\n`);
  await repo.writeRegistry('slow', `url: ${served.url}\ninsecure: true\ninterval: 2m\n`);
  await repo.writeRegistry('manual', `url: ${served.url}\ninsecure: true\ninterval: 0\n`);
  const sync = createSync({ root: repo.root, clock });
  const synced = async (options = {}) =>
    (await sync.run(options)).registries.filter((r) => r.status !== 'skipped').map((r) => r.name);

  expect(await synced()).toEqual(['fast', 'slow']);
  advance(9_999);
  expect(await synced()).toEqual([]);
  advance(1);
  expect(await synced()).toEqual(['fast']);
  advance(110_000);
  expect(await synced()).toEqual(['fast', 'slow']);
  advance(1_000);
  expect(await synced({ force: true })).toEqual(['fast', 'slow']);
  expect(await synced({ registries: ['manual'] })).toEqual(['manual']);
});

it('retries a failing version at growing delays, then it succeeds and its failure disappears', async () => {
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\ninterval: 10s\n`);
  let failures = 3;
  served.server.fault = (req, res) => {
    if (req.url?.endsWith('.tgz') && failures > 0) {
      failures--;
      res.writeHead(500).end();
      return true;
    }
    return false;
  };
  const sync = createSync({ root: repo.root, clock });
  const registryDoc = async () =>
    JSON.parse(
      await readFile(path.join(repo.root, 'catalog', 'registries', 'own.json'), 'utf8'),
    ) as CatalogRegistry;
  const delays: number[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const report = await sync.run({ force: true });
    expect(report.registries[0]!.failed).toEqual([
      expect.objectContaining({ chart: 'eta', version: '1.0.0', attempts: attempt }),
    ]);
    const [failure] = (await registryDoc()).failedVersions;
    delays.push(Date.parse(failure!.nextRetry) - now);
    // a run before the retry is due does not try again and does not fail
    advance(1000);
    const quiet = await sync.run({ force: true });
    expect(quiet.exitCode).toBe(0);
    expect(quiet.registries[0]!.waiting).toBe(1);
    now = Date.parse(failure!.nextRetry);
  }
  expect(delays[1]!).toBeGreaterThan(delays[0]!);
  expect(delays[2]!).toBeGreaterThan(delays[1]!);
  const report = await sync.run({ force: true });
  expect(report.registries[0]!.added).toEqual([{ chart: 'eta', version: '1.0.0' }]);
  expect((await registryDoc()).failedVersions).toEqual([]);
});

it('gives up after maxAttempts until sync --retry-failed', async () => {
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\nmaxAttempts: 2\n`);
  served.server.fault = (req, res) => (req.url?.endsWith('.tgz') ? (res.writeHead(500).end(), true) : false);
  const sync = createSync({ root: repo.root, clock });
  await sync.run({ force: true });
  advance(24 * 3_600_000 * 2);
  const second = await sync.run({ force: true });
  expect(second.registries[0]!.failed[0]).toMatchObject({ attempts: 2, gaveUp: true });
  advance(24 * 3_600_000 * 30);
  const later = await sync.run({ force: true });
  expect(later.exitCode).toBe(0);
  expect(later.registries[0]!.waiting).toBe(1);
  served.server.fault = undefined;
  const retried = await sync.run({ force: true, retryFailed: true });
  expect(retried.registries[0]!.added).toEqual([{ chart: 'eta', version: '1.0.0' }]);
});
