/**
 * How a build's files are put into an output folder (placeSite), on folders made here: a link
 * inside the folder where the site writes is never written through, and a file of the last build
 * that became a folder is replaced.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeSite } from './output.ts';

let base: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'chartroom-place-'));
});
afterEach(() => rm(base, { recursive: true, force: true }));

async function built(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(base, 'built-'));
  for (const [file, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), body);
  }
  return dir;
}

describe('placeSite', () => {
  it('refuses to write through a link the user put where the site has a folder', async () => {
    const out = path.join(base, 'out');
    const elsewhere = path.join(base, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await symlink(elsewhere, path.join(out, 'charts'));
    await expect(
      placeSite(await built({ 'index.html': 'home', 'charts/a/index.html': 'a' }), out),
    ).rejects.toThrow(/did not write where the site has its own \(charts\/a\/index\.html\)/);
    expect(existsSync(path.join(elsewhere, 'a'))).toBe(false);
    expect(existsSync(path.join(out, 'index.html'))).toBe(false);
  });

  it('replaces a file of the last build by a folder, and the other way round', async () => {
    const out = path.join(base, 'out');
    await placeSite(await built({ a: 'file', 'b/index.html': 'b' }), out);
    await placeSite(await built({ 'a/index.html': 'now a folder', b: 'now a file' }), out);
    expect(await readFile(path.join(out, 'a', 'index.html'), 'utf8')).toBe('now a folder');
    expect(await readFile(path.join(out, 'b'), 'utf8')).toBe('now a file');
  });
});
