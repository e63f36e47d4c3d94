/** `chartroom watch` as a real process: a registry file fixed while it waits is synced within seconds, not after its interval. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const BIN = fileURLToPath(new URL('../bin/chartroom.js', import.meta.url));
let repo: TempRepo;
let served: ServedRepository;
let child: ChildProcess;
let stderr = '';

const until = async (what: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out; watch said:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const log = () => execFileSync('git', ['log', '--format=%s'], { cwd: repo.root }).toString();

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('watched');
  served = await serveCharts([{ dir: chart.dir, name: 'watched', versions: ['1.0.0'] }]);
  // https to a server that speaks plain http: the first check fails
  await repo.writeRegistry('web', `url: ${served.url.replace('http://', 'https://')}\ninterval: 1h\n`);
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

it('syncs a registry whose file was fixed while it waited, long before its interval', async () => {
  await until(() => log().includes('sync: web failing'), 30_000);
  const fixed = Date.now();
  await repo.writeRegistry('web', `url: ${served.url}\ninsecure: true\ninterval: 1h\n`);
  await until(() => log().includes('sync: 1 new version in 1 registry, web recovered'), 30_000);
  expect(Date.now() - fixed).toBeLessThan(30_000);
});
