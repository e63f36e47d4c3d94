// One `chartroom sync` in a fresh process: wall time (including the commit), peak RSS, requests sent.
import { createHttpClient } from '../../src/http/client.ts';
import { createSync } from '../../src/index.ts';

const root = process.argv[2]!;
const http = createHttpClient();
const started = performance.now();
let listed = started;
// the last registry done: what follows is the commit (and the state file)
const onProgress = (event: { phase: string }) => {
  if (event.phase === 'done') listed = performance.now();
};
const report = await createSync({ root, http, onProgress }).run({ force: true });
const end = performance.now();
const ms = end - started;
await http.close();
const added = report.registries.reduce((n, r) => n + r.added.length, 0);
// versions with a verified signature (the signature phase's count)
const verified = report.registries.reduce((n, r) => n + (r.signatures?.verified ?? 0), 0);
const failed = report.registries.reduce((n, r) => n + r.failed.length + (r.status === 'failed' ? 1 : 0), 0);
process.stdout.write(
  JSON.stringify({
    ms,
    commitMs: end - listed,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    requests: http.requestCount,
    added,
    failed,
    verified,
    commit: report.commit ?? null,
    exitCode: report.exitCode,
  }),
);
