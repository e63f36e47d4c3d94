import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { simpleGit } from 'simple-git';
import { startChartRepoServer } from '../../demo/chart-repo-server.ts';
import { hasDistribution, startDistribution, type Distribution } from '../../demo/distribution.ts';
import { pushChartArchive } from '../../demo/oci-push.ts';
import { buildRepository, renderIndex, type ChartSource } from '../../demo/repository.ts';
import { serveSite } from '../../site-serve.ts';
import { createSync } from '../../sync/run.ts';
import { UsageError } from '../../errors.ts';
import type { Output } from '../output.ts';
import { buildSite } from './site.ts';

export const DEMO_USAGE = 'chartroom demo [--dir DIR] [--port N] [--no-serve]';

const EXAMPLES = fileURLToPath(new URL('../../../examples/charts/', import.meta.url));

/**
 * A self-contained run on the project's own example charts, no network: serves them as a local
 * chart repository (and, when Debian's `docker-registry` is installed, as a local OCI registry
 * too), syncs them into a fresh catalog repository, publishes one more version and
 * syncs again, showing the commit each run makes; then builds the chart browser for that catalog
 * and serves it on loopback until interrupted (`--no-serve` stops after the build).
 */
export async function demoCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { dir: { type: 'string' }, port: { type: 'string' }, 'no-serve': { type: 'boolean' } },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, not "${values.port}"`);
  }
  const root = values.dir ? path.resolve(values.dir) : await mkdtemp(path.join(tmpdir(), 'chartroom-demo-'));
  const charts: ChartSource[] = [
    { dir: path.join(EXAMPLES, 'hello-web'), name: 'hello-web', versions: ['1.0.0', '1.1.0', '1.2.0-rc.1'] },
    { dir: path.join(EXAMPLES, 'queue-worker'), name: 'queue-worker', versions: ['0.3.0', '0.4.0'] },
    { dir: path.join(EXAMPLES, 'nightly-backup'), name: 'nightly-backup', versions: ['2.0.0'] },
  ];
  const server = await startChartRepoServer();
  let oci: Distribution | undefined;
  let exitCode: number;
  try {
    const repo = await buildRepository(charts);
    for (const [file, body] of repo.files) server.setFile(`/charts/${file}`, body);
    if (hasDistribution()) {
      oci = await startDistribution();
      for (const chart of [charts[0]!, charts[2]!]) {
        for (const version of chart.versions) {
          // the archives the HTTP repository serves, so both registries carry the same digests
          const created = repo.index.entries[chart.name]!.find((e) => e.version === version)!.created;
          await pushChartArchive(
            { origin: oci.origin },
            `examples/${chart.name}`,
            repo.files.get(`${chart.name}-${version}.tgz`)!,
            version,
            {
              created: String(created),
            },
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
    }

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
    output.out(`chartroom demo: catalog repository at ${root}`);
    output.out(`chartroom demo: serving ${repo.files.size - 1} chart archives at ${server.origin}/charts`);
    if (oci) output.out(`chartroom demo: and as Helm OCI artifacts at oci://${oci.host}/examples`);
    else output.out('chartroom demo: (install docker-registry to see an OCI registry in the demo too)');

    const sync = createSync({
      root,
      onProgress: ({ report }) =>
        report && output.out(`  ${report.name}: ${report.status}, ${report.added.length} new`),
    });
    const first = await sync.run({ force: true });
    output.out(
      `chartroom demo: first sync ${first.commit ? `committed "${first.message?.split('\n')[0]}"` : 'made no commit'}`,
    );

    const second = await sync.run({ force: true });
    output.out(
      `chartroom demo: second sync ${second.commit ? 'committed' : 'found nothing new (304 Not Modified), no commit'}`,
    );

    // publish queue-worker 0.5.0 and sync once more
    const next = await buildRepository([{ ...charts[1]!, versions: ['0.5.0'] }]);
    const archive = next.files.get('queue-worker-0.5.0.tgz')!;
    server.setFile('/charts/queue-worker-0.5.0.tgz', archive);
    repo.index.entries['queue-worker']!.unshift(next.index.entries['queue-worker']![0]!);
    server.setFile('/charts/index.yaml', renderIndex(repo.index));
    const third = await sync.run({ force: true });
    output.out(
      `chartroom demo: after publishing queue-worker 0.5.0, ${third.commit ? `committed "${third.message?.split('\n')[0]}"` : 'made no commit'}`,
    );

    const log = await git.log();
    output.out('');
    output.out('git log:');
    for (const entry of log.all) output.out(`  ${entry.hash.slice(0, 8)} ${entry.message}`);
    const registry = JSON.parse(
      await readFile(path.join(root, 'catalog', 'registries', 'demo.json'), 'utf8'),
    ) as {
      charts: number;
      versions: number;
    };
    output.out('');
    output.out(
      `chartroom demo: registry demo has ${registry.charts} charts and ${registry.versions} versions in ${path.join(root, 'catalog')}`,
    );
    output.out(
      `chartroom demo: try: cat ${path.join(root, 'catalog', 'charts', 'demo', 'hello-web', 'chart.json')}`,
    );
    exitCode = first.exitCode || second.exitCode || third.exitCode;
  } finally {
    await server.close();
    await oci?.close();
  }

  output.out('');
  output.out('chartroom demo: building the site (Astro + Pagefind)…');
  const built = await buildSite({ root });
  output.out(`chartroom demo: site built in ${(built.ms / 1000).toFixed(1)} s at ${built.outDir}`);
  if (values['no-serve']) return exitCode;

  const site = await serveSite(built.outDir, { port });
  output.out(`chartroom demo: site at ${site.url}`);
  output.out('chartroom demo: press Ctrl+C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await site.close();
  return exitCode;
}
