/** A registry that rate-limits past the Retry-After cap fails for this run with its own words; the catalog stays. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { createHttpClient } from '../src/http/client.ts';
import { createSync } from '../src/sync/run.ts';
import { createTempRepo } from '../testkit/temp-repo.ts';

it('429 with a Retry-After past the cap fails the registry with toomanyrequests', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(429, { 'retry-after': '3600', 'content-type': 'application/json' }).end(
      JSON.stringify({
        errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const repo = await createTempRepo();
  const http = createHttpClient({ maxRetryAfterMs: 60_000 });
  try {
    const port = (server.address() as AddressInfo).port;
    await repo.writeRegistry('hub', `url: oci://127.0.0.1:${port}/library\ninsecure: true\ncharts: [a, b]\n`);
    const report = await createSync({ root: repo.root, http }).run({ force: true });
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.status).toBe('failed');
    expect(report.registries[0]!.error!.message).toMatch(
      /^toomanyrequests: .* \(TOOMANYREQUESTS: You have reached your pull rate limit\.\)/,
    );
  } finally {
    await http.close();
    server.close();
    await repo.cleanup();
  }
});
