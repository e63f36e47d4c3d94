import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSync } from '../src/sync/run.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let index: ServedRepository;
let cdn: ServedRepository;
const bound = { CHARTROOM_ENV_HOSTS: 'CHARTS_USER=127.0.0.1 CHARTS_TOKEN=127.0.0.1' };
const env = { CHARTS_USER: 'robot', CHARTS_TOKEN: 's3cr3t-token', ...bound };
const expected = `Basic ${Buffer.from('robot:s3cr3t-token').toString('base64')}`;

beforeEach(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('delta');
  // the archives live on another host (a CDN); the index on the repository's own
  cdn = await serveCharts([{ dir: chart.dir, name: 'delta', versions: ['1.0.0'] }]);
  index = await serveCharts([{ dir: chart.dir, name: 'delta', versions: ['1.0.0'] }], { baseUrl: cdn.url });
  await repo.writeCredential(
    'internal',
    `hosts: ["127.0.0.1"]\nusername: {env: CHARTS_USER}\npassword: {env: CHARTS_TOKEN}\n`,
  );
});
afterEach(async () => {
  await index.close();
  await cdn.close();
  await repo.cleanup();
});

it('sends the credential to the repository only, not to chart URLs on another host', async () => {
  // Both servers are on 127.0.0.1 but different ports: different origins, as Helm sees them.
  await repo.writeRegistry('internal', `url: ${index.url}\ninsecure: true\ncredential: internal\n`);
  const report = await createSync({ root: repo.root, env }).run({ force: true });
  expect(report.exitCode).toBe(0);
  expect(index.since()[0]!.headers.authorization).toBe(expected);
  // the archive and its .prov beside it, both without the credential
  expect(cdn.since().map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
});

it('passCredentials: true also sends it to chart URLs elsewhere', async () => {
  await repo.writeRegistry(
    'internal',
    `url: ${index.url}\ninsecure: true\ncredential: internal\npassCredentials: true\n`,
  );
  await createSync({ root: repo.root, env }).run({ force: true });
  expect(cdn.since().map((r) => r.headers.authorization)).toEqual([expected, expected]);
});

it('refuses a credential whose hosts do not list the registry, and never prints the secret', async () => {
  await writeFile(
    path.join(repo.root, 'registries', 'credentials', 'internal.yaml'),
    `hosts: ["charts.example.org"]\nusername: {env: CHARTS_USER}\npassword: {env: CHARTS_TOKEN}\n`,
  );
  await repo.writeRegistry('internal', `url: ${index.url}\ninsecure: true\ncredential: internal\n`);
  const report = await createSync({ root: repo.root, env }).run({ force: true });
  expect(report.exitCode).toBe(1);
  expect(report.registries[0]!.error).toMatchObject({ code: 'CredentialHostMismatch' });
  expect(index.since()).toHaveLength(0);
  expect(JSON.stringify(report)).not.toContain('s3cr3t');
});

it('fails the registry with a clear error when the environment variable is unset', async () => {
  await repo.writeRegistry('internal', `url: ${index.url}\ninsecure: true\ncredential: internal\n`);
  const report = await createSync({ root: repo.root, env: bound }).run({ force: true });
  expect(report.registries[0]!.error?.message).toContain('refers to $CHARTS_USER, which is not set');
});
