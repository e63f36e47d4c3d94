/**
 * A refused credential, wherever it is refused, through the real CLI with SOPS credentials made by
 * `credential add`: the real distribution registry behind htpasswd (its `/v2/_catalog` when the
 * registry file lists no `charts:`, and a chart's tags list), the real registry behind a token
 * service (the realm refuses the Basic credential), and an HTTP chart repository behind Basic auth
 * (its index.yaml). Each is `unauthorized: authentication required` (never "no charts found"),
 * says what to do (check the credential, replace it with the exact `credential add`), and the sync
 * line names its registry once.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { chartroom, type CliResult } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { newAgeKey } from '../testkit/age.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const WRONG = 'not-the-Passw0rd';
let repo: TempRepo;
let basic: TestRegistry;
let token: TestRegistry;
let served: ServedRepository;
let env: Record<string, string>;
let sync: CliResult;

const line = (name: string) => sync.stderr.split('\n').find((l) => l.startsWith(`✗ ${name}: `)) ?? '';

beforeAll(async () => {
  repo = await createTempRepo();
  const key = await newAgeKey();
  env = { SOPS_AGE_KEY: key.identity };
  await writeFile(
    path.join(repo.root, '.sops.yaml'),
    `creation_rules:\n  - path_regex: registries/credentials/.*\\.yaml$\n    age: ${key.recipient}\n`,
  );
  [basic, token] = [await startRegistry('htpasswd'), await startRegistry('token')];
  const chart = await writeOwnChart('app');
  for (const registry of [basic, token]) {
    await pushChart(
      registry,
      'team/app',
      await packChartDir(chart.dir, { name: 'app', version: '1.0.0' }),
      '1.0.0',
    );
  }
  served = await serveCharts([{ dir: chart.dir, name: 'app', versions: ['1.0.0'] }]);
  served.server.basicAuth = { username: 'robot', password: 'the-right-one' };
  const add = async (name: string, host: string, username: string) => {
    const result = await chartroom(
      ['credential', 'add', name, '--host', host, '--username', username, '--root', repo.root],
      { input: `${WRONG}\n` },
    );
    expect(result.code).toBe(0);
  };
  await add('basic', basic.host, 'admin');
  await add('token', token.host, 'admin');
  await add('web', new URL(served.url).host, 'robot');
  await repo.writeRegistry('catalog', `url: oci://${basic.host}/team\ninsecure: true\ncredential: basic\n`);
  await repo.writeRegistry(
    'tags',
    `url: oci://${basic.host}/team\ninsecure: true\ncharts: [app]\ncredential: basic\n`,
  );
  await repo.writeRegistry('realm', `url: oci://${token.host}/team\ninsecure: true\ncredential: token\n`);
  await repo.writeRegistry('web', `url: ${served.url}\ninsecure: true\ncredential: web\n`);
  sync = await chartroom(['sync', '--root', repo.root], { env });
}, 60_000);
afterAll(async () => {
  await basic?.close();
  await token?.close();
  await served?.close();
  await repo?.cleanup();
});

describe('a wrong password', () => {
  it('fails the sync (exit 1), each registry once, never as "no charts found", the secret nowhere', () => {
    expect(sync.code).toBe(1);
    expect(sync.stderr).not.toContain('no charts found');
    expect(sync.stderr + sync.stdout).not.toContain(WRONG);
    for (const name of ['catalog', 'tags', 'realm', 'web']) {
      expect(line(name)).toMatch(new RegExp(`^✗ ${name}: unauthorized: authentication required: `));
      expect(line(name)).not.toContain(`registry ${name}`);
    }
  });

  it.each([
    ['catalog', 'basic', () => basic.host, /GET http:\/\/127\.0\.0\.1:\d+\/v2\/_catalog answered 401/],
    [
      'tags',
      'basic',
      () => basic.host,
      /GET http:\/\/127\.0\.0\.1:\d+\/v2\/team\/app\/tags\/list answered 401/,
    ],
    [
      'realm',
      'token',
      () => token.host,
      /the token service http:\/\/127\.0\.0\.2:\d+\/token refused the credential/,
    ],
    [
      'web',
      'web',
      () => new URL(served.url).host,
      /GET http:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml answered 401/,
    ],
  ])('%s: says what was refused and what to do', (name, credential, host, refused) => {
    expect(line(name)).toMatch(refused);
    expect(line(name)).toContain(
      `check the username and password (or token) in registries/credentials/${credential}.yaml; to replace it: chartroom credential add ${credential} --host ${host()}`,
    );
  });

  it('on the catalog, also says to list charts: if the registry keeps its catalog from this account', () => {
    expect(line('catalog')).toContain('list the chart repositories under charts: in registries/catalog.yaml');
  });
});
