/**
 * `npm run bench`: measures chartroom on the real fixtures (../shared/fixtures or
 * $CHARTROOM_FIXTURES) and writes bench/results.json and bench/results.md. Each figure is the
 * median of several runs, each in a fresh process so peak RSS is the case's own.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import pLimit from 'p-limit';
import { packChartDir } from '../src/chart/pack.ts';
import { pushChart } from '../test/helpers/oci-push.ts';
import { startRegistry } from '../test/helpers/oci-registry.ts';
import { createTempRepo } from '../test/helpers/temp-repo.ts';
import { benchSite } from './site.ts';
import { serveCharts } from '../test/helpers/serve.ts';
import { fixtureCharts, fixturesDir, missingFixtures } from '../test/real/fixtures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Sample {
  ms: number;
  maxRssMiB: number;
}

async function worker<T extends Sample>(script: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [path.join(here, script), ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as T;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function measure<T extends Sample>(script: string, args: string[], runs = RUNS) {
  const samples: T[] = [];
  for (let i = 0; i < runs; i++) samples.push(await worker<T>(script, args));
  return {
    ms: round(median(samples.map((s) => s.ms))),
    maxRssMiB: round(median(samples.map((s) => s.maxRssMiB))),
    runs,
    last: samples.at(-1)!,
  };
}

const missing = missingFixtures();
if (missing) {
  console.error(missing);
  process.exit(2);
}

const results: Record<string, unknown> = {
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
  },
  date: new Date().toISOString(),
};

// 1. Parsing the real argo-helm index (1.58 MB, 1,628 versions), YAML and its JSON form.
const indexFile = path.join(fixturesDir(), 'index', 'argo-helm.index.yaml');
const scratch = await mkdtemp(path.join(tmpdir(), 'chartroom-bench-'));
const jsonFile = path.join(scratch, 'argo-helm.index.json');
await writeFile(jsonFile, JSON.stringify(load(await readFile(indexFile, 'utf8'))));
console.error('bench: index parse …');
const parse = {
  chartroomYaml: await measure('parse-worker.ts', ['chartroom', indexFile]),
  chartroomJson: await measure('parse-worker.ts', ['chartroom', jsonFile]),
  yamlPackage: await measure('parse-worker.ts', ['yaml', indexFile]),
  jsonParse: await measure('parse-worker.ts', ['json-parse', jsonFile]),
};
results.indexParse = {
  data: 'argo-helm index.yaml, 1.58 MB, 1,628 versions',
  ...parse,
  ratioVsYamlPackage: round(parse.chartroomYaml.ms / parse.yamlPackage.ms, 2),
  ratioVsJsonParse: round(parse.chartroomYaml.ms / parse.jsonParse.ms, 2),
};

// 2. First and second sync of the fixture charts (26 real charts x 3 versions) over loopback HTTP.
console.error('bench: fixture sync …');
const charts = fixtureCharts();
const served = await serveCharts(
  charts.map((c) => ({ dir: c.dir, name: c.name, versions: ['0.0.1', '0.0.2', c.version] })),
);
const first: Sample[] = [];
const second: Sample[] = [];
let archiveBytes = 0;
for (const [file, body] of served.repo.files) if (file.endsWith('.tgz')) archiveBytes += body.length;
for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 2)); i++) {
  const repo = await createTempRepo();
  await repo.writeRegistry('fixtures', `url: ${served.url}\ninsecure: true\nkeep: all\n`);
  first.push(await worker('sync-worker.ts', [repo.root]));
  served.reset();
  second.push(await worker('sync-worker.ts', [repo.root]));
  if (i === 0) results.secondSyncRequests = served.count();
  await repo.cleanup();
}
await served.close();
results.fixtureSync = {
  data: `${charts.length} real charts x 3 versions = ${charts.length * 3} archives, ${round(archiveBytes / 2 ** 20, 2)} MiB, loopback HTTP, keep: all`,
  first: {
    ms: round(median(first.map((s) => s.ms))),
    maxRssMiB: round(median(first.map((s) => s.maxRssMiB))),
    runs: first.length,
  },
  second: {
    ms: round(median(second.map((s) => s.ms))),
    maxRssMiB: round(median(second.map((s) => s.maxRssMiB))),
    runs: second.length,
  },
};
// 3. OCI: first and second sync from the real distribution registry, against skopeo copying the same artifacts.
console.error('bench: OCI sync …');
const perChart = Number(process.env.BENCH_OCI_VERSIONS ?? 5);
const registry = await startRegistry('none');
let artifacts = 0;
const refs: string[] = [];
for (const chart of charts) {
  for (let v = 1; v <= perChart; v++) {
    const version = v === perChart ? chart.version : `0.0.${v}`;
    await pushChart(
      registry,
      `helm/${chart.name}`,
      await packChartDir(chart.dir, { name: chart.name, version }),
      version,
    );
    refs.push(`${registry.host}/helm/${chart.name}:${version.replaceAll('+', '_')}`);
    artifacts++;
  }
}
type SyncSample = Sample & { requests: number; added: number };
const ociFirst: SyncSample[] = [];
const ociSecond: SyncSample[] = [];
for (let i = 0; i < 3; i++) {
  const repo = await createTempRepo();
  await repo.writeRegistry(
    'oci',
    `url: oci://${registry.host}/helm\ninsecure: true\nkeep: all\ncharts: [${charts.map((c) => c.name).join(', ')}]\n`,
  );
  ociFirst.push(await worker<SyncSample>('sync-worker.ts', [repo.root]));
  ociSecond.push(await worker<SyncSample>('sync-worker.ts', [repo.root]));
  await repo.cleanup();
}
const skopeoTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const out = await mkdtemp(path.join(tmpdir(), 'chartroom-skopeo-'));
  const limit = pLimit(8);
  const started = performance.now();
  await Promise.all(
    refs.map((ref, n) =>
      limit(() =>
        run('skopeo', [
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          `docker://${ref}`,
          `dir:${path.join(out, String(n))}`,
        ]),
      ),
    ),
  );
  skopeoTimes.push(performance.now() - started);
  await rm(out, { recursive: true, force: true });
}
await registry.close();
results.ociSync = {
  data: `${artifacts} Helm OCI artifacts (${charts.length} real charts x ${perChart} versions) in the real distribution registry on loopback, anonymous, keep: all`,
  first: {
    ms: round(median(ociFirst.map((s) => s.ms))),
    requests: ociFirst[0]!.requests,
    added: ociFirst[0]!.added,
    maxRssMiB: round(median(ociFirst.map((s) => s.maxRssMiB))),
  },
  second: {
    ms: round(median(ociSecond.map((s) => s.ms))),
    requests: ociSecond[0]!.requests,
    added: ociSecond[0]!.added,
  },
  skopeoBaseline: {
    ms: round(median(skopeoTimes)),
    what: 'skopeo copy docker://… dir:… of the same artifacts, 8 at a time',
  },
};

await rm(scratch, { recursive: true, force: true });

// 4. The site build (Astro + Pagefind) over generated catalogs of 250, 500 and 1,000 charts.
console.error('bench: site build …');
const site = await benchSite();
results.site = site.json;

await writeFile(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
const p = results.indexParse as typeof parse & { ratioVsYamlPackage: number; ratioVsJsonParse: number };
const s = results.fixtureSync as { data: string; first: Sample; second: Sample };
const m = results.machine as { cores: number; cpu: string; memoryGiB: number; node: string };
const o = results.ociSync as {
  first: { ms: number; requests: number };
  second: { ms: number; requests: number };
  skopeoBaseline: { ms: number };
};
const md = `# chartroom benchmark results

Measured by \`npm run bench\` (bench/run.ts) on ${results.date as string}.
Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}. Medians; each run in a fresh process.

## Index parse: ${(results.indexParse as { data: string }).data}

| parser | median time | peak RSS (whole process) |
|---|---|---|
| chartroom, YAML form (js-yaml + normalisation) | ${p.chartroomYaml.ms} ms | ${p.chartroomYaml.maxRssMiB} MiB |
| chartroom, JSON form (JSON.parse + normalisation) | ${p.chartroomJson.ms} ms | ${p.chartroomJson.maxRssMiB} MiB |
| baseline: \`yaml\` package, parse only | ${p.yamlPackage.ms} ms | ${p.yamlPackage.maxRssMiB} MiB |
| floor: \`JSON.parse\` of the JSON form | ${p.jsonParse.ms} ms | ${p.jsonParse.maxRssMiB} MiB |

chartroom (YAML) / \`yaml\` package: ${p.ratioVsYamlPackage}x; chartroom (YAML) / JSON.parse floor: ${p.ratioVsJsonParse}x.

## Sync: ${s.data}

| run | median time (incl. catalog write and git commit) | peak RSS |
|---|---|---|
| first sync | ${s.first.ms} ms | ${s.first.maxRssMiB} MiB |
| second sync (nothing changed: one conditional request, ${results.secondSyncRequests as number} request(s) seen) | ${s.second.ms} ms | ${s.second.maxRssMiB} MiB |

## OCI sync: ${(results.ociSync as { data: string }).data}

| run | median time | requests |
|---|---|---|
| first sync (tags, manifests, config and layer blobs; catalog write and commit) | ${o.first.ms} ms | ${o.first.requests} |
| second sync (nothing changed: tags only) | ${o.second.ms} ms | ${o.second.requests} |
| baseline: skopeo copy of the same artifacts, 8 at a time | ${o.skopeoBaseline.ms} ms | |

First sync / skopeo: ${round(o.first.ms / o.skopeoBaseline.ms, 2)}x.

${site.markdown}`;
await writeFile(path.join(here, 'results.md'), md);
console.log(md);
