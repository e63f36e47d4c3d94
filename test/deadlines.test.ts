/**
 * Deadlines: a server that trickles a byte every 200 ms never trips the idle timeout, so every
 * request has a total deadline and every registry one. A registry past its deadline fails with
 * `connection timed out` and keeps its last good catalog (and the versions fetched in time); the
 * other registries are committed, the run exits 1 and ends promptly. The deadlines come from
 * CHARTROOM_REQUEST_DEADLINE and CHARTROOM_REGISTRY_DEADLINE (short here, to keep the tests short).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { createHttpClient } from '../src/http/client.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let slow: ServedRepository;
let fine: ServedRepository;
const closers: Array<() => void> = [];

/** Answers 200 and then one byte every 200 ms for two minutes: never idle, never done. */
function trickle(res: ServerResponse, first = 'apiVersion: v1\n'): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.write(first);
  let sent = 0;
  const timer = setInterval(() => {
    if (++sent > 600) {
      clearInterval(timer);
      res.end();
    } else res.write(' ');
  }, 200);
  res.on('close', () => clearInterval(timer));
}

const onPath =
  (suffix: string, answer: (res: ServerResponse) => void) => (req: IncomingMessage, res: ServerResponse) =>
    req.url?.endsWith(suffix) ? (answer(res), true) : false;

const sync = async (env: Record<string, string>) => {
  // one quick retry, so the request deadline is met twice per request
  const http = createHttpClient({ retries: 1, sleep: () => Promise.resolve() });
  try {
    return await createSync({ root: repo.root, env, http }).run({ force: true });
  } finally {
    await http.close();
  }
};

const chartDoc = async (registry: string, chart: string) =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', registry, chart, 'chart.json'), 'utf8'),
  ) as CatalogChart;
const registryDoc = async (name: string) =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'registries', `${name}.json`), 'utf8'),
  ) as CatalogRegistry;
const committed = async (file: string) =>
  (await repo.git.raw(['ls-tree', '-r', '--name-only', 'HEAD'])).includes(file);

beforeEach(async () => {
  repo = await createTempRepo();
  const nu = await writeOwnChart('nu');
  const mu = await writeOwnChart('mu');
  slow = await serveCharts([{ dir: nu.dir, name: 'nu', versions: ['1.0.0'] }]);
  fine = await serveCharts([{ dir: mu.dir, name: 'mu', versions: ['1.0.0'] }]);
  await repo.writeRegistry('slow', `url: ${slow.url}\ninsecure: true\n`);
  await repo.writeRegistry('fine', `url: ${fine.url}\ninsecure: true\n`);
  expect((await sync({})).exitCode).toBe(0);
  await slow.publish([{ dir: nu.dir, name: 'nu', versions: ['1.1.0'] }]);
  await fine.publish([{ dir: mu.dir, name: 'mu', versions: ['1.1.0'] }]);
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  expect(await catalogProblems(repo.root)).toEqual([]);
  await slow.close();
  await fine.close();
  await repo.cleanup();
});

/** The registry that finished is committed with its new version; the run says the slow one timed out. */
async function expectFineCommitted(report: Awaited<ReturnType<typeof sync>>) {
  expect(reportProblems(report)).toEqual([]);
  expect(report.exitCode).toBe(1);
  const fineReport = report.registries.find((r) => r.name === 'fine')!;
  expect(fineReport.status).toBe('synced');
  expect(fineReport.added).toEqual([{ chart: 'mu', version: '1.1.0' }]);
  expect(report.commit).toBeDefined();
  expect(await committed('catalog/charts/fine/mu/1.1.0/Chart.yaml')).toBe(true);
  expect(await repo.git.raw(['status', '--porcelain', '--', 'catalog'])).toBe('');
}

describe('deadlines', () => {
  it('an index that trickles a byte every 200 ms fails with connection timed out at the request deadline; the other registry is committed', async () => {
    slow.server.fault = onPath('index.yaml', (res) => trickle(res));
    const before = await chartDoc('slow', 'nu');
    slow.reset();
    const started = Date.now();
    const report = await sync({ CHARTROOM_REQUEST_DEADLINE: '600ms' });
    // two attempts of 600 ms, not the minute the server would trickle for
    expect(Date.now() - started).toBeLessThan(20_000);
    const slowReport = report.registries.find((r) => r.name === 'slow')!;
    expect(slowReport.status).toBe('failed');
    expect(slowReport.error).toMatchObject({
      code: 'Timeout',
      message: expect.stringMatching(
        /^connection timed out: GET http:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml \(index\) did not complete within 600ms, the deadline of a request/,
      ) as string,
    });
    expect(slow.count('/charts/index.yaml')).toBeGreaterThanOrEqual(2);
    await expectFineCommitted(report);
    expect(await chartDoc('slow', 'nu')).toEqual(before);
    expect((await registryDoc('slow')).error).toEqual(slowReport.error);
  });

  it('an index that trickles fails with connection timed out at the registry deadline, promptly, with its catalog kept', async () => {
    slow.server.fault = onPath('index.yaml', (res) => trickle(res));
    const before = await chartDoc('slow', 'nu');
    slow.reset();
    const started = Date.now();
    const report = await sync({ CHARTROOM_REGISTRY_DEADLINE: '1s' });
    expect(Date.now() - started).toBeLessThan(20_000);
    const slowReport = report.registries.find((r) => r.name === 'slow')!;
    expect(slowReport.status).toBe('failed');
    expect(slowReport.error!.code).toBe('Timeout');
    expect(slowReport.error!.message).toMatch(
      /^connection timed out: the registry did not finish within 1s, the deadline of a registry; still waiting on GET http:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml; it keeps its last good catalog/,
    );
    // aborted, not retried after the deadline
    expect(slow.count('/charts/index.yaml')).toBe(1);
    await expectFineCommitted(report);
    expect(await chartDoc('slow', 'nu')).toEqual(before);
    expect((await registryDoc('slow')).error).toEqual(slowReport.error);
  });

  it('an archive that trickles fails its registry with connection timed out at the deadline; the version is not a failure and is fetched by the next sync', async () => {
    slow.server.fault = onPath('nu-1.1.0.tgz', (res) => trickle(res, '\x1f'));
    const started = Date.now();
    const report = await sync({ CHARTROOM_REGISTRY_DEADLINE: '1500ms' });
    expect(Date.now() - started).toBeLessThan(20_000);
    const slowReport = report.registries.find((r) => r.name === 'slow')!;
    expect(slowReport.status).toBe('failed');
    expect(slowReport.error!.message).toMatch(
      /^connection timed out: the registry did not finish within 1500ms, the deadline of a registry; still waiting on GET .*\/charts\/nu-1\.1\.0\.tgz;/,
    );
    // cut short by the deadline, not attempted: no failure recorded, no backoff to wait out
    expect(slowReport.failed).toEqual([]);
    expect((await registryDoc('slow')).failedVersions).toEqual([]);
    expect((await chartDoc('slow', 'nu')).versions.map((v) => v.version)).toEqual(['1.0.0']);
    await expectFineCommitted(report);

    slow.server.fault = undefined;
    const next = await sync({ CHARTROOM_REGISTRY_DEADLINE: '1500ms' });
    expect(next.exitCode).toBe(0);
    expect(next.registries.find((r) => r.name === 'slow')!.added).toEqual([
      { chart: 'nu', version: '1.1.0' },
    ]);
    expect((await registryDoc('slow')).error).toBeUndefined();
  });

  it('an OCI registry whose tags list trickles fails with connection timed out at the registry deadline', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/v2/') res.writeHead(200).end('{}');
      else trickle(res, '{"name":"nu","tags":["1.0.0"');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => (server.closeAllConnections(), server.close()));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    await repo.writeRegistry('slow', `url: oci://${host}/charts\ninsecure: true\ncharts: [nu]\n`);
    const started = Date.now();
    const report = await sync({ CHARTROOM_REGISTRY_DEADLINE: '1s' });
    expect(Date.now() - started).toBeLessThan(20_000);
    const slowReport = report.registries.find((r) => r.name === 'slow')!;
    expect(slowReport.status).toBe('failed');
    expect(slowReport.error!.message).toMatch(
      /^connection timed out: the registry did not finish within 1s, the deadline of a registry; still waiting on GET http:\/\/127\.0\.0\.1:\d+\/v2\/charts\/nu\/tags\/list;/,
    );
    await expectFineCommitted(report);
  });

  it('chartroom sync with CHARTROOM_REGISTRY_DEADLINE exits 1 promptly naming the slow registry', async () => {
    slow.server.fault = onPath('index.yaml', (res) => trickle(res));
    const started = Date.now();
    const result = await chartroom(['sync', '--force', '--root', repo.root], {
      env: { CHARTROOM_REGISTRY_DEADLINE: '1s' },
    });
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toMatch(
      /connection timed out: the registry did not finish within 1s/,
    );
    expect(await committed('catalog/charts/fine/mu/1.1.0/Chart.yaml')).toBe(true);
  });

  it('a deadline setting that is not a duration stops the run before anything is written (a usage error, exit 2)', async () => {
    const head = await repo.git.revparse(['HEAD']);
    await expect(sync({ CHARTROOM_REQUEST_DEADLINE: 'soon' })).rejects.toMatchObject({
      code: 'Usage',
      message:
        'CHARTROOM_REQUEST_DEADLINE="soon" is not a deadline from 100ms to 24h: write a duration such as 90s, 15m or 1h30m',
    });
    expect(await repo.git.revparse(['HEAD'])).toBe(head);
  });
});
