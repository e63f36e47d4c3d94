/** The Pagefind build step on its own, with the real Pagefind binary: it indexes, or it fails the build. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
import { afterEach, describe, expect, it } from 'vitest';
import { pagefind } from '../../site/integrations/pagefind.ts';

const logged: string[] = [];
const logger = { info: (line: string) => logged.push(line) } as unknown as AstroIntegrationLogger;
const dirs: string[] = [];

async function site(pages: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chartroom-pagefind-'));
  dirs.push(dir);
  for (const [file, html] of Object.entries(pages)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), html);
  }
  return dir;
}

function buildDone(dir: string): Promise<void> {
  const hook = pagefind().hooks['astro:build:done']!;
  return Promise.resolve(hook({ dir: pathToFileURL(`${dir}/`), pages: [], assets: new Map(), logger }));
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('the Pagefind build step', () => {
  it('indexes the chart pages and writes the index beside them', async () => {
    const dir = await site({
      'index.html': '<html lang="en"><body><h1>Home</h1></body></html>',
      'charts/a/b/index.html':
        '<html lang="en"><body><main data-pagefind-body><h1>b</h1><p>lighthouse</p></main></body></html>',
    });
    await buildDone(dir);
    expect(existsSync(path.join(dir, 'pagefind', 'pagefind.js'))).toBe(true);
    expect(logged.at(-1)).toMatch(/^Pagefind indexed \d+ pages$/);
  });

  it('fails the build when there is nothing it can index', async () => {
    await expect(buildDone(path.join(tmpdir(), 'chartroom-no-such-site'))).rejects.toThrow(/Pagefind/);
  });
});
