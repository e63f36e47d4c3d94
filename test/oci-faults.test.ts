/**
 * Faults between chartroom and a real OCI registry: the CNCF distribution registry with token
 * auth, behind a front (test/helpers/fault-front.ts) that answers chosen requests its own way.
 * A fault on the tags lists (or on the token realm) fails the registry and loses nothing; a
 * fault on one version's manifest or blobs fails only that version, which is recorded and
 * arrives on a later sync; a corrupt or cut blob fails the digest check.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { createHttpClient } from '../src/http/client.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { startFaultFront, type FaultFront, type FrontFault } from './helpers/fault-front.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let registry: TestRegistry;
let front: FaultFront;
let repo: TempRepo;
/** digests of alpha 1.1.0, the version the version-level faults hit */
let layer: string;
let config: string;
const env = {
  OCI_USER: 'admin',
  OCI_PASS: 'admin-pass-1',
  CHARTROOM_ENV_HOSTS: 'OCI_USER=127.0.0.1 OCI_PASS=127.0.0.1',
};

const readJson = async <T>(...parts: string[]) =>
  JSON.parse(await readFile(path.join(repo.root, 'catalog', ...parts), 'utf8')) as T;
const chartDoc = (chart: string) => readJson<CatalogChart>('charts', 'oci', chart, 'chart.json');
const registryDoc = () => readJson<CatalogRegistry>('registries', 'oci.json');
const versions = async (chart: string) => (await chartDoc(chart)).versions.map((v) => v.version);

/** One sync through a fresh client (1 s timeout, one retry); the delays it was asked to wait are recorded. */
const sync = async (options: { retryFailed?: boolean; slept?: number[] } = {}) => {
  const http = createHttpClient({
    timeoutMs: 1000,
    retries: 1,
    sleep: (ms) => (options.slept?.push(ms), Promise.resolve()),
  });
  try {
    const report = await createSync({ root: repo.root, http, env }).run({
      force: true,
      retryFailed: options.retryFailed === true,
    });
    expect(reportProblems(report)).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(env.OCI_PASS);
    return report;
  } finally {
    await http.close();
  }
};

beforeAll(async () => {
  registry = await startRegistry('token');
  front = await startFaultFront(registry.origin);
  const alpha = await writeOwnChart('alpha');
  const beta = await writeOwnChart('beta');
  for (const version of ['1.0.0', '1.1.0']) {
    const pushed = await pushChart(
      registry,
      'team/alpha',
      await packChartDir(alpha.dir, { name: 'alpha', version }),
      version,
    );
    layer = pushed.layerDigest;
  }
  await pushChart(
    registry,
    'team/beta',
    await packChartDir(beta.dir, { name: 'beta', version: '1.0.0' }),
    '1.0.0',
  );
  const manifest = await fetch(`${registry.origin}/v2/team/alpha/manifests/1.1.0`, {
    headers: {
      authorization: (await registry.pushAuth('team/alpha'))!,
      accept: 'application/vnd.oci.image.manifest.v1+json',
    },
  });
  config = ((await manifest.json()) as { config: { digest: string } }).config.digest;
});
afterAll(async () => {
  await front.close();
  await registry.close();
});

beforeEach(async () => {
  repo = await createTempRepo();
  await repo.writeCredential(
    'oci',
    'hosts: [127.0.0.1]\nusername: {env: OCI_USER}\npassword: {env: OCI_PASS}\n',
  );
  await repo.writeRegistry(
    'oci',
    `url: oci://${front.host}/team\ninsecure: true\ncharts: [alpha, beta]\ncredential: oci\n`,
  );
  front.requests.splice(0);
});
afterEach(async () => {
  front.clear();
  expect(await catalogProblems(repo.root)).toEqual([]);
  await repo.cleanup();
});

const TAGS = /^\/v2\/team\/[^/]+\/tags\/list/;
const REALM = /^\/token\?/;
const stall: FrontFault = { kind: 'stall' };

describe('registry-level faults fail the registry and keep its catalog', () => {
  // [label, where, fault, error code, message]
  it.each([
    [
      '500 on the tags lists',
      TAGS,
      { kind: 'status', status: 500 },
      'HTTPError',
      /answered 500 for the tags/,
    ],
    ['502 every time on the tags lists', TAGS, { kind: 'status', status: 502 }, 'HTTPError', /answered 502/],
    ['503 every time on the tags lists', TAGS, { kind: 'status', status: 503 }, 'HTTPError', /answered 503/],
    [
      '429 with a Retry-After over the cap on the tags lists',
      TAGS,
      { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      'RateLimited',
      /^toomanyrequests: 127\.0\.0\.1:\d+\/team\/alpha: .* answered 429; the next sync tries again/,
    ],
    [
      'connection reset mid-body on the tags lists',
      TAGS,
      { kind: 'reset' },
      'ConnectionFailed',
      /tags\/list \(tags\) failed/,
    ],
    [
      'tags lists that stall past the timeout',
      TAGS,
      stall,
      'Timeout',
      /^connection timed out: GET .*\/tags\/list/,
    ],
    [
      'a redirect loop on the tags lists',
      TAGS,
      { kind: 'redirect-loop' },
      'TooManyRedirects',
      /more than 5 redirects/,
    ],
    [
      '503 every time from the token realm',
      REALM,
      { kind: 'status', status: 503 },
      'HTTPError',
      /token service .* answered 503; the next sync tries again/,
    ],
    [
      '429 with a Retry-After over the cap from the token realm',
      REALM,
      { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      'RateLimited',
      /token service .* answered 429; the next sync tries again/,
    ],
    ['connection reset by the token realm', REALM, { kind: 'reset' }, 'ConnectionFailed', /\(token\) failed/],
    [
      'a token realm that stalls past the timeout',
      REALM,
      stall,
      'Timeout',
      /^connection timed out: GET .*\/token/,
    ],
  ] as const)('%s', async (_what, where, fault, code, message) => {
    expect((await sync()).exitCode).toBe(0);
    const before = { alpha: await chartDoc('alpha'), beta: await chartDoc('beta') };
    const rule = front.inject(where, fault);
    const report = await sync();
    expect(rule.hits).toBeGreaterThan(0);
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('failed');
    expect(report.registries[0]!.error).toMatchObject({ code });
    expect(report.registries[0]!.error!.message).toMatch(message);
    expect({ alpha: await chartDoc('alpha'), beta: await chartDoc('beta') }).toEqual(before);
    expect((await registryDoc()).error).toEqual(report.registries[0]!.error);
  });

  it('a fault on one chart repository fails only that chart, which keeps its catalog', async () => {
    await sync();
    const before = await chartDoc('beta');
    front.inject(/^\/v2\/team\/beta\/tags\/list/, { kind: 'status', status: 500 });
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('synced');
    expect(report.registries[0]!.chartErrors.map((e) => [e.chart, e.code])).toEqual([['beta', 'HTTPError']]);
    expect(report.registries[0]!.chartErrors[0]!.message).toMatch(/team\/beta: .* answered 500/);
    expect((await registryDoc()).chartErrors).toEqual(report.registries[0]!.chartErrors);
    expect(await chartDoc('beta')).toEqual(before);
    expect(await versions('alpha')).toEqual(['1.1.0', '1.0.0']);
  });

  it('429 with a short Retry-After on the tags list is waited out and retried within the run', async () => {
    const slept: number[] = [];
    front.inject(TAGS, { kind: 'status', status: 429, headers: { 'retry-after': '3' } }, { times: 1 });
    const report = await sync({ slept });
    expect(slept).toEqual([3000]);
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toHaveLength(3);
  });

  it('a 503 from the token realm once is retried within the run', async () => {
    front.inject(REALM, { kind: 'status', status: 503 }, { times: 1 });
    const report = await sync();
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toHaveLength(3);
  });
});

describe('version-level faults fail only that version, which arrives later', () => {
  const MANIFEST = /^\/v2\/team\/alpha\/manifests\/1\.1\.0$/;
  const LAYER = () => new RegExp(`^/v2/team/alpha/blobs/${layer}$`);
  const CONFIG = () => new RegExp(`^/v2/team/alpha/blobs/${config}$`);
  // [label, where, fault, error code, message]
  it.each([
    [
      '500 on the manifest',
      () => MANIFEST,
      { kind: 'status', status: 500 },
      'HTTPError',
      /team\/alpha: GET .*\/manifests\/1\.1\.0 answered 500 for the manifest/,
    ],
    [
      '503 every time on the manifest',
      () => MANIFEST,
      { kind: 'status', status: 503 },
      'HTTPError',
      /answered 503 for the manifest/,
    ],
    [
      '429 with a Retry-After over the cap on the manifest',
      () => MANIFEST,
      { kind: 'status', status: 429, headers: { 'retry-after': '600' } },
      'RateLimited',
      /^toomanyrequests: .*\/manifests\/1\.1\.0 answered 429/,
    ],
    [
      'connection reset mid-manifest',
      () => MANIFEST,
      { kind: 'reset' },
      'ConnectionFailed',
      /manifests\/1\.1\.0 \(manifest\) failed/,
    ],
    [
      'a manifest that stalls past the timeout',
      () => MANIFEST,
      stall,
      'Timeout',
      /^connection timed out: GET .*manifests\/1\.1\.0/,
    ],
    [
      'a redirect loop on the manifest',
      () => MANIFEST,
      { kind: 'redirect-loop' },
      'TooManyRedirects',
      /manifests\/1\.1\.0: more than 5 redirects/,
    ],
    [
      'a corrupt chart layer',
      LAYER,
      { kind: 'corrupt' },
      'DigestMismatch',
      /digest mismatch: the manifest names sha256:/,
    ],
    [
      'a chart layer cut short by its Content-Length',
      LAYER,
      { kind: 'short-length' },
      'DigestMismatch',
      /digest mismatch/,
    ],
    [
      'a truncated chart layer (Content-Length larger than what is sent)',
      LAYER,
      { kind: 'truncate' },
      'ConnectionFailed',
      /\(blob\) failed/,
    ],
    ['connection reset mid-layer', LAYER, { kind: 'reset' }, 'ConnectionFailed', /\(blob\) failed/],
    [
      'a chart layer that stalls past the timeout',
      LAYER,
      stall,
      'Timeout',
      /^connection timed out: GET .*\/blobs\/sha256:/,
    ],
    [
      '502 every time on the chart layer',
      LAYER,
      { kind: 'status', status: 502 },
      'HTTPError',
      /answered 502 for the blob/,
    ],
    [
      '500 on the config blob',
      CONFIG,
      { kind: 'status', status: 500 },
      'HTTPError',
      /answered 500 for the blob/,
    ],
    ['a corrupt config blob', CONFIG, { kind: 'corrupt' }, 'DigestMismatch', /digest mismatch/],
  ] as const)('%s', async (_what, where, fault, code, message) => {
    const rule = front.inject(where(), fault);
    const report = await sync();
    expect(rule.hits).toBeGreaterThan(0);
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('synced');
    expect(report.registries[0]!.failed).toEqual([
      expect.objectContaining({ chart: 'alpha', version: '1.1.0', code, attempts: 1, gaveUp: false }),
    ]);
    expect(report.registries[0]!.failed[0]!.message).toMatch(message);
    expect(await versions('alpha')).toEqual(['1.0.0']);
    expect(await versions('beta')).toEqual(['1.0.0']);
    expect((await registryDoc()).failedVersions).toEqual([
      expect.objectContaining({ chart: 'alpha', version: '1.1.0', code, attempts: 1 }),
    ]);

    // fixed upstream: retried on demand, it arrives and the failure clears
    front.clear();
    const retried = await sync({ retryFailed: true });
    expect(retried.exitCode).toBe(0);
    expect(retried.registries[0]!.added).toEqual([{ chart: 'alpha', version: '1.1.0' }]);
    expect((await registryDoc()).failedVersions).toEqual([]);
  });

  it('a chart layer redirected to another origin on the same host gets no Authorization', async () => {
    // 127.0.0.1 on another port is another origin: as Helm and docker do, the token stays behind
    const rule = front.inject(LAYER(), { kind: 'redirect-to-storage' });
    const report = await sync();
    expect(rule.hits).toBe(1);
    expect(report.exitCode).toBe(0);
    expect(report.registries[0]!.added).toHaveLength(3);
    const storage = front.requests.filter((r) => r.at === 'storage');
    expect(storage.map((r) => r.headers.authorization)).toEqual([undefined]);
    // the registry got Bearer tokens only, the realm the credential
    const auth = front.requests.filter((r) => r.at === 'front' && r.headers.authorization);
    expect(auth.length).toBeGreaterThan(0);
    expect(auth.every((r) => r.headers.authorization!.startsWith('Bearer '))).toBe(true);
    expect(
      front.requests.some((r) => r.at === 'realm' && r.headers.authorization?.startsWith('Basic ')),
    ).toBe(true);
  });
});
