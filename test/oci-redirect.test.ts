/**
 * Where the credential goes: a registry front on 127.0.0.1 over the real distribution registry
 * (token auth, issuer on 127.0.0.2) that answers blob requests with a redirect to a storage
 * host on 127.0.0.3, as registries on S3 or GCS do. The credential must reach the token realm
 * only; the registry gets the Bearer token; the storage host gets no Authorization at all.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { createSync } from '../src/sync/run.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { freePort, startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let registry: TestRegistry;
let repo: TempRepo;
let front: Server;
let storage: Server;
const seen: { front: IncomingHttpHeaders[]; storage: IncomingHttpHeaders[] } = { front: [], storage: [] };
const blobs = new Map<string, Buffer>();

beforeAll(async () => {
  registry = await startRegistry('token');
  const chart = await writeOwnChart('delta');
  await pushChart(
    registry,
    'team/delta',
    await packChartDir(chart.dir, { name: 'delta', version: '1.0.0' }),
    '1.0.0',
  );

  const storagePort = await freePort('127.0.0.3');
  storage = createServer((req, res) => {
    seen.storage.push(req.headers);
    const body = blobs.get((req.url ?? '').split('?')[0]!);
    if (body) res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => storage.listen(storagePort, '127.0.0.3', r));

  const frontPort = await freePort();
  front = createServer((req, res) => {
    seen.front.push(req.headers);
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    if (req.headers.accept) headers.accept = req.headers.accept;
    void fetch(`${registry.origin}${req.url ?? '/'}`, { headers, redirect: 'manual' }).then(
      async (upstream) => {
        const body = Buffer.from(await upstream.arrayBuffer());
        if (upstream.status === 200 && /\/blobs\/sha256:/.test(req.url ?? '')) {
          // serve the blob from "storage" instead, by redirect, as S3-backed registries do
          const key = `/storage/${blobs.size}`;
          blobs.set(key, body);
          res.writeHead(307, { location: `http://127.0.0.3:${storagePort}${key}?X-Amz-Signature=abc` }).end();
          return;
        }
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, key) => {
          if (!['content-length', 'transfer-encoding', 'connection'].includes(key)) out[key] = value;
        });
        res.writeHead(upstream.status, out).end(body);
      },
    );
  });
  await new Promise<void>((r) => front.listen(frontPort, '127.0.0.1', r));

  repo = await createTempRepo();
  await repo.writeCredential('team', 'hosts: [127.0.0.1]\nusername: {env: U}\npassword: {env: P}\n');
  await repo.writeRegistry(
    'team',
    `url: oci://127.0.0.1:${frontPort}/team\ninsecure: true\ncharts: [delta]\ncredential: team\n`,
  );
});

afterAll(async () => {
  front.closeAllConnections();
  storage.closeAllConnections();
  await new Promise<void>((r) => front.close(() => r()));
  await new Promise<void>((r) => storage.close(() => r()));
  await registry.close();
  await repo.cleanup();
});

it('sends the credential to the token realm only, the token to the registry, and nothing to the storage host', async () => {
  const report = await createSync({
    root: repo.root,
    env: { U: 'admin', P: 'admin-pass-1', CHARTROOM_ENV_HOSTS: 'U=127.0.0.1;P=127.0.0.1' },
  }).run({
    force: true,
  });
  expect(report.registries[0]!.error).toBeUndefined();
  expect(report.registries[0]!.failed).toEqual([]);
  expect(report.registries[0]!.added).toEqual([{ chart: 'delta', version: '1.0.0' }]);
  // the realm (127.0.0.2) got the credential
  expect(registry.tokenRequests.filter((t) => t.user === 'admin').length).toBeGreaterThan(0);
  // the registry got Bearer tokens, never the Basic credential
  const frontAuth = seen.front.map((h) => h.authorization).filter((a) => a !== undefined);
  expect(frontAuth.length).toBeGreaterThan(0);
  expect(frontAuth.every((a) => a.startsWith('Bearer '))).toBe(true);
  // the storage host got both blobs and no Authorization header
  expect(seen.storage).toHaveLength(2);
  expect(seen.storage.map((h) => h.authorization)).toEqual([undefined, undefined]);
});
