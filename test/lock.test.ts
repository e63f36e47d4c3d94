/**
 * The sync lock (`.chartroom/sync.lock`) with its pid reused: a dead run's lock is taken over
 * whether its pid is now this process (a container restarted on a persistent volume), pid 1, or
 * a live process that is not the holder; a lock a live sync holds, in this process or another,
 * is still refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../src/sync/lock.ts';

const LOCK_MODULE = fileURLToPath(new URL('../src/sync/lock.ts', import.meta.url));
let root: string;
let lockFile: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'chartroom-lock-'));
  lockFile = path.join(root, '.chartroom', 'sync.lock');
  await mkdir(path.dirname(lockFile), { recursive: true });
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

/** A lock as a run on this host and boot wrote it, with these fields changed. */
async function writeLock(fields: Record<string, unknown>): Promise<void> {
  const boot = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (b) => ({ boot: b.trim() }),
    () => ({}),
  );
  const record = { pid: 0, host: hostname(), ...boot, token: 'someone', since: '2026-01-01T00:00:00.000Z' };
  await writeFile(lockFile, JSON.stringify({ ...record, ...fields }));
}

/** A live process that is not a sync (or, with `lock`, one holding the lock); resolves once it runs. */
function startChild(lock = false): Promise<ChildProcess> {
  const code = lock
    ? `const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)}); await acquireLock(${JSON.stringify(root)}); console.log('ready'); setInterval(() => {}, 1000);`
    : `console.log('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (status) => reject(new Error(`child exited ${status}`)));
  });
}

async function takesOver(): Promise<void> {
  const release = await acquireLock(root);
  expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
  await release();
}

describe('a stale sync lock whose pid is reused', () => {
  it('is taken over when it names this very process (a restarted container) in either format', async () => {
    await writeFile(lockFile, String(process.pid));
    await takesOver();
    await writeLock({ pid: process.pid });
    await takesOver();
  });

  it('is taken over when it names pid 1 or another live process that started after it', async () => {
    // an earlier chartroom's lock (the pid alone), left before pid 1 (re)started
    await writeFile(lockFile, '1');
    await utimes(lockFile, new Date('2000-01-01'), new Date('2000-01-01'));
    await takesOver();
    await writeLock({ pid: 1, started: '1' });
    await takesOver();
    const unrelated = await startChild();
    await writeLock({ pid: unrelated.pid, started: '12345' });
    await takesOver();
  });

  it('is taken over from another host only once its holder stopped touching it', async () => {
    await writeLock({ pid: 4242, host: 'elsewhere' });
    await expect(acquireLock(root)).rejects.toMatchObject({
      code: 'Locked',
      message: expect.stringContaining('pid 4242 on elsewhere') as string,
    });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockFile, hourAgo, hourAgo);
    await takesOver();
  });

  it('is refused while a live sync holds it, in another process or in this one', async () => {
    const holder = await startChild(true);
    await expect(acquireLock(root)).rejects.toMatchObject({ code: 'Locked' });
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    // its holder is gone: taken over
    const release = await acquireLock(root);
    await expect(acquireLock(root)).rejects.toMatchObject({
      code: 'Locked',
      message: expect.stringContaining(`pid ${process.pid}`) as string,
    });
    await release();
    await takesOver();
  });
});
