// One `chartroom sync` in a fresh process: wall time (including the commit), peak RSS, requests sent.
import { createHttpClient } from '../src/http/client.ts';
import { createSync } from '../src/sync/run.ts';

const root = process.argv[2]!;
const http = createHttpClient();
const started = performance.now();
const report = await createSync({ root, http }).run({ force: true });
const ms = performance.now() - started;
await http.close();
const added = report.registries.reduce((n, r) => n + r.added.length, 0);
process.stdout.write(
  JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    requests: http.requestCount,
    added,
    commit: report.commit ?? null,
    exitCode: report.exitCode,
  }),
);
