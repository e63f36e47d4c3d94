/**
 * `chartroom validate --connect`: after the file checks, each registry is reached with its
 * credential (HTTP: a GET of index.yaml; OCI: `/v2/` with the auth dance and one tags list) and
 * reported on a line of its own; exit 1 when one cannot be reached (2 stays bad configuration),
 * `--registry NAME` limits it, and nothing is written (no catalog, no state, no commit). Against
 * a real chart repository with Basic auth and the real distribution registry behind htpasswd.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { freePort, startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const WEB_PASS = 'web-pass-9d1';
const OCI_PASS = 'admin-pass-1';
let repo: TempRepo;
let served: ServedRepository;
let registry: TestRegistry;
let deadPort = 0;

const env = (overrides: Record<string, string> = {}) => ({
  WEB_PASS,
  OCI_USER: 'admin',
  OCI_PASS,
  CHARTROOM_ENV_HOSTS: 'WEB_PASS=127.0.0.1 OCI_USER=127.0.0.1 OCI_PASS=127.0.0.1',
  ...overrides,
});
const connect = (args: string[], overrides: Record<string, string> = {}) =>
  chartroom(['validate', '--connect', '--root', repo.root, ...args], { env: env(overrides) });
const exists = (file: string) =>
  access(path.join(repo.root, file)).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('conn-app');
  served = await serveCharts([{ dir: chart.dir, name: 'conn-app', versions: ['1.0.0'] }]);
  served.server.basicAuth = { username: '', password: WEB_PASS };
  registry = await startRegistry('htpasswd');
  const alpha = await writeOwnChart('alpha');
  await pushChart(
    registry,
    'charts/alpha',
    await packChartDir(alpha.dir, { name: 'alpha', version: '1.0.0' }),
    '1.0.0',
  );
  deadPort = await freePort();
  await repo.writeCredential('web', 'hosts: [127.0.0.1]\npassword: {env: WEB_PASS}\n');
  await repo.writeCredential(
    'oci',
    'hosts: [127.0.0.1]\nusername: {env: OCI_USER}\npassword: {env: OCI_PASS}\n',
  );
  await repo.writeRegistry('web', `url: ${served.url}\ninsecure: true\ncredential: web\n`);
  await repo.writeRegistry(
    'internal',
    `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha]\ncredential: oci\n`,
  );
  // no charts: the first repository the catalog lists under the namespace
  await repo.writeRegistry(
    'discover',
    `url: oci://${registry.host}/charts\ninsecure: true\ncredential: oci\n`,
  );
  await repo.git.add('registries').commit('registries');
});
afterAll(async () => {
  await served.close();
  await registry.close();
  await repo.cleanup();
});

describe('validate --connect', () => {
  it('reaches every registry with its credential and reports each; writes nothing', async () => {
    served.reset();
    const result = await connect([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ web: index\.yaml reachable \(200, \d+(\.\d)? (B|kB), \d+ ms\)$/m);
    expect(result.stdout).toMatch(
      /^✓ internal: \/v2\/ reachable, tags of charts\/alpha listed \(1 tag, \d+ ms\)$/m,
    );
    expect(result.stdout).toMatch(
      /^✓ discover: \/v2\/ reachable, tags of charts\/alpha listed \(1 tag, \d+ ms\)$/m,
    );
    expect(result.stdout).toContain('3 registries reached');
    // one GET of the index, nothing else
    expect(served.since().map((r) => r.path)).toEqual(['/charts/index.yaml']);
    expect(await exists('catalog')).toBe(false);
    expect(await exists('.chartroom/state.json')).toBe(false);
    expect(await repo.git.raw(['status', '--porcelain'])).toBe('');
    expect((await repo.git.raw(['log', '--format=%s'])).split('\n')[0]).toBe('registries');
  });

  it('a wrong password is unauthorized: authentication required, exit 1, without the password', async () => {
    const result = await connect([], { WEB_PASS: 'wrong-web', OCI_PASS: 'wrong-oci' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^✗ web: unauthorized: authentication required: GET http:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml answered 401/m,
    );
    expect(result.stderr).toMatch(
      /^✗ internal: unauthorized: authentication required: .*\/v2\/ answered 401/m,
    );
    expect(result.stderr).toContain('3 of 3 registries could not be reached');
    // what to do, as the sync says it: the exact credential add that replaces the refused one
    expect(result.stderr).toMatch(
      /^✗ web: .*; to replace it: chartroom credential add \S+ --host 127\.0\.0\.1:\d+$/m,
    );
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/wrong-web|wrong-oci/);
  });

  it('an unreachable registry fails its line and exit 1; --registry limits the check', async () => {
    await repo.writeRegistry('gone', `url: http://127.0.0.1:${deadPort}/charts\ninsecure: true\n`);
    try {
      const result = await connect(['--registry', 'gone', '--registry', 'web']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^✗ gone: GET http://127\\.0\\.0\\.1:${deadPort}/charts/index\\.yaml \\(index\\) failed: ECONNREFUSED`,
          'm',
        ),
      );
      expect(result.stdout).toMatch(/^✓ web: index\.yaml reachable/m);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/^[✓✗] (internal|discover):/m);
      expect(result.stderr).toContain('1 of 2 registries could not be reached');
    } finally {
      await repo.removeRegistry('gone');
    }
  });

  it('an unknown --registry is a usage error (exit 2); a bad file stops before connecting (exit 2)', async () => {
    const unknown = await connect(['--registry', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--registry nope: no such registry');
    await repo.writeRegistry('broken', 'url: https://example.invalid/charts\nintervall: 5m\n');
    try {
      const bad = await connect([]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('not connecting: fix the problems above first');
      expect(bad.stdout).not.toMatch(/^✓ /m);
    } finally {
      await repo.removeRegistry('broken');
    }
  });
});
