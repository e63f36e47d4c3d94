/** `chartroom watch` as a real process: commits what is published while it runs, and stops cleanly on SIGTERM. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const BIN = fileURLToPath(new URL('../bin/chartroom.js', import.meta.url));
let repo: TempRepo;
let served: ServedRepository;
let chart: OwnChart;
let child: ChildProcess;
let stderr = '';

const until = async (what: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out; watch said:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const log = () => execFileSync('git', ['log', '--format=%s'], { cwd: repo.root }).toString();

beforeAll(async () => {
  repo = await createTempRepo();
  chart = await writeOwnChart('theta');
  served = await serveCharts([{ dir: chart.dir, name: 'theta', versions: ['1.0.0'] }]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\ninterval: 10s\n`);
  child = spawn(process.execPath, [BIN, 'watch', '--root', repo.root], {
    env: { ...process.env, CI: 'true' },
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
});
afterAll(async () => {
  child.kill('SIGKILL');
  await served.close();
  await repo.cleanup();
});

it('commits a version published while it runs within the registry interval', async () => {
  await until(() => log().includes('sync: 1 new version in 1 registry'), 15_000);
  const published = Date.now();
  await served.publish([{ dir: chart.dir, name: 'theta', versions: ['1.1.0'] }]);
  await until(
    () =>
      log()
        .split('\n')
        .filter((l) => l.startsWith('sync: 1 new version')).length === 2,
    20_000,
  );
  expect(Date.now() - published).toBeLessThan(15_000);
  expect(stderr).toContain('committed');
});

it('stops cleanly on SIGTERM in the middle of a sync, leaving catalog/ and git consistent', async () => {
  // make the next sync slow: the new archive takes 2 s to come
  served.server.fault = (req, res) => {
    if (!req.url?.endsWith('1.2.0.tgz')) return false;
    setTimeout(() => {
      served.server.fault = undefined;
      res.writeHead(503).end();
    }, 2000);
    return true;
  };
  await served.publish([{ dir: chart.dir, name: 'theta', versions: ['1.2.0'] }]);
  await until(() => served.server.requests.some((r) => r.path.endsWith('1.2.0.tgz')), 15_000);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(code).toBe(0);
  expect(stderr).toContain('SIGTERM, stopping after the sync in progress');
  expect(stderr).toContain('chartroom watch: stopped');
  expect(await catalogProblems(repo.root)).toEqual([]);
  execFileSync('git', ['fsck', '--no-progress'], { cwd: repo.root });
  expect(execFileSync('git', ['status', '--porcelain', '--', 'catalog'], { cwd: repo.root }).toString()).toBe(
    '',
  );
});
