/**
 * Faults injected by the chart repository server: each fails at most the registry (or the one
 * version) it hits, with a clear error, and loses nothing already in the catalog. Redirects to
 * another host (a second server on 127.0.0.2) are followed without the registry's credential.
 * The parser's own alias-bomb tests are in src/sources/helm/index-parse.test.ts; an index with
 * no entries (versions marked removed, never wiped) is in test/sync-http.test.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { startChartRepoServer, type ChartRepoServer } from '../src/demo/chart-repo-server.ts';
import { createHttpClient, type HttpClient } from '../src/http/client.ts';
import { DEFAULT_MAX_INDEX_BYTES } from '../src/sources/helm/index.ts';
import { createSync } from '../src/sync/run.ts';
import { laughs } from '../testkit/alias-bomb.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
/** nu 1.1.0 as packed, the archive the faults below mangle */
let archive: Buffer;
const http = () => createHttpClient({ timeoutMs: 1000, retries: 1, sleep: () => Promise.resolve() });
const sync = async (
  options: { client?: HttpClient; env?: Record<string, string>; retryFailed?: boolean } = {},
) => {
  const client = options.client ?? http();
  try {
    return await createSync({
      root: repo.root,
      http: client,
      ...(options.env ? { env: options.env } : {}),
    }).run({ force: true, retryFailed: options.retryFailed === true });
  } finally {
    await client.close();
  }
};
const chartDoc = async () =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', 'own', 'nu', 'chart.json'), 'utf8'),
  ) as CatalogChart;
const registryDoc = async () =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'registries', 'own.json'), 'utf8'),
  ) as CatalogRegistry;
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
  archive = Buffer.from(await (await fetch(`${served.url}/nu-1.1.0.tgz`)).arrayBuffer());
});
afterEach(async () => {
  served.server.fault = undefined;
  expect(await catalogProblems(repo.root)).toEqual([]);
  expect((await chartDoc()).versions.map((v) => v.version)).toContain('1.0.0');
  await served.close();
  await repo.cleanup();
});

describe('registry-level faults keep the last good catalog', () => {
  // [label, fault, error code, message, index requests sent (retries: 1 in these tests)]
  it.each([
    ['503 every time', onIndex((res) => res.writeHead(503).end()), 'HTTPError', /answered 503/, 2],
    ['500', onIndex((res) => res.writeHead(500).end('boom')), 'HTTPError', /answered 500 for the index$/, 1],
    [
      '502 every time',
      onIndex((res) => res.writeHead(502).end()),
      'HTTPError',
      /answered 502 for the index$/,
      2,
    ],
    [
      '429 with a Retry-After over the cap',
      onIndex((res) => res.writeHead(429, { 'retry-after': '3600' }).end()),
      'RateLimited',
      /answered 429: the repository is rate limiting; the next sync tries again/,
      1,
    ],
    [
      'connection reset mid-body',
      onIndex((res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write('apiVersion: v1\nentries:\n');
        setTimeout(() => res.destroy(), 20);
      }),
      'ConnectionFailed',
      /failed|terminated|closed|ECONNRESET|other side closed/i,
      2,
    ],
    [
      'a Content-Length larger than the index, then the connection closes',
      onIndex((res) => {
        res.writeHead(200, { 'content-length': '5000' });
        // the whole body is shorter than declared, and the server closes the connection after it
        const socket = res.socket;
        res.end('apiVersion: v1\nentries: {}\n');
        setTimeout(() => socket?.end(), 20);
      }),
      'ConnectionFailed',
      /index\.yaml \(index\) failed: .*; check the URL/,
      2,
    ],
    [
      'a gzip index cut short by its Content-Length',
      onIndex((res) => {
        const gz = gzipSync('apiVersion: v1\nentries: {}\n'.repeat(50));
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gz.length - 10) });
        res.end(gz);
      }),
      'BadEncoding',
      /says Content-Encoding gzip but does not decode/,
      1,
    ],
    [
      'a body that stalls past the timeout',
      onIndex((res) => {
        res.writeHead(200);
        res.write('apiVersion: v1\n');
      }),
      'Timeout',
      /connection timed out/,
      2,
    ],
    [
      'an index over the size cap',
      onIndex((res) => res.writeHead(200, { 'content-length': String(DEFAULT_MAX_INDEX_BYTES + 1) }).end()),
      'TooLarge',
      /larger than the 100 MiB cap/,
      1,
    ],
    [
      'invalid UTF-8',
      onIndex((res) => res.writeHead(200).end(Buffer.from([0x65, 0x6e, 0x74, 0xff, 0xfe]))),
      'IndexInvalid',
      /not valid UTF-8/,
      1,
    ],
    [
      'a YAML alias bomb past the alias cap',
      onIndex((res) => res.writeHead(200).end(laughs(1001, 'entries: {}'))),
      'IndexInvalid',
      /does not parse: .*aliases exceeded/,
      1,
    ],
    [
      'an empty body',
      onIndex((res) => res.writeHead(200, { 'content-length': '0' }).end()),
      'IndexInvalid',
      /does not parse: expected a document, but the input is empty/,
      1,
    ],
    [
      'a redirect loop',
      onIndex((res) => res.writeHead(302, { location: '/charts/index.yaml' }).end()),
      'TooManyRedirects',
      /more than 5 redirects/,
      6,
    ],
  ] as const)('%s', async (_what, fault, code, message, tries) => {
    const before = await chartDoc();
    served.server.fault = fault;
    served.reset();
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('failed');
    expect(report.registries[0]!.error!.code).toBe(code);
    expect(report.registries[0]!.error!.message).toMatch(message);
    expect(served.count('/charts/index.yaml')).toBe(tries);
    // the registry keeps its last good catalog and says why it is stale
    expect(await chartDoc()).toEqual(before);
    expect((await registryDoc()).error).toEqual(report.registries[0]!.error);
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

  it('429 with a short Retry-After is waited out and retried within the run', async () => {
    let first = true;
    served.server.fault = (req, res) => {
      if (!req.url?.endsWith('index.yaml') || !first) return false;
      first = false;
      res.writeHead(429, { 'retry-after': '7' }).end();
      return true;
    };
    const slept: number[] = [];
    const report = await sync({
      client: createHttpClient({
        timeoutMs: 1000,
        retries: 1,
        sleep: (ms) => (slept.push(ms), Promise.resolve()),
      }),
    });
    expect(slept).toEqual([7000]);
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
  });

  it('a Content-Length shorter than the index: versions cut off are marked removed, kept, and restored', async () => {
    const index = Buffer.from(await (await fetch(`${served.url}/index.yaml`)).arrayBuffer());
    // cut right before the second entry of nu (1.0.0; the newest is listed first)
    const cut = index.indexOf('\n    - ', index.indexOf('\n    - ') + 1) + 1;
    served.server.fault = onIndex((res) => {
      res.writeHead(200, { 'content-length': String(cut) });
      res.end(index);
    });
    const report = await sync();
    // the client cannot tell a cut it was told about from a smaller index: nothing is lost either way
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
    expect(report.registries[0]!.removed).toEqual([{ chart: 'nu', version: '1.0.0' }]);
    const cutDoc = (await chartDoc()).versions.find((v) => v.version === '1.0.0')!;
    expect(cutDoc).toMatchObject({ removed: true, files: ['Chart.yaml', 'README.md', 'values.yaml'] });

    served.server.fault = undefined;
    await sync();
    expect((await chartDoc()).versions.find((v) => v.version === '1.0.0')!.removed).toBe(false);
  });

  it('a YAML alias bomb under the alias cap, aimed at an entry, is not expanded', async () => {
    const index = (await (await fetch(`${served.url}/index.yaml`)).text()).replace(
      /^( +)keywords:\n(?: +- .*\n)+/m,
      '$1keywords: *l29\n$1sources: *l29\n$1maintainers: *l29\n',
    );
    expect(index).toContain('keywords: *l29');
    // 10^31 strings if anything expanded the aliases
    served.server.fault = onIndex((res) => res.writeHead(200).end(laughs(30, index)));
    const started = Date.now();
    const report = await sync();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
    const doc = await chartDoc();
    // the fetched archive's Chart.yaml is the authority: the aliased index fields are not used
    expect(doc.keywords).toEqual(['test', 'nu']);
    expect(doc.maintainers).toEqual([]);
  });

  describe('a redirect to another host takes no credential along', () => {
    let elsewhere: ChartRepoServer;
    const env = {
      CHARTS_USER: 'robot',
      CHARTS_TOKEN: 's3cr3t-token',
      CHARTROOM_ENV_HOSTS: 'CHARTS_USER=127.0.0.1 CHARTS_TOKEN=127.0.0.1',
    };
    const basic = `Basic ${Buffer.from('robot:s3cr3t-token').toString('base64')}`;
    beforeEach(async () => {
      // another host, as a CDN or a mirror is; the repository itself wants the credential
      elsewhere = await startChartRepoServer({ host: '127.0.0.2' });
      for (const file of ['index.yaml', 'nu-1.1.0.tgz'])
        elsewhere.setFile(
          `/cdn/${file}`,
          Buffer.from(await (await fetch(`${served.url}/${file}`)).arrayBuffer()),
        );
      served.server.basicAuth = { username: 'robot', password: 's3cr3t-token' };
      await repo.writeCredential(
        'robot',
        'hosts: ["127.0.0.1"]\nusername: {env: CHARTS_USER}\npassword: {env: CHARTS_TOKEN}\n',
      );
      await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\ncredential: robot\n`);
    });
    afterEach(async () => {
      served.server.basicAuth = undefined;
      await elsewhere.close();
    });

    it.each([
      ['index.yaml redirected to another host', onIndex],
      ['a chart archive redirected to another host', onArchive],
    ])('%s', async (what, on) => {
      const file = what.startsWith('index') ? 'index.yaml' : 'nu-1.1.0.tgz';
      served.server.fault = on((res) =>
        res.writeHead(302, { location: `${elsewhere.origin}/cdn/${file}` }).end(),
      );
      served.reset();
      const report = await sync({ env });
      expect(report.exitCode).toBe(0);
      expect(report.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
      // the repository got the credential; the other host got the request and no credential
      expect(served.since().every((r) => r.headers.authorization === basic)).toBe(true);
      expect(elsewhere.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
        [`/cdn/${file}`, undefined],
      ]);
      expect(JSON.stringify(report)).not.toContain('s3cr3t');
    });
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

  // [label, fault, error code, message]
  it.each([
    [
      '500 on the archive',
      onArchive((res) => res.writeHead(500).end()),
      'HTTPError',
      /answered 500 for the chart archive of nu 1\.1\.0$/,
    ],
    [
      '502 every time on the archive',
      onArchive((res) => res.writeHead(502).end()),
      'HTTPError',
      /answered 502 for the chart archive of nu 1\.1\.0/,
    ],
    [
      '429 with a Retry-After over the cap on the archive',
      onArchive((res) => res.writeHead(429, { 'retry-after': '86400' }).end()),
      'RateLimited',
      /nu-1\.1\.0\.tgz answered 429: the repository is rate limiting/,
    ],
    [
      'connection reset mid-archive',
      onArchive((res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000));
        setTimeout(() => res.destroy(), 20);
      }),
      'ConnectionFailed',
      /nu-1\.1\.0\.tgz \(chart archive\) failed/,
    ],
    [
      'an archive that stalls past the timeout',
      onArchive((res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000));
      }),
      'Timeout',
      /^connection timed out: GET .*nu-1\.1\.0\.tgz/,
    ],
    [
      'a Content-Length shorter than the archive',
      onArchive((res) => {
        res.writeHead(200, { 'content-length': String(archive.length - 100) });
        res.end(archive);
      }),
      'DigestMismatch',
      // the version's line already names the registry, chart and version
      /^digest mismatch: the source says sha256:/,
    ],
    [
      'a redirect loop on the archive',
      onArchive((res) => res.writeHead(301, { location: '/charts/nu-1.1.0.tgz' }).end()),
      'TooManyRedirects',
      /nu-1\.1\.0\.tgz: more than 5 redirects/,
    ],
  ] as const)('%s', async (_what, fault, code, message) => {
    served.server.fault = fault;
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('synced');
    expect(report.registries[0]!.failed).toEqual([
      expect.objectContaining({ chart: 'nu', version: '1.1.0', code, attempts: 1, gaveUp: false }),
    ]);
    expect(report.registries[0]!.failed[0]!.message).toMatch(message);
    expect((await registryDoc()).failedVersions).toEqual([
      expect.objectContaining({ chart: 'nu', version: '1.1.0', code, attempts: 1 }),
    ]);
    expect((await chartDoc()).versions.map((v) => v.version)).toEqual(['1.0.0']);

    // fixed upstream: the version is retried and arrives
    served.server.fault = undefined;
    const retried = await sync({ retryFailed: true });
    expect(retried.registries[0]!.added).toEqual([{ chart: 'nu', version: '1.1.0' }]);
    expect((await registryDoc()).failedVersions).toEqual([]);
  });

  it('Content-Encoding: gzip on a .tgz is the archive as sent, not a layer to strip', async () => {
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
