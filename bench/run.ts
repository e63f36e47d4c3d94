/**
 * `npm run bench`: the performance suite. Generates its data deterministically from the real
 * fixtures (../shared/fixtures or $CHARTROOM_FIXTURES), serves it on loopback, runs chartroom and
 * each case's baseline in the same run, and writes bench/results.json and bench/results.md.
 * Figures are medians over several runs, each sync or parse in a fresh process.
 *
 *   node bench/run.ts [--small] [--out DIR] [--only CASE,CASE]
 *
 * --small runs every case at tiny sizes, once (the test suite's check that the bench still runs).
 * --only runs the cases named and keeps the other cases' figures from the results already in
 * --out (results.json holds each case's section and targets for that), each with its date.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { firstSync } from './cases/first-sync.ts';
import { gitCommit } from './cases/git.ts';
import { incremental } from './cases/incremental.ts';
import { indexParse } from './cases/index-parse.ts';
import { ociSync } from './cases/oci-sync.ts';
import { packageCase } from './cases/package.ts';
import { quietSync } from './cases/quiet-sync.ts';
import { signatures } from './cases/signatures.ts';
import { sigstore } from './cases/sigstore.ts';
import { siteBuild } from './cases/site.ts';
import { siteSearch } from './cases/site-search.ts';
import { missingFixtures } from './data/fixtures.ts';
import { round, type BenchContext, type CaseResult, type Target } from './lib.ts';

const CASES: Record<string, (ctx: BenchContext) => Promise<CaseResult>> = {
  'index-parse': indexParse,
  'first-sync': firstSync,
  'quiet-sync': quietSync,
  incremental,
  'oci-sync': ociSync,
  git: gitCommit,
  site: siteBuild,
  'site-search': siteSearch,
  package: packageCase,
  signatures,
  sigstore,
};

const { values } = parseArgs({
  options: { small: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } },
});
const missing = missingFixtures();
if (missing) {
  console.error(missing);
  process.exit(2);
}
const only = values.only?.split(',') ?? Object.keys(CASES);
for (const name of only) {
  if (!CASES[name]) {
    console.error(`no benchmark case "${name}": choose from ${Object.keys(CASES).join(', ')}`);
    process.exit(2);
  }
}
const small = values.small === true;
const out = path.resolve(values.out ?? path.dirname(fileURLToPath(import.meta.url)));
// Repositories, catalogs and scratch files go to RAM (tmpfs) when there is one: this VM's disk
// (ext4 mounted with discard) takes 1x to 3x as long for the same thousands of file creations
// from one run to the next, which would bury what is measured. First-sync also runs once on disk.
const diskTmp = tmpdir();
const ram = !small && existsSync('/dev/shm') ? await mkdtemp('/dev/shm/chartroom-bench-') : undefined;
if (ram) process.env.TMPDIR = ram;
const scratch = await mkdtemp(path.join(tmpdir(), 'chartroom-bench-'));
const ctx: BenchContext = {
  small,
  runs: small ? 1 : Number(process.env.BENCH_RUNS ?? 5),
  scratch,
  diskTmp: ram ? diskTmp : undefined,
};

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const results: Record<string, CaseResult> = {};
try {
  for (const name of only) {
    console.error(`bench: ${name} …`);
    const started = performance.now();
    const caseScratch = path.join(scratch, name);
    await mkdir(caseScratch);
    try {
      results[name] = await CASES[name]!({ ...ctx, scratch: caseScratch });
      console.error(`bench: ${name} done in ${round((performance.now() - started) / 1000)} s`);
    } catch (error) {
      // one broken case still leaves the others' figures, and fails the run
      console.error(`bench: ${name} failed:`, error);
      const message = (error as Error).message.split('\n')[0]!;
      results[name] = {
        json: { error: message },
        markdown: `## ${name}: failed\n\n${message}\n`,
        targets: [{ case: name, target: 'runs', measured: `failed: ${message}`, met: false }],
      };
      process.exitCode = 1;
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
  if (ram) await rm(ram, { recursive: true, force: true });
}

const date = new Date().toISOString();
/** One case's figures as results.json keeps them, so a later --only run can carry them over. */
interface Kept {
  date: string;
  json: Record<string, unknown>;
  markdown: string;
  targets: Target[];
}
const fresh: Record<string, Kept> = Object.fromEntries(
  Object.entries(results).map(([name, r]) => [name, { date, ...r }]),
);
const keptFile = path.join(out, 'results.json');
const earlier: Record<string, Kept> =
  values.only && !small && existsSync(keptFile)
    ? ((JSON.parse(await readFile(keptFile, 'utf8')) as { sections?: Record<string, Kept> }).sections ?? {})
    : {};
const sections: Record<string, Kept> = Object.fromEntries(
  Object.keys(CASES).flatMap((name) => {
    const section = fresh[name] ?? earlier[name];
    return section ? [[name, section]] : [];
  }),
);
const carried = Object.keys(sections).filter((name) => !fresh[name]);
/** "a, b (date); c (date)": the carried-over cases by the run that measured them. */
function carriedDates(): string {
  const byDate = Map.groupBy(carried, (name) => sections[name]!.date);
  return [...byDate].map(([when, names]) => `${names.join(', ')} (${when})`).join('; ');
}
const targets: Target[] = Object.values(sections).flatMap((r) => r.targets);
const json = {
  date,
  small,
  runs: ctx.runs,
  machine,
  targets,
  cases: Object.fromEntries(Object.entries(sections).map(([k, r]) => [k, r.json])),
  sections,
};
const md = `# chartroom benchmark results

Measured by \`npm run bench\` (bench/run.ts) on ${date}${small ? ', small mode (tiny sizes, one run: not figures to quote)' : ''}.
${carried.length ? `This run measured ${Object.keys(fresh).join(', ')} alone (\`--only\`); the other cases' figures are carried over from earlier runs: ${carriedDates()}.\n` : ''}Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.
Medians of ${ctx.runs} run(s); each sync and parse runs in a fresh process, so peak RSS is its own. Every baseline runs in the same run as what it is compared to.
${ram ? 'Repositories and catalogs are on tmpfs (/dev/shm): on this VM the disk takes 1x to 3x as long for the same file creations from one run to the next. Case 2 also shows one run on disk.' : 'Repositories and catalogs are in the system temp folder.'}

## Targets

| case | target | measured | met |
|---|---|---|---|
${targets.map((t) => `| ${t.case} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`).join('\n')}

${Object.values(sections)
  .map((r) => r.markdown)
  .join('\n')}`;
await mkdir(out, { recursive: true });
await writeFile(keptFile, `${JSON.stringify(json, null, 2)}\n`);
await writeFile(path.join(out, 'results.md'), md);
console.log(md);
