// One `chartroom sync` in a fresh process: wall time (including the commit) and peak RSS.
import { createSync } from '../src/sync/run.ts';

const root = process.argv[2]!;
const started = performance.now();
const report = await createSync({ root }).run({ force: true });
const ms = performance.now() - started;
const added = report.registries.reduce((n, r) => n + r.added.length, 0);
process.stdout.write(
  JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    added,
    commit: report.commit ?? null,
    exitCode: report.exitCode,
  }),
);
