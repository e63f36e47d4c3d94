/**
 * Crash safety: a sync killed with SIGKILL at named points of the write path, and at random
 * times, leaves every catalog file parseable, every listed version whole and git sound; the next
 * sync cleans up and completes the work.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stableStringify } from '../src/catalog/json.ts';
import { catalogProblems } from './helpers/catalog-check.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const BIN = fileURLToPath(new URL('../bin/chartroom.js', import.meta.url));
let repo: TempRepo;
let served: ServedRepository;

beforeEach(async () => {
  repo = await createTempRepo();
  const a = await writeOwnChart('lambda', { schema: true });
  const b = await writeOwnChart('mu');
  served = await serveCharts([
    { dir: a.dir, name: 'lambda', versions: ['1.0.0', '1.1.0', '1.2.0', '2.0.0'] },
    { dir: b.dir, name: 'mu', versions: ['0.1.0', '0.2.0', '0.3.0'] },
  ]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
});
afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

async function syncProcess(
  env: Record<string, string> = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'sync', '--force', '--root', repo.root], {
      env: { ...process.env, CI: 'true', ...env },
      stdio: 'ignore',
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function expectSoundAndComplete(): Promise<void> {
  expect(await catalogProblems(repo.root)).toEqual([]);
  execFileSync('git', ['fsck', '--no-progress'], { cwd: repo.root, stdio: 'pipe' });
  const next = await promisify(execFile)(process.execPath, [BIN, 'sync', '--force', '--root', repo.root], {
    env: { ...process.env, CI: 'true' },
  });
  expect(next.stderr).toContain('✓ own');
  expect(await catalogProblems(repo.root)).toEqual([]);
  const status = execFileSync('git', ['status', '--porcelain', '--', 'catalog', '.'], {
    cwd: repo.root,
  }).toString();
  expect(status.split('\n').filter((l) => l.includes('catalog/'))).toEqual([]);
  const tree = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', 'catalog/charts/own'], {
    cwd: repo.root,
  }).toString();
  for (const v of ['lambda/1.0.0', 'lambda/2.0.0', 'mu/0.3.0'])
    expect(tree).toContain(`catalog/charts/own/${v}/Chart.yaml`);
}

describe('SIGKILL during a sync', () => {
  it.each(['after-version-files', 'before-chart-json', 'before-commit', 'mid-commit'])(
    'at %s',
    async (point) => {
      const killed = await syncProcess({ CHARTROOM_FAILPOINT: point });
      expect(killed.signal).toBe('SIGKILL');
      await expectSoundAndComplete();
    },
  );

  it('in the one-time Chart.yaml correction of a catalog written before: the next sync does it whole', async () => {
    expect((await syncProcess()).code).toBe(0);
    // the catalog as an older chartroom wrote it: no keywords in chart.json, no mark
    for (const chart of ['lambda', 'mu']) {
      const file = path.join(repo.root, 'catalog', 'charts', 'own', chart, 'chart.json');
      const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, stableStringify({ ...doc, keywords: [] }));
    }
    await writeFile(path.join(repo.root, 'catalog', 'catalog.json'), stableStringify({ formatVersion: 1 }));
    await repo.git.add('catalog').commit('catalog written by an older chartroom');
    const killed = await syncProcess({ CHARTROOM_FAILPOINT: 'mid-chart-metadata' });
    expect(killed.signal).toBe('SIGKILL');
    await expectSoundAndComplete();
    const log = execFileSync('git', ['log', '-1', '--format=%B'], { cwd: repo.root }).toString();
    expect(log.split('\n')[0]).toMatch(/chart metadata/);
    expect(log).toContain('catalog.json now records "chartMetadata": "Chart.yaml"');
    for (const chart of ['lambda', 'mu']) {
      const file = path.join(repo.root, 'catalog', 'charts', 'own', chart, 'chart.json');
      expect((JSON.parse(await readFile(file, 'utf8')) as { keywords: string[] }).keywords).toEqual([
        'test',
        chart,
      ]);
    }
    expect(await readFile(path.join(repo.root, 'catalog', 'catalog.json'), 'utf8')).toContain(
      '"chartMetadata": "Chart.yaml"',
    );
  });

  it('at random times', async () => {
    // deterministic "random" delays, so a failure can be replayed
    let seed = 42;
    const next = () => 150 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 900;
    let killedMidway = 0;
    const initial = (await repo.git.revparse(['HEAD'])).trim();
    for (let i = 0; i < 8; i++) {
      // from an empty catalog each time, so there is work to interrupt
      await repo.git.reset(['--hard', initial]);
      await rm(path.join(repo.root, 'catalog'), { recursive: true, force: true });
      await rm(path.join(repo.root, '.chartroom', 'state.json'), { force: true });
      const child = spawn(process.execPath, [BIN, 'sync', '--force', '--root', repo.root], {
        env: { ...process.env, CI: 'true' },
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
      setTimeout(() => child.kill('SIGKILL'), next());
      if ((await exited) === 'SIGKILL') killedMidway++;
      expect(await catalogProblems(repo.root)).toEqual([]);
    }
    expect(killedMidway).toBeGreaterThan(0);
    await expectSoundAndComplete();
  });
});
