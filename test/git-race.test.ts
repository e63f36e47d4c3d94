/**
 * Two long-lived clones (two `watch --push` machines) syncing the same registry name from
 * servers that differ, so that nearly every round their catalog commits conflict: the one whose
 * rebase conflicts takes the remote's catalog and syncs again on top of it, so that every round
 * both push, nothing stays diverged, and the remote ends with every version of both.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let chart: OwnChart;
const servers: ServedRepository[] = [];

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd }).toString().trim();

beforeEach(async () => {
  repo = await createTempRepo();
  chart = await writeOwnChart('app');
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await repo.cleanup();
});

it('two clones racing with conflicting catalog commits both push every round and lose no version', async () => {
  const other = path.join(path.dirname(repo.root), 'other');
  execFileSync('git', ['clone', '--quiet', repo.remote, other]);
  git(other, 'config', 'gc.auto', '0');
  const clones = [repo.root, other];
  // each clone's registries/own.yaml (not committed) names its own server: same chart, other versions
  for (const [i, root] of clones.entries()) {
    const served = await serveCharts([{ dir: chart.dir, name: 'app', versions: [`${i + 1}.0.0`] }]);
    servers.push(served);
    await mkdir(path.join(root, 'registries'), { recursive: true });
    await writeFile(path.join(root, 'registries', 'own.yaml'), `url: ${served.url}\ninsecure: true\n`);
  }
  const syncs = clones.map((root) => createSync({ root, env: {} }));
  const rounds = 5;
  for (let round = 1; round <= rounds; round++) {
    for (const [i, served] of servers.entries())
      await served.publish([{ dir: chart.dir, name: 'app', versions: [`${i + 1}.${round}.0`] }]);
    const reports = await Promise.all(syncs.map((sync) => sync.run({ force: true, push: true })));
    for (const report of reports) {
      expect(report.pushError, `round ${round}`).toBeUndefined();
      expect(report.pushed, `round ${round}`).toBe(true);
    }
  }
  // every version of both servers is on the remote, none lost to a conflict
  const chartJson = JSON.parse(git(repo.remote, 'show', 'main:catalog/charts/own/app/chart.json')) as {
    versions: Array<{ version: string }>;
  };
  const versions = chartJson.versions.map((v) => v.version);
  for (const major of [1, 2])
    for (let round = 0; round <= rounds; round++) expect(versions).toContain(`${major}.${round}.0`);
  // no conflict markers anywhere, and both clones clean, on the remote's history
  expect(() => git(repo.remote, 'grep', '-n', '^<<<<<<<', 'main')).toThrow();
  for (const root of clones) {
    expect(git(root, 'status', '--porcelain', '--', 'catalog')).toBe('');
    expect(git(root, 'rev-list', '--count', 'origin/main..HEAD')).toBe('0');
    expect(await catalogProblems(root)).toEqual([]);
  }
  // each round is two to four syncs with git pushes and rebases: slow on a loaded machine
}, 180_000);
