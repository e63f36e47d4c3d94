/**
 * A credential file is read only from inside the repository: a pull request that commits
 * `registries/credentials/x.yaml` as a symbolic link to a file of the machine the sync runs on
 * (here, a plain credential the machine keeps for another purpose) gets nothing from it. The sync
 * fails that registry without reading the file or sending anything; `validate` refuses it.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const SECRET = 'machine-t0ken-value';
let repo: TempRepo;
let served: ServedRepository;
let outside: string;

beforeAll(async () => {
  repo = await createTempRepo();
  outside = await mkdtemp(path.join(tmpdir(), 'chartroom-outside-'));
  const chart = await writeOwnChart('linked-app');
  served = await serveCharts([{ dir: chart.dir, name: 'linked-app', versions: ['1.0.0'] }]);
  served.server.basicAuth = { username: '', password: SECRET };
  const host = new URL(served.url).hostname;
  await writeFile(path.join(outside, 'machine.yaml'), `hosts: [${host}]\npassword: {env: MACHINE_TOKEN}\n`);
  await repo.writeCredential('linked', 'placeholder: 1\n');
  const linked = path.join(repo.root, 'registries', 'credentials', 'linked.yaml');
  await rm(linked);
  await symlink(path.join(outside, 'machine.yaml'), linked);
  await repo.writeRegistry('linked', `url: ${served.url}\ninsecure: true\ncredential: linked\n`);
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
  await rm(outside, { recursive: true, force: true });
});

const env = (host: string) => ({ MACHINE_TOKEN: SECRET, CHARTROOM_ENV_HOSTS: `MACHINE_TOKEN=${host}` });

describe('a credential file that is a symbolic link out of the repository', () => {
  it('fails its registry in a sync without reading it or sending anything', async () => {
    const result = await chartroom(['sync', '--no-commit'], {
      cwd: repo.root,
      env: env(new URL(served.url).hostname),
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      'credential file registries/credentials/linked.yaml is a symbolic link that leads outside the repository, so it is not read',
    );
    expect(served.server.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
  });

  it('is refused by validate', async () => {
    const result = await chartroom(['validate'], { cwd: repo.root, env: env(new URL(served.url).hostname) });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain(
      'registries/credentials/linked.yaml: is a symbolic link that leads outside the repository',
    );
  });
});
