/**
 * `chartroom demo` stopped with Ctrl+C (SIGINT) while it serves the site: it says where its
 * temporary folder is when it starts, and removes it when stopped, exiting 0 (Ctrl+C is how the
 * demo ends).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/chartroom.js', import.meta.url));

describe('chartroom demo on Ctrl+C', () => {
  it('removes its temporary folder on SIGINT and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no site URL after 90 s:\n${output}`)), 90_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/^chartroom demo: site at /m.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`demo exited before serving:\n${output}`)));
    });
    try {
      await stopAndCheck(child, exited, output);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});

async function stopAndCheck(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: string | null }>,
  before: string,
): Promise<void> {
  let output = before;
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // the first line names the folder and how to remove it by hand
  const first =
    /^chartroom demo: working in (\S+) \(removed when the demo stops; if it is left behind: rm -rf \1\)$/m.exec(
      output,
    );
  expect(first, output).not.toBeNull();
  const folder = first![1]!;
  expect(existsSync(folder)).toBe(true);
  child.kill('SIGINT');
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(existsSync(folder), output).toBe(false);
  expect(output).toContain(`chartroom demo: removed ${folder}`);
}

describe('chartroom demo interrupted before it serves', () => {
  it('removes its temporary folder on SIGINT during the syncs and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const folder = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no folder line after 60 s:\n${output}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /^chartroom demo: catalog repository at (\S+)$/m.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      child.kill('SIGINT');
      expect(await exited, output).toBe(130);
      expect(existsSync(folder), output).toBe(false);
      expect(output).toContain('chartroom demo: SIGINT, stopping');
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
