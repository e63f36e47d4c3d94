/**
 * Paginated OCI lists are the registry's to write: a `Link` chain without end (with many tags per
 * page, or none), one page of half a million tags, a `Link` back to the same page or to another
 * host. Each fails only the chart whose tags list it is (or, for `/v2/_catalog`, the registry),
 * with a clear error; the other chart of the registry is synced and the run commits. The server
 * is a small distribution API in the test process: chart `mu` is a real Helm chart artifact,
 * chart `nu`'s tags list is hostile.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import type { CatalogChart } from '../src/catalog/types.ts';
import { createHttpClient } from '../src/http/client.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

type Answer = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

let repo: TempRepo;
let server: Server;
let host: string;
/** how the hostile list answers */
let hostile: Answer;
/** requests the hostile list answered */
let hostileHits: number;
let blobs: Map<string, Buffer>;
let manifest: Buffer;
/** how mu's tags list answers */
let muTags: Answer;
const goodMuTags: Answer = (_req, res) => json(res, { name: 'charts/mu', tags: ['1.0.0'] });

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void =>
  void res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const answer = (f: Answer) => f;
/** page `n` of an endless list, each page with a new URL */
const endless =
  (key: string, perPage: number): Answer =>
  (_req, res, url) => {
    const page = Number(url.searchParams.get('last') ?? '0');
    const items = Array.from({ length: perPage }, (_, i) => `1.${page}.${i}`);
    json(res, { [key]: items }, { link: `<${url.pathname}?n=1000&last=${page + 1}>; rel="next"` });
  };

function serve(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname;
  if (p === '/v2/') return json(res, {});
  if (p === '/v2/charts/nu/tags/list' || p === '/v2/_catalog')
    return void (hostileHits++, hostile(req, res, url));
  if (p === '/v2/charts/mu/tags/list') return muTags(req, res, url);
  if (p === '/v2/charts/mu/manifests/1.0.0')
    return void res
      .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
      .end(manifest);
  const blob = blobs.get(p.replace('/v2/charts/mu/blobs/', ''));
  if (blob) return void res.writeHead(200).end(blob);
  res
    .writeHead(404, { 'content-type': 'application/json' })
    .end('{"errors":[{"code":"NAME_UNKNOWN","message":"no"}]}');
}

const sync = async () => {
  const http = createHttpClient({ retries: 0 });
  try {
    return await createSync({ root: repo.root, http }).run({ force: true });
  } finally {
    await http.close();
  }
};
const chartDoc = async (chart: string) =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', 'oci', chart, 'chart.json'), 'utf8'),
  ) as CatalogChart;

beforeEach(async () => {
  repo = await createTempRepo();
  const mu = await writeOwnChart('mu');
  const archive = await packChartDir(mu.dir, { name: 'mu', version: '1.0.0' });
  const config = Buffer.from(JSON.stringify(load(mu.files['Chart.yaml']!.replace('0.0.1', '1.0.0'))));
  blobs = new Map([
    [digestOf(config), config],
    [digestOf(archive), archive],
  ]);
  manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.cncf.helm.config.v1+json',
        digest: digestOf(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
          digest: digestOf(archive),
          size: archive.length,
        },
      ],
    }),
  );
  hostileHits = 0;
  muTags = goodMuTags;
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  expect(await catalogProblems(repo.root)).toEqual([]);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await repo.cleanup();
});

describe('OCI lists are bounded', () => {
  // [label, the tags list of nu, error code, message, most requests it may take]
  it.each([
    [
      'an endless Link with 1000 tags per page',
      endless('tags', 1000),
      'TooManyPages',
      /^127\.0\.0\.1:\d+\/charts\/nu: the tags: more than 100000 entries; chartroom reads at most 1000 pages, 100000 entries or 64 MiB of a list/,
      101,
    ],
    [
      'an endless Link with empty pages',
      endless('tags', 0),
      'TooManyPages',
      /: the tags: more than 1000 pages;/,
      1000,
    ],
    [
      'one page of 500,000 tags',
      answer((_req, res) => json(res, { tags: Array.from({ length: 500_000 }, (_, i) => `0.0.${i}`) })),
      'TooManyPages',
      /: the tags: more than 100000 entries;/,
      1,
    ],
    [
      'a Link back to the same page',
      answer((_req, res, url) =>
        json(res, { tags: ['1.0.0'] }, { link: `<${url.pathname}${url.search}>; rel="next"` }),
      ),
      'TooManyPages',
      /: the tags: a Link that leads back to a page already read \(http:\/\/127\.0\.0\.1:\d+\/v2\/charts\/nu\/tags\/list\);/,
      1,
    ],
    [
      'a Link to another host',
      answer((_req, res) =>
        json(
          res,
          { tags: ['1.0.0'] },
          { link: '<http://127.0.0.2:1/v2/charts/nu/tags/list?last=1.0.0>; rel="next"' },
        ),
      ),
      'OCIInvalid',
      /: the tags: the Link to the next page points to another host \(http:\/\/127\.0\.0\.2:1\); chartroom follows pages on the registry's own origin only/,
      1,
    ],
  ] as const)(
    '%s fails that chart only; the other chart is synced',
    async (_what, answer, code, message, most) => {
      hostile = answer;
      await repo.writeRegistry('oci', `url: oci://${host}/charts\ninsecure: true\ncharts: [mu, nu]\n`);
      const report = await sync();
      expect(report.exitCode).toBe(1);
      const oci = report.registries[0]!;
      expect(oci.status).toBe('synced');
      expect(oci.chartErrors).toEqual([
        { chart: 'nu', code, message: expect.stringMatching(message) as string },
      ]);
      expect(hostileHits).toBeLessThanOrEqual(most);
      expect(oci.added).toEqual([{ chart: 'mu', version: '1.0.0' }]);
      expect((await chartDoc('mu')).versions.map((v) => v.version)).toEqual(['1.0.0']);
      expect(report.commit).toBeDefined();
    },
  );

  it('an endless /v2/_catalog fails the registry that discovers its charts, with nothing written for it', async () => {
    hostile = endless('repositories', 1000);
    await repo.writeRegistry('oci', `url: oci://${host}/charts\ninsecure: true\n`);
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'TooManyPages',
        message: expect.stringMatching(/^127\.0\.0\.1:\d+: the catalog: more than 100000 entries;/) as string,
      },
    });
    expect(hostileHits).toBeLessThanOrEqual(101);
  });

  // ORAS, which Helm lists tags with, refuses a tags answer that is not an object with a list
  it.each([
    ['a JSON array', []],
    ['a JSON string', 'charts/mu'],
    ['null', null],
    ['tags that is a string', { name: 'charts/mu', tags: '1.0.0' }],
    ['tags that is an object', { name: 'charts/mu', tags: { '1.0.0': true } }],
  ] as const)(
    'a tags list answered with %s after a good sync fails that chart with OCIInvalid and removes nothing',
    async (_what, body) => {
      hostile = (_req, res) => json(res, { name: 'charts/nu', tags: [] });
      await repo.writeRegistry('oci', `url: oci://${host}/charts\ninsecure: true\ncharts: [mu, nu]\n`);
      expect((await sync()).exitCode).toBe(0);
      muTags = (_req, res) => json(res, body);
      const report = await sync();
      expect(report.exitCode).toBe(1);
      expect(report.registries[0]!.chartErrors).toEqual([
        {
          chart: 'mu',
          code: 'OCIInvalid',
          message: expect.stringMatching(/^127\.0\.0\.1:\d+\/charts\/mu: the tags: the answer /) as string,
        },
      ]);
      expect((await chartDoc('mu')).versions.map((v) => [v.version, v.removed ?? false])).toEqual([
        ['1.0.0', false],
      ]);
      // the commit records the chart's error in the registry's file and changes nothing else
      const changed = execFileSync('git', ['show', '--name-only', '--format=', 'HEAD'], { cwd: repo.root });
      expect(String(changed).trim()).toBe('catalog/registries/oci.json');
    },
  );
});
