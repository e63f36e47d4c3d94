/**
 * Faults injected by the chart repository server: each fails at most the registry (or the one
 * version) it hits, with a clear error, and loses nothing already in the catalog.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogChart } from '../src/catalog/types.ts';
import { createHttpClient } from '../src/http/client.ts';
import { DEFAULT_MAX_INDEX_BYTES } from '../src/sources/helm/index.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from './helpers/serve.ts';
import { createTempRepo, type TempRepo } from './helpers/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
const http = () => createHttpClient({ timeoutMs: 1000, retries: 1, sleep: () => Promise.resolve() });
const sync = async () => {
  const client = http();
  try {
    return await createSync({ root: repo.root, http: client }).run({ force: true });
  } finally {
    await client.close();
  }
};
const chartDoc = async () =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', 'own', 'nu', 'chart.json'), 'utf8'),
  ) as CatalogChart;
type Fault = (req: IncomingMessage, res: ServerResponse) => boolean;
const onIndex =
  (answer: (res: ServerResponse) => void): Fault =>
  (req, res) =>
    req.url?.endsWith('index.yaml') ? (answer(res), true) : false;
const onArchive =
  (answer: (res: ServerResponse) => void): Fault =>
  (req, res) =>
    req.url?.endsWith('1.1.0.tgz') ? (answer(res), true) : false;

beforeEach(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('nu');
  served = await serveCharts([{ dir: chart.dir, name: 'nu', versions: ['1.0.0'] }]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
  await sync();
  await served.publish([{ dir: chart.dir, name: 'nu', versions: ['1.1.0'] }]);
});
afterEach(async () => {
  served.server.fault = undefined;
  expect(await catalogProblems(repo.root)).toEqual([]);
  expect((await chartDoc()).versions.map((v) => v.version)).toContain('1.0.0');
  await served.close();
  await repo.cleanup();
});

describe('registry-level faults keep the last good catalog', () => {
  it.each([
    ['503 every time', onIndex((res) => res.writeHead(503).end()), /answered 503/],
    [
      'connection reset mid-body',
      onIndex((res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write('apiVersion: v1\nentries:\n');
        setTimeout(() => res.destroy(), 20);
      }),
      /failed|terminated|closed|ECONNRESET|other side closed/i,
    ],
    [
      'a body that stalls past the timeout',
      onIndex((res) => {
        res.writeHead(200);
        res.write('apiVersion: v1\n');
      }),
      /connection timed out/,
    ],
    [
      'an index over the size cap',
      onIndex((res) => res.writeHead(200, { 'content-length': String(DEFAULT_MAX_INDEX_BYTES + 1) }).end()),
      /larger than the 100 MiB cap/,
    ],
    [
      'invalid UTF-8',
      onIndex((res) => res.writeHead(200).end(Buffer.from([0x65, 0x6e, 0x74, 0xff, 0xfe]))),
      /not valid UTF-8/,
    ],
    [
      'a redirect loop',
      onIndex((res) => res.writeHead(302, { location: '/charts/index.yaml' }).end()),
      /more than 5 redirects/,
    ],
  ])('%s', async (_what, fault, message) => {
    served.server.fault = fault;
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('failed');
    expect(report.registries[0]!.error!.message).toMatch(message);
  });

  it('a 502 then a good answer is retried within the run', async () => {
    let first = true;
    served.server.fault = (req, res) => {
      if (!req.url?.endsWith('index.yaml') || !first) return false;
      first = false;
      res.writeHead(502).end();
      return true;
    };
    const report = await sync();
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
  });
});

describe('version-level faults fail only that version', () => {
  it('a truncated archive (Content-Length larger than what is sent)', async () => {
    served.server.fault = onArchive((res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.end(Buffer.alloc(100));
    });
    const report = await sync();
    expect(report.registries[0]!.failed.map((f) => f.version)).toEqual(['1.1.0']);
  });

  it('Content-Encoding: gzip on a .tgz is the archive as sent, not a layer to strip', async () => {
    const archive = Buffer.from(await (await fetch(`${served.url}/nu-1.1.0.tgz`)).arrayBuffer());
    served.server.fault = onArchive((res) => {
      res
        .writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(archive.length) })
        .end(archive);
    });
    const report = await sync();
    expect(report.registries[0]!.failed).toEqual([]);
    expect(report.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
  });
});
