/**
 * Ignore rules never hide catalog files: the repository's `.gitignore` (unanchored `dist/`,
 * `node-modules/`, `*.yaml`), `.git/info/exclude` and the global excludes (`core.excludesFile`)
 * may match a registry, chart or file name under catalog/, and every file chartroom writes there
 * is committed all the same, by `sync` and by `merge`; other ignored files there stay out.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mergeShards } from '../src/sync/merge.ts';
import { createSync } from '../src/sync/run.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd }).toString();
const lines = (text: string) => text.split('\n').filter(Boolean).sort();

/** The files chartroom writes for registry `dist`, chart `node-modules` 1.0.0 (README, values). */
const expected = (registry: string) => [
  `catalog/charts/${registry}/node-modules/1.0.0/Chart.yaml`,
  `catalog/charts/${registry}/node-modules/1.0.0/README.md`,
  `catalog/charts/${registry}/node-modules/1.0.0/values.yaml`,
  `catalog/charts/${registry}/node-modules/chart.json`,
  `catalog/registries/${registry}.json`,
];

beforeEach(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('node-modules');
  served = await serveCharts([{ dir: chart.dir, name: 'node-modules', versions: ['1.0.0'] }]);
  // a repository's own unanchored patterns, its info/exclude and a global excludes file
  await writeFile(path.join(repo.root, '.gitignore'), '.chartroom/\ndist/\nnode-modules/\n*.yaml\n*.swp\n');
  await writeFile(path.join(repo.root, '.git', 'info', 'exclude'), 'README.md\n');
  const globalExcludes = path.join(path.dirname(repo.root), 'global-excludes');
  await writeFile(globalExcludes, 'chart.json\ncatalog.json\n');
  git(repo.root, 'config', 'core.excludesFile', globalExcludes);
  await repo.writeRegistry('dist', `url: ${served.url}\ninsecure: true\n`);
  git(repo.root, 'add', '--force', '.gitignore', 'registries');
  git(repo.root, 'commit', '--quiet', '-m', 'registry dist');
});

afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

it('commits every catalog file an ignore rule matches, and leaves other ignored files out', async () => {
  // an editor's swap file in the catalog, ignored by *.swp: not chartroom's, not committed
  await mkdir(path.join(repo.root, 'catalog'), { recursive: true });
  await writeFile(path.join(repo.root, 'catalog', '.chart.json.swp'), 'junk');
  const report = await createSync({ root: repo.root, env: {} }).run({ force: true });
  expect(report.exitCode).toBe(0);
  expect(report.message?.split('\n')[0]).toBe('sync: 1 new version in 1 registry');
  expect(lines(git(repo.root, 'ls-files', 'catalog'))).toEqual(
    ['catalog/catalog.json', ...expected('dist')].sort(),
  );
  expect(git(repo.root, 'status', '--porcelain', '--ignored', '--', 'catalog')).toBe(
    '!! catalog/.chart.json.swp\n',
  );
});

it("merge commits the shards' catalog files an ignore rule matches", async () => {
  const shard = `${repo.root}-shard`;
  execFileSync('git', ['clone', '--quiet', repo.root, shard]);
  await createSync({ root: shard, env: {} }).run({ force: true, shard: { index: 1, count: 1 } });
  const merged = await mergeShards(repo.root, [shard]);
  expect(merged.message?.split('\n')[0]).toBe('sync: 1 new version in 1 registry');
  expect(lines(git(repo.root, 'ls-files', 'catalog'))).toEqual(
    ['catalog/catalog.json', ...expected('dist')].sort(),
  );
  expect(git(repo.root, 'status', '--porcelain', '--', 'catalog')).toBe('');
});
