import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom as run } from './helpers/cli.ts';
import { reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';

const chartroom = (args: string[], cwd?: string) => run(args, cwd ? { cwd } : {});
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('gamma');
  served = await serveCharts([{ dir: chart.dir, name: 'gamma', versions: ['1.0.0', '1.1.0'] }]);
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
});

describe('the chartroom command', () => {
  it('exit 2 with file:line:col for a bad registry file, and writes nothing', async () => {
    await repo.writeRegistry('broken', `url: ${served.url}\ninsecure: true\nkeep: lots\n`);
    const result = await chartroom(['sync', '--root', repo.root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('registries/broken.yaml:3:7: keep must be a positive integer or "all"');
    expect(await readdir(repo.root)).not.toContain('catalog');
    const validate = await chartroom(['validate'], repo.root);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('registries/broken.yaml:3:7');
    await repo.removeRegistry('broken');
  });

  it('validate exits 2 with file:line:col for a bad chartroom.yaml, every problem at once', async () => {
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
    await writeFile(
      path.join(repo.root, 'chartroom.yaml'),
      'site:\n  titel: Acme\n  url: ftp://charts.example\n  privateRegistries: open\n',
    );
    const validate = await chartroom(['validate'], repo.root);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('chartroom.yaml:2:3: unknown field "titel": did you mean "title"?');
    expect(validate.stderr).toContain('chartroom.yaml:3:8: site.url "ftp://charts.example" is not');
    expect(validate.stderr).toContain(
      'chartroom.yaml:4:22: site.privateRegistries must be full, metadata or hidden',
    );
    expect(validate.stderr).toContain('3 problems found');
    await writeFile(path.join(repo.root, 'chartroom.yaml'), 'site:\n  title: Acme\n');
    const ok = await chartroom(['validate'], repo.root);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok chartroom.yaml');
    await rm(path.join(repo.root, 'chartroom.yaml'));
    await repo.removeRegistry('own');
  });

  it('syncs with --root, prints what it committed, and exits 0', async () => {
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
    expect((await chartroom(['validate', '--root', repo.root])).stdout).toContain('1 registry file valid');
    const result = await chartroom(['--root', repo.root, 'sync']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/committed [0-9a-f]{12}: sync: 2 new versions in 1 registry/);
    expect(result.stderr).toContain('✓ own: 2 new');
    const again = await chartroom(['sync', '--root', repo.root, '--force', '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as { registries: Array<{ status: string }>; commit?: string };
    expect(reportProblems(report)).toEqual([]);
    expect(report.registries[0]!.status).toBe('not-modified');
    expect(report.commit).toBeUndefined();
  });

  it('exit 1 when a registry fails; others still sync', async () => {
    await repo.writeRegistry('gone', 'url: http://127.0.0.1:1/charts\ninsecure: true\n');
    const result = await chartroom(['sync', '--root', repo.root, '--registry', 'gone']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /✗ gone: GET http:\/\/127\.0\.0\.1:1\/charts\/index\.yaml \(index\) failed: ECONNREFUSED/,
    );
    await repo.removeRegistry('gone');
  });

  it('exit 2 for usage errors and for a folder that is not a git repository', async () => {
    expect((await chartroom(['frobnicate'])).code).toBe(2);
    expect((await chartroom(['sync', '--bogus'], repo.root)).code).toBe(2);
    expect((await chartroom(['sync', '--registry', 'nope', '--root', repo.root])).stderr).toContain(
      'no registry named "nope"',
    );
    const plain = await mkdtemp(path.join(tmpdir(), 'chartroom-plain-'));
    await mkdir(path.join(plain, 'registries'));
    await writeFile(path.join(plain, 'registries', 'x.yaml'), `url: ${served.url}\ninsecure: true\n`);
    const result = await chartroom(['sync', '--root', plain]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a git repository');
    expect((await chartroom(['sync', '--root', plain, '--no-commit'])).code).toBe(0);
    expect(await readdir(path.join(plain, 'catalog', 'charts', 'x'))).toEqual(['gamma']);
  });
});
