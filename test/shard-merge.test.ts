/** `sync --shard I/N` in separate clones, as a GitHub Actions matrix runs it, then `merge` commits once. */
import { execFileSync } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeShards } from '../src/sync/merge.ts';
import { createSync } from '../src/sync/run.ts';
import { inShard } from '../src/sync/shard.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('kappa');
  served = await serveCharts([{ dir: chart.dir, name: 'kappa', versions: ['1.0.0', '2.0.0'] }]);
  for (const name of names) await repo.writeRegistry(name, `url: ${served.url}\ninsecure: true\n`);
  await repo.git.add('registries').commit('registries');
  await repo.git.push('origin', 'main');
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
});

it('each shard syncs only its registries; merge takes each from its shard and commits once', async () => {
  const shards = [1, 2].map((index) => ({ index, count: 2 }));
  const mine = shards.map((shard) => names.filter((n) => inShard(n, shard)));
  expect(mine[0]!.length).toBeGreaterThan(0);
  expect(mine[1]!.length).toBeGreaterThan(0);
  expect([...mine[0]!, ...mine[1]!].sort()).toEqual(names);

  const dirs: string[] = [];
  for (const shard of shards) {
    const dir = `${repo.root}-shard${shard.index}`;
    execFileSync('git', ['clone', '--quiet', repo.remote, dir]);
    const report = await createSync({ root: dir }).run({ shard });
    expect(report.registries.map((r) => r.name).sort()).toEqual(mine[shard.index - 1]);
    expect(report.commit).toBeUndefined();
    dirs.push(dir);
  }
  const before = (await repo.git.log()).total;
  const merged = await mergeShards(repo.root, dirs);
  expect(merged.message?.split('\n')[0]).toBe(
    `sync: ${names.length * 2} new versions in ${names.length} registries`,
  );
  expect((await repo.git.log()).total).toBe(before + 1);
  expect((await readdir(path.join(repo.root, 'catalog', 'registries'))).sort()).toEqual(
    names.map((n) => `${n}.json`),
  );
  expect(await catalogProblems(repo.root)).toEqual([]);
  const state = JSON.parse(await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8')) as {
    registries: object;
  };
  expect(Object.keys(state.registries).sort()).toEqual(names);

  // merging the same shards again changes nothing
  expect((await mergeShards(repo.root, dirs)).commit).toBeUndefined();
});

it('merge puts back a file of the catalog deleted by hand instead of committing its loss', async () => {
  const file = path.join(repo.root, 'catalog', 'charts', 'alpha', 'kappa', 'chart.json');
  const before = await readFile(file, 'utf8');
  const head = await repo.git.revparse(['HEAD']);
  await rm(file);
  expect((await mergeShards(repo.root, [])).commit).toBeUndefined();
  expect(await repo.git.revparse(['HEAD'])).toBe(head);
  expect(await readFile(file, 'utf8')).toBe(before);
});
