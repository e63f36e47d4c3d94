/**
 * What a sync says it did: a failed run never reads `nothing changed` (nor does --no-commit, a
 * shard or a merge), a commit names what recovered, and `.chartroom/state.json` forgets a
 * registry once its file and its catalog part are gone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../src/sync/state.ts';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let chart: OwnChart;

const sync = (...args: string[]) => chartroom(['sync', '--root', repo.root, ...args]);
const subject = async () => (await repo.git.log()).latest!.message;
const state = async () =>
  JSON.parse(await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8')) as SyncState;
const failIndex = () => {
  served.server.fault = (req, res) =>
    req.url?.endsWith('index.yaml') ? (res.writeHead(500).end(), true) : false;
};

beforeEach(async () => {
  repo = await createTempRepo();
  chart = await writeOwnChart('words');
  served = await serveCharts([{ dir: chart.dir, name: 'words', versions: ['1.0.0'] }]);
  await repo.writeRegistry('internal', `url: ${served.url}\ninsecure: true\n`);
});
afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

describe('a failed run says what failed', () => {
  it('the same failure again: no commit, and the summary names the failed registry', async () => {
    failIndex();
    const first = await sync();
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/committed [0-9a-f]{12}: sync: internal failing/);
    const summary = path.join(repo.root, '.chartroom', 'summary.md');
    const again = await chartroom(['sync', '--root', repo.root, '--force'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('1 registry failed (internal); nothing else changed; no commit');
    expect(again.stdout).not.toMatch(/^nothing changed/m);
    // the job summary says the same
    expect(await readFile(summary, 'utf8')).toContain(
      '1 registry failed (internal); nothing else changed; no commit.',
    );
  });

  it('a failed version is named, committed or not', async () => {
    served.server.fault = (req, res) =>
      req.url?.endsWith('.tgz') ? (res.writeHead(500).end(), true) : false;
    const failed = await sync('--no-commit');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('not committed (--no-commit): 1 version failing');
    const committed = await sync('--force', '--retry-failed');
    expect(committed.code).toBe(1);
    expect(committed.stdout).toMatch(/committed [0-9a-f]{12}: sync: 1 version failing/);
  });

  it('--no-commit says what it wrote and that it did not commit', async () => {
    const wrote = await sync('--no-commit');
    expect(wrote.code).toBe(0);
    expect(wrote.stdout).toContain('not committed (--no-commit): 1 new version in 1 registry');
    failIndex();
    const failed = await sync('--no-commit', '--force');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('not committed (--no-commit): internal failing');
  });

  it('a shard says merge commits it; merge says what failed', async () => {
    failIndex();
    expect((await sync()).code).toBe(1);
    const shard = await sync('--shard', '1/1', '--force');
    expect(shard.code).toBe(1);
    expect(shard.stdout).toContain('shard 1/1: 1 registry failed (internal); nothing else changed');
    expect(shard.stdout).toContain('chartroom merge commits the shards');
    expect(shard.stdout).not.toContain('nothing changed; no commit');
    const merged = await chartroom(['merge', repo.root, '--root', repo.root]);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toContain('1 registry failed (internal); nothing else changed; no commit');
  });
});

describe('a commit names what recovered', () => {
  it('a registry whose error cleared, alone and with new versions', async () => {
    expect((await sync()).code).toBe(0);
    failIndex();
    expect((await sync('--force')).code).toBe(1);
    expect(await subject()).toBe('sync: internal failing');
    served.server.fault = undefined;
    expect((await sync('--force')).code).toBe(0);
    expect(await subject()).toBe('sync: internal recovered');

    failIndex();
    expect((await sync('--force')).code).toBe(1);
    await served.publish([{ dir: chart.dir, name: 'words', versions: ['1.1.0'] }]);
    served.server.fault = undefined;
    expect((await sync('--force')).code).toBe(0);
    expect(await subject()).toBe('sync: 1 new version in 1 registry, internal recovered');
  });

  it('a version that failed and now came', async () => {
    served.server.fault = (req, res) =>
      req.url?.endsWith('.tgz') ? (res.writeHead(500).end(), true) : false;
    expect((await sync()).code).toBe(1);
    served.server.fault = undefined;
    const fixed = await sync('--force', '--retry-failed');
    expect(fixed.code).toBe(0);
    const log = await repo.git.log();
    expect(log.latest!.message).toBe('sync: 1 new version in 1 registry, 1 failed version recovered');
    expect(log.latest!.body).toContain('Recovered:\n- internal/words 1.0.0');
  });
});

describe('.chartroom/state.json forgets removed registries', () => {
  it('after the sync that prunes its catalog part, and when file and part were removed together', async () => {
    await repo.writeRegistry('other', `url: ${served.url}\ninsecure: true\n`);
    await repo.writeRegistry('third', `url: ${served.url}\ninsecure: true\n`);
    expect((await sync()).code).toBe(0);
    expect(Object.keys((await state()).registries).sort()).toEqual(['internal', 'other', 'third']);

    await repo.removeRegistry('other');
    const pruned = await sync();
    expect(pruned.stdout).toContain('removed from the catalog: other');
    expect(Object.keys((await state()).registries).sort()).toEqual(['internal', 'third']);

    // a change that removes the registry file and its catalog part in one commit
    await repo.removeRegistry('third');
    await repo.git.rm(['-r', '--quiet', 'catalog/registries/third.json', 'catalog/charts/third']);
    await repo.git.commit('drop third');
    expect((await sync()).code).toBe(0);
    expect(Object.keys((await state()).registries)).toEqual(['internal']);
  });
});
