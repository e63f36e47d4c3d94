/** What every benchmark case shares: fresh-process workers, medians, and the shape of a result. */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface Sample {
  ms: number;
  maxRssMiB: number;
}

export interface BenchContext {
  /** tiny sizes and one run: the test suite's check that the bench still works */
  small: boolean;
  runs: number;
  /** a scratch folder the case may fill; removed after the run */
  scratch: string;
  /** the on-disk temp folder, when the bench otherwise works on tmpfs */
  diskTmp: string | undefined;
}

export interface Target {
  case: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface CaseResult {
  json: Record<string, unknown>;
  markdown: string;
  targets: Target[];
}

/** Runs bench/workers/<script> in a fresh Node process (so its peak RSS is its own) and reads its JSON. */
export async function worker<T extends Sample>(script: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [path.join(here, 'workers', script), ...args], {
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout) as T;
}

export async function repeat<T extends Sample>(times: number, sample: () => Promise<T>) {
  const samples: T[] = [];
  for (let i = 0; i < times; i++) samples.push(await sample());
  return summarise(samples);
}

export function summarise<T extends Sample>(samples: T[]) {
  return {
    ms: round(median(samples.map((s) => s.ms))),
    maxRssMiB: round(median(samples.map((s) => s.maxRssMiB))),
    runs: samples.length,
    last: samples.at(-1)!,
  };
}

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export const ratio = (a: number, b: number) => round(a / b, 2);
export const n = (value: number) => value.toLocaleString('en');
export const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Bytes and files under a folder, and how many of the files are HTML pages. */
export async function treeBytes(dir: string): Promise<{ bytes: number; files: number; html: number }> {
  let bytes = 0;
  let files = 0;
  let html = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
    files++;
    if (entry.name.endsWith('.html')) html++;
  }
  return { bytes, files, html };
}
