/**
 * One sync per repository at a time: `.chartroom/sync.lock` names the run that holds it (its
 * pid, when that process started, the boot and the host it runs on, a random token) and the
 * holder touches it every half minute. A lock whose holder is gone is taken over, however its
 * pid has been reused since: by this very process (a container restarted on a persistent volume
 * is pid 1 again), or by any other live process that is not the holder.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ChartroomError } from '../errors.ts';

const LOCK_FILE = path.join('.chartroom', 'sync.lock');
/** how often the holder touches the lock */
const HEARTBEAT_MS = 30_000;
/** a lock not touched for this long has no live holder, where nothing better tells */
const STALE_MS = 10 * 60_000;

interface LockRecord {
  pid: number;
  host: string;
  /** the kernel's boot id (Linux) */
  boot?: string;
  /** the holder's start time in clock ticks since boot (Linux `/proc/<pid>/stat`) */
  started?: string;
  token: string;
  since: string;
}

/** the tokens of the locks this process holds (two syncs in one process are two holders) */
const held = new Set<string>();

/** Takes the repository's sync lock, or fails Locked while a live sync holds it. Returns its release. */
export async function acquireLock(root: string): Promise<() => Promise<void>> {
  const file = path.join(root, LOCK_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    ...optional('boot', bootId()),
    ...optional('started', startTimeOf(process.pid)),
    token: randomUUID(),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(file, record)) return hold(file, record);
    const holder = await holderOf(file);
    if (holder === 'gone') {
      await rm(file, { force: true });
      continue;
    }
    if (holder === undefined) continue;
    throw new ChartroomError(
      'Locked',
      `another chartroom sync (pid ${holder.pid} on ${holder.host}, since ${holder.since}) is running in this repository; wait for it to finish`,
      { hint: `if no sync is running, delete ${LOCK_FILE}` },
    );
  }
  throw new ChartroomError('Locked', `could not take ${LOCK_FILE}; delete it if no sync is running`);
}

/** Creates the lock file whole (written aside, then linked into place), or returns false when it exists. */
async function create(file: string, record: LockRecord): Promise<boolean> {
  const content = `${JSON.stringify(record)}\n`;
  const aside = `${file}.${record.token}`;
  await writeFile(aside, content);
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // a filesystem without hard links: exclusive create, then write
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    return createExclusive(file, content);
  } finally {
    await rm(aside, { force: true });
  }
}

async function createExclusive(file: string, content: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(content);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function hold(file: string, record: LockRecord): () => Promise<void> {
  held.add(record.token);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    held.delete(record.token);
    // only our own lock: one taken over meanwhile is another run's
    const current = await readFile(file, 'utf8').catch(() => '');
    if (parseRecord(current)?.token === record.token) await rm(file, { force: true });
  };
}

/**
 * The lock's holder if it may be alive, 'gone' when it cannot be (its process is gone, or is
 * another one now), undefined when the file vanished meanwhile.
 */
async function holderOf(file: string): Promise<LockRecord | 'gone' | undefined> {
  let text: string;
  let touched: number;
  try {
    [text, touched] = await Promise.all([readFile(file, 'utf8'), stat(file).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // a lock an earlier chartroom wrote holds only the pid
  const legacy = /^\d+\s*$/.test(text) ? Number(text) : undefined;
  const record =
    parseRecord(text) ??
    (legacy === undefined
      ? undefined
      : { pid: legacy, host: hostname(), token: '', since: new Date(touched).toISOString() });
  // written whole (linked into place), so one that does not parse is no lock at all
  if (!record) return 'gone';
  return isHeld(record, touched) ? record : 'gone';
}

function isHeld(record: LockRecord, touched: number): boolean {
  const untouched = Date.now() - touched > STALE_MS;
  // another host's (a shared volume, a pod rescheduled elsewhere): only its heartbeat tells
  if (record.host !== hostname()) return !untouched;
  const boot = bootId();
  if (record.boot !== undefined && boot !== undefined && record.boot !== boot) return false;
  // our pid: held only if this process took it (a restarted container is pid 1 again)
  if (record.pid === process.pid) return held.has(record.token);
  if (!Number.isInteger(record.pid) || record.pid <= 0 || !isAlive(record.pid)) return false;
  const started = startTimeOf(record.pid);
  if (started !== undefined) {
    if (record.started !== undefined) return started === record.started;
    // a process that started after the lock was last touched did not write it
    const startedAt = startedAtMs(started);
    if (startedAt !== undefined && startedAt > touched + 2000) return false;
  }
  // a live pid and nothing more to tell by (no /proc): the heartbeat decides
  return !untouched;
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord> | null;
    if (typeof value?.pid !== 'number' || typeof value.host !== 'string' || typeof value.token !== 'string')
      return undefined;
    return value as LockRecord;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function startTimeOf(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

/** A start time in clock ticks as wall-clock milliseconds (boot time from /proc/stat; USER_HZ is 100). */
function startedAtMs(ticks: string): number | undefined {
  const btime = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '')?.[1];
  return btime === undefined ? undefined : Number(btime) * 1000 + Number(ticks) * 10;
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
