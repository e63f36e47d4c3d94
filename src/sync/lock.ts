import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ChartroomError } from '../errors.ts';

const LOCK_FILE = path.join('.chartroom', 'sync.lock');

/** One sync per repository at a time. A lock left by a dead process is taken over. */
export async function acquireLock(root: string): Promise<() => Promise<void>> {
  const file = path.join(root, LOCK_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(file, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new ChartroomError(
          'Locked',
          `another chartroom sync (pid ${pid}) is running in this repository; wait for it to finish`,
          {
            hint: `if no sync is running, delete ${LOCK_FILE}`,
          },
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new ChartroomError('Locked', `could not take ${LOCK_FILE}; delete it if no sync is running`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
