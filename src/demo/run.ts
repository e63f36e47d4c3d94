/**
 * `chartroom demo`'s work, a self-contained run on the project's own example charts with no
 * network: serves them as a local chart repository (and, when Debian's `docker-registry` is
 * installed, as a local OCI registry too), syncs them into a fresh catalog repository, publishes
 * one more version and syncs again, showing the commit each run makes; then builds the chart
 * browser for that catalog. Each step is told through `say`, one line at a time.
 */
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';
import { readCatalogFile } from '../catalog/read.ts';
import { UsageError } from '../errors.ts';
import { buildSite } from '../site-build/build.ts';
import { createSync } from '../sync/run.ts';
import { startChartRepoServer, type ChartRepoServer } from './chart-repo-server.ts';
import { hasDistribution, startDistribution, type Distribution } from './distribution.ts';
import { pushChartArchive } from './oci-push.ts';
import { buildRepository, renderIndex, type BuiltRepository, type ChartSource } from './repository.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/charts/', import.meta.url));

const CHARTS: ChartSource[] = [
  { dir: path.join(EXAMPLES, 'hello-web'), name: 'hello-web', versions: ['1.0.0', '1.1.0', '1.2.0-rc.1'] },
  { dir: path.join(EXAMPLES, 'queue-worker'), name: 'queue-worker', versions: ['0.3.0', '0.4.0'] },
  { dir: path.join(EXAMPLES, 'nightly-backup'), name: 'nightly-backup', versions: ['2.0.0'] },
];

export interface DemoResult {
  /** the worst exit code of the demo's syncs */
  exitCode: number;
  /** the built site */
  outDir: string;
}

/**
 * A --dir the demo may make its repository in: new or empty, since it writes .gitignore,
 * registries/, catalog/ and dist/ there and runs `git init` (UsageError otherwise, nothing written).
 */
async function checkDemoDir(root: string): Promise<void> {
  const entries = await readdir(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new UsageError(
      `demo --dir ${root} is not a folder the demo can use (${error.code}): pass a new or empty folder`,
    );
  });
  if (entries.length > 0)
    throw new UsageError(
      `demo --dir ${root} is not empty: the demo makes a git repository there and writes .gitignore, registries/, catalog/ and dist/ over what is there; pass a new or empty folder (nothing was written)`,
    );
}

export interface DemoFolder {
  root: string;
  /** made by the demo in the temp folder, so the demo removes it when it stops */
  temporary: boolean;
  remove(): Promise<void>;
}

/** The folder the demo works in: `dir` (new or empty), or a new temp folder. */
export async function demoFolder(dir: string | undefined): Promise<DemoFolder> {
  if (dir) await checkDemoDir(path.resolve(dir));
  const root = dir ? path.resolve(dir) : await mkdtemp(path.join(tmpdir(), 'chartroom-demo-'));
  // retries: a git or astro process of the demo may still be writing there when it is stopped
  const remove = () => rm(root, { recursive: true, force: true, maxRetries: 5 });
  return { root, temporary: dir === undefined, remove };
}

/** Runs the demo in `root`, a new or empty folder (demoFolder). */
export async function runDemo(root: string, say: (line: string) => void): Promise<DemoResult> {
  const server = await startChartRepoServer();
  let oci: Distribution | undefined;
  let exitCode: number;
  try {
    const repo = await buildRepository(CHARTS);
    for (const [file, body] of repo.files) server.setFile(`/charts/${file}`, body);
    if (hasDistribution()) oci = await publishToOci(root, repo);
    const git = await initRepository(root, server);
    say(`chartroom demo: catalog repository at ${root}`);
    say(`chartroom demo: serving ${repo.files.size - 1} chart archives at ${server.origin}/charts`);
    if (oci) say(`chartroom demo: and as Helm OCI artifacts at oci://${oci.host}/examples`);
    else say('chartroom demo: (install docker-registry to see an OCI registry in the demo too)');
    exitCode = await syncThreeTimes(root, server, repo, say);
    await describeCatalog(root, git, say);
  } finally {
    await server.close();
    await oci?.close();
  }

  say('');
  say('chartroom demo: building the site (Astro + Pagefind)…');
  const built = await buildSite({ root });
  say(`chartroom demo: site built in ${(built.ms / 1000).toFixed(1)} s at ${built.outDir}`);
  return { exitCode, outDir: built.outDir };
}

/**
 * Pushes hello-web and nightly-backup to a local distribution registry, and adds it as
 * registries/demo-oci.yaml.
 */
async function publishToOci(root: string, repo: BuiltRepository): Promise<Distribution> {
  const oci = await startDistribution();
  for (const chart of [CHARTS[0]!, CHARTS[2]!]) {
    for (const version of chart.versions) {
      // the archives the HTTP repository serves, so both registries carry the same digests
      const created = repo.index.entries[chart.name]!.find((e) => e.version === version)!.created;
      await pushChartArchive(
        { origin: oci.origin },
        `examples/${chart.name}`,
        repo.files.get(`${chart.name}-${version}.tgz`)!,
        version,
        { created: String(created) },
      );
    }
  }
  await mkdir(path.join(root, 'registries'), { recursive: true });
  await writeFile(
    path.join(root, 'registries', 'demo-oci.yaml'),
    [
      '# The same example charts, pushed as Helm OCI artifacts to a local distribution registry.',
      `url: oci://${oci.host}/examples`,
      'description: Example charts in an OCI registry',
      'insecure: true',
      'charts: [hello-web, nightly-backup]',
      '',
    ].join('\n'),
  );
  return oci;
}

/** A git repository with registries/demo.yaml for the local chart repository, committed. */
async function initRepository(root: string, server: ChartRepoServer): Promise<SimpleGit> {
  await mkdir(path.join(root, 'registries'), { recursive: true });
  const git = simpleGit(root);
  await git.init();
  await git.addConfig('user.name', 'chartroom demo').addConfig('user.email', 'demo@chartroom.invalid');
  await writeFile(
    path.join(root, 'registries', 'demo.yaml'),
    [
      '# The demo repository chartroom serves on loopback (hence insecure: plain http).',
      `url: ${server.origin}/charts`,
      'description: Example charts that ship with chartroom',
      'insecure: true',
      'interval: 1m',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(root, '.gitignore'), '.chartroom/\n');
  await git.add(['registries', '.gitignore']).commit('add the demo registry');
  return git;
}

/** A first sync, a second that finds nothing new, and a third after publishing queue-worker 0.5.0. */
async function syncThreeTimes(
  root: string,
  server: ChartRepoServer,
  repo: BuiltRepository,
  say: (line: string) => void,
): Promise<number> {
  const sync = createSync({
    root,
    onProgress: ({ report }) =>
      report && say(`  ${report.name}: ${report.status}, ${report.added.length} new`),
  });
  const first = await sync.run({ force: true });
  say(
    `chartroom demo: first sync ${first.commit ? `committed "${first.message?.split('\n')[0]}"` : 'made no commit'}`,
  );

  const second = await sync.run({ force: true });
  say(
    `chartroom demo: second sync ${second.commit ? 'committed' : 'found nothing new (304 Not Modified), no commit'}`,
  );

  const next = await buildRepository([{ ...CHARTS[1]!, versions: ['0.5.0'] }]);
  const archive = next.files.get('queue-worker-0.5.0.tgz')!;
  server.setFile('/charts/queue-worker-0.5.0.tgz', archive);
  repo.index.entries['queue-worker']!.unshift(next.index.entries['queue-worker']![0]!);
  server.setFile('/charts/index.yaml', renderIndex(repo.index));
  const third = await sync.run({ force: true });
  say(
    `chartroom demo: after publishing queue-worker 0.5.0, ${third.commit ? `committed "${third.message?.split('\n')[0]}"` : 'made no commit'}`,
  );
  return first.exitCode || second.exitCode || third.exitCode;
}

/** The git log the syncs made, and what the catalog now holds for the demo registry. */
async function describeCatalog(root: string, git: SimpleGit, say: (line: string) => void): Promise<void> {
  const log = await git.log();
  say('');
  say('git log:');
  for (const entry of log.all) say(`  ${entry.hash.slice(0, 8)} ${entry.message}`);
  const registry = await readCatalogFile(
    root,
    path.join(root, 'catalog', 'registries', 'demo.json'),
    'registry',
  );
  say('');
  say(
    `chartroom demo: registry demo has ${registry?.charts ?? 0} charts and ${registry?.versions ?? 0} versions in ${path.join(root, 'catalog')}`,
  );
  say(`chartroom demo: try: cat ${path.join(root, 'catalog', 'charts', 'demo', 'hello-web', 'chart.json')}`);
}
