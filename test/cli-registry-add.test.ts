/**
 * `chartroom registry add` as a new user runs it: plain http (an HTTP chart repository, or an OCI
 * registry served over plain http) only with `--insecure`, said so when it is missing;
 * `--description`; a URL ending in /index.yaml refused with what to drop, from the command and
 * from a hand-written registry file alike.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let oci: TestRegistry;
beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('kappa');
  served = await serveCharts([{ dir: chart.dir, name: 'kappa', versions: ['1.0.0'] }]);
  oci = await startRegistry('none');
  await pushChart(
    oci,
    'team/kappa',
    await packChartDir(chart.dir, { name: 'kappa', version: '1.0.0' }),
    '1.0.0',
  );
});
afterAll(async () => {
  await served?.close();
  await oci?.close();
  await repo?.cleanup();
});

const add = (...args: string[]) => chartroom(['registry', 'add', ...args, '--root', repo.root]);
const registryText = (name: string) => readFile(path.join(repo.root, 'registries', `${name}.yaml`), 'utf8');

describe('registry add', () => {
  it('refuses plain http without --insecure, saying to pass it, and writes nothing', async () => {
    const refused = await add('web', served.url);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('plain http');
    expect(refused.stderr).toContain('pass --insecure');
    expect(refused.stderr).toContain('https guard');
    await expect(registryText('web')).rejects.toThrow(/ENOENT/);

    const added = await add('web', served.url, '--insecure', '--description', 'Team charts over http');
    expect(added.code, added.stderr).toBe(0);
    const text = await registryText('web');
    expect(text).toContain('insecure: true');
    expect(text).toContain('description: Team charts over http');
    expect((await chartroom(['sync', '--root', repo.root, '--registry', 'web'])).code).toBe(0);
  });

  it('writes insecure: true for an oci:// registry on plain http only with --insecure, and it syncs', async () => {
    const https = await add('team', `oci://${oci.host}/team`);
    expect(https.code, https.stderr).toBe(0);
    expect(await registryText('team')).not.toContain('insecure');
    const added = await add('team', `oci://${oci.host}/team`, '--insecure');
    expect(added.code, added.stderr).toBe(0);
    expect(await registryText('team')).toContain('insecure: true');
    const sync = await chartroom(['sync', '--root', repo.root, '--registry', 'team']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toContain('✓ team: 1 new');
  });

  it('refuses a URL ending in /index.yaml with "drop /index.yaml from the URL", there and in a registry file', async () => {
    const refused = await add('indexed', `${served.url}/index.yaml`, '--insecure');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('drop /index.yaml from the URL');
    await expect(registryText('indexed')).rejects.toThrow(/ENOENT/);

    await repo.writeRegistry('hand', `# by hand\nurl: https://charts.example.org/stable/index.yaml\n`);
    const validate = await chartroom(['validate', '--root', repo.root]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      'registries/hand.yaml:2:6: "https://charts.example.org/stable/index.yaml" names the index file: drop /index.yaml from the URL',
    );
    await repo.removeRegistry('hand');
  });
});
