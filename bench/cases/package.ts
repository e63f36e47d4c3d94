/**
 * Case 8: chartroom as an installed package. The `npm pack` tarball's size, what installing it
 * puts in a fresh folder's node_modules, and the steps of a quiet scheduled run in a catalog
 * repository: `npm ci --omit=dev` from a warm npm cache, then a `chartroom sync` that finds nothing
 * new. From that: the monthly jobs and billed minutes at the default schedule (every 30 minutes;
 * GitHub rounds each job up to a whole minute).
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';
import { sha256Digest } from '../../src/chart/digest.ts';
import { startChartRepoServer } from '../../src/demo/chart-repo-server.ts';
import { renderIndex } from '../../src/demo/repository.ts';
import { tinyChart } from '../data/tiny-charts.ts';
import { median, mib, n, round, run, timed, treeBytes, type BenchContext, type CaseResult } from '../lib.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The default schedule, `*\/30 * * * *`: 48 runs a day, 30 days. */
const RUNS_A_MONTH = 48 * 30;
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline'];

async function pack(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--silent'], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
  return path.join(dir, stdout.trim().split('\n').at(-1)!);
}

/**
 * A catalog repository made by `chartroom init` (this checkout's), depending on the tarball
 * instead of the registry's chartroom, with one served chart repository, synced once.
 */
async function catalogRepository(
  scratch: string,
  tarball: string,
  registryUrl: string,
): Promise<CatalogRepo> {
  const root = path.join(scratch, 'catalog-repo');
  await run(process.execPath, [path.join(ROOT, 'bin', 'chartroom.js'), 'init', root], { cwd: scratch });
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  manifest.dependencies.chartroom = `file:${tarball}`;
  await writeFile(path.join(root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(path.join(root, 'registries', 'tiny.yaml'), `url: ${registryUrl}\ninsecure: true\n`);
  // the first install writes the lockfile and warms the npm cache; the first sync fills catalog/
  await run('npm', ['install', ...NPM_QUIET], { cwd: root });
  const git = simpleGit(root);
  await git.addConfig('user.name', 'bench').addConfig('user.email', 'bench@example.invalid');
  await git.add('.').commit('a catalog repository made by chartroom init');
  await chartroom(root, ['sync']);
  return { root, git, cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }) };
}

interface CatalogRepo {
  root: string;
  git: SimpleGit;
  cleanup(): Promise<void>;
}

/** Bytes under a folder, and the packages installed at the top of it (hoisted, scoped ones counted). */
async function du(dir: string): Promise<{ bytes: number; packages: number }> {
  const { bytes } = await treeBytes(dir);
  let packages = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    packages += entry.name.startsWith('@') ? (await readdir(path.join(dir, entry.name))).length : 1;
  }
  return { bytes, packages };
}

function chartroom(cwd: string, args: string[]) {
  return run(process.execPath, [path.join(cwd, 'node_modules', '.bin', 'chartroom'), ...args], { cwd });
}

async function quietRuns(ctx: BenchContext, repo: CatalogRepo) {
  const install: number[] = [];
  const sync: number[] = [];
  let commits = 0;
  for (let i = 0; i < Math.min(ctx.runs, 3); i++) {
    await rm(path.join(repo.root, 'node_modules'), { recursive: true, force: true });
    const head = await repo.git.revparse(['HEAD']);
    install.push(await timed(() => run('npm', ['ci', '--omit=dev', ...NPM_QUIET], { cwd: repo.root })));
    sync.push(await timed(() => chartroom(repo.root, ['sync'])));
    if ((await repo.git.revparse(['HEAD'])) !== head) commits++;
  }
  return { installMs: round(median(install)), syncMs: round(median(sync)), runs: install.length, commits };
}

export async function packageCase(ctx: BenchContext): Promise<CaseResult> {
  const server = await startChartRepoServer();
  const archive = tinyChart('tiny', '1.0.0');
  server.setFile('/tiny/tiny-1.0.0.tgz', archive);
  const entry = { apiVersion: 'v2', name: 'tiny', version: '1.0.0', created: '2026-01-01T00:00:00Z' };
  server.setFile(
    '/tiny/index.yaml',
    renderIndex({
      apiVersion: 'v1',
      entries: { tiny: [{ ...entry, digest: sha256Digest(archive).slice(7), urls: ['tiny-1.0.0.tgz'] }] },
      generated: '2026-01-01T00:00:00Z',
    }),
  );
  const packs = path.join(ctx.scratch, 'pack');
  await mkdir(packs);
  const tarball = await pack(packs);
  const repo = await catalogRepository(ctx.scratch, tarball, `${server.origin}/tiny`);
  try {
    const packed = (await stat(tarball)).size;
    const modules = await du(path.join(repo.root, 'node_modules'));
    const own = await treeBytes(path.join(repo.root, 'node_modules', 'chartroom'));
    const quiet = await quietRuns(ctx, repo);
    return report({ packed, modules, own, quiet });
  } finally {
    await repo.cleanup();
    await server.close();
  }
}

function report(figures: {
  packed: number;
  modules: { bytes: number; packages: number };
  own: { bytes: number };
  quiet: Awaited<ReturnType<typeof quietRuns>>;
}): CaseResult {
  const { packed, modules, own, quiet } = figures;
  const stepsMs = round(quiet.installMs + quiet.syncMs);
  const billedPerJob = Math.max(1, Math.ceil(stepsMs / 60_000));
  const billed = RUNS_A_MONTH * billedPerJob;
  const json = {
    packedBytes: packed,
    installedBytes: modules.bytes,
    installedPackages: modules.packages,
    ownBytes: own.bytes,
    quiet: { ...quiet, stepsMs },
    schedule: '*/30 * * * *',
    jobsAMonth: RUNS_A_MONTH,
    billedMinutesAMonth: billed,
  };
  const markdown = `## 8. Package: the \`npm pack\` tarball installed into a catalog repository, and a quiet scheduled run's steps

| figure | measured |
|---|---|
| packed (the .tgz) | ${n(Math.round(packed / 1024))} KiB |
| installed: the package's own folder (node_modules/chartroom) | ${n(Math.round(own.bytes / 1024))} KiB |
| installed: the whole node_modules (production dependencies only) | ${mib(modules.bytes)} MiB, ${n(modules.packages)} packages |
| \`npm ci --omit=dev\` from a warm npm cache | ${round(quiet.installMs / 1000)} s |
| \`chartroom sync\`, nothing new (one HTTP chart repository on loopback) | ${round(quiet.syncMs / 1000)} s |
| a quiet run's steps (install + sync) | **${round(stepsMs / 1000)} s** |
| at the default schedule (every 30 minutes) | ${n(RUNS_A_MONTH)} jobs, ${n(billed)} billed minutes a month (${billedPerJob} min a job, rounded up) |

Medians of ${quiet.runs} run(s); commits made by the quiet runs: ${quiet.commits}. The job's own setup (checkout, setup-node, the state cache) is not measured here: it adds to the same job, which GitHub bills as a whole minute as long as it all stays under 60 s.
`;
  return {
    json,
    markdown,
    targets: [
      {
        case: '8. quiet scheduled run',
        target: "a quiet run's steps (npm ci from a warm cache + sync) under 15 s, no commit",
        measured: `${round(stepsMs / 1000)} s, ${quiet.commits} commits`,
        met: stepsMs < 15_000 && quiet.commits === 0,
      },
    ],
  };
}
