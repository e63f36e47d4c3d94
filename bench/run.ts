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
 * The results are written after each case (bench/results.ts), so a stopped run keeps what ended.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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
import { round, type BenchContext, type CaseResult } from './lib.ts';
import { earlierSections, writeResults, type RunInfo } from './results.ts';

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
const info: RunInfo = {
  out,
  caseNames: Object.keys(CASES),
  planned: only,
  small,
  runs: ctx.runs,
  ram: !!ram,
  machine,
};
// Without --only too, the earlier results are kept until this run replaces them: a run stopped
// part-way leaves each case either freshly measured or as it was (with its own date)
const earlier = await earlierSections(info);
const finished: Record<string, CaseResult & { date: string }> = {};
let md = '';
try {
  for (const name of only) {
    console.error(`bench: ${name} …`);
    const started = performance.now();
    const caseScratch = path.join(scratch, name);
    await mkdir(caseScratch);
    try {
      finished[name] = {
        date: new Date().toISOString(),
        ...(await CASES[name]!({ ...ctx, scratch: caseScratch })),
      };
      console.error(`bench: ${name} done in ${round((performance.now() - started) / 1000)} s`);
    } catch (error) {
      // one broken case still leaves the others' figures, and fails the run
      console.error(`bench: ${name} failed:`, error);
      const message = (error as Error).message.split('\n')[0]!;
      finished[name] = {
        date: new Date().toISOString(),
        json: { error: message },
        markdown: `## ${name}: failed\n\n${message}\n`,
        targets: [{ case: name, target: 'runs', measured: `failed: ${message}`, met: false }],
      };
      process.exitCode = 1;
    }
    // kept as soon as the case ends: a run stopped in a later case keeps this one's figures
    md = await writeResults(info, finished, earlier);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
  if (ram) await rm(ram, { recursive: true, force: true });
}
console.log(md);
