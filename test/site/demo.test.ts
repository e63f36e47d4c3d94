/** `chartroom demo`, run as a person runs it: it ends by serving the built site until stopped. */
import { hasDistribution } from '../../src/demo/distribution.ts';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/chartroom.js', import.meta.url));

describe('chartroom demo', () => {
  it('syncs the examples, builds the site, serves it on loopback, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no site URL after 90 s:\n${output}`)), 90_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^chartroom demo: site at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`demo exited with ${code} before serving:\n${output}`)));
    });
    try {
      const home = await fetch(url);
      expect(home.status).toBe(200);
      const html = await home.text();
      // with Debian's docker-registry installed (as .ci/run does) the demo adds an OCI registry
      expect(html).toContain(hasDistribution() ? '5 charts from 2 registries' : '3 charts from 1 registries');
      expect(html).toContain('queue-worker');
      const chart = await fetch(`${url}charts/demo/queue-worker/`);
      expect(chart.status).toBe(200);
      expect(await chart.text()).toContain('helm install queue-worker demo/queue-worker --version 0.5.0');
      expect((await fetch(`${url}pagefind/pagefind.js`)).status).toBe(200);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // its temporary folder, named when it started, is gone
      const folder = /^chartroom demo: working in (\S+) /m.exec(output)![1]!;
      expect(existsSync(folder), output).toBe(false);
    }
  }, 120_000);
});
