/**
 * Files a pull request can add are read only from inside the repository: a symbolic link
 * committed as `registries/credentials/x.yaml` must not make the sync read a file of the machine
 * it runs on (a runner's `~/.docker/config.json`, `/proc/self/environ`).
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** Whether `file` (relative to `root`) exists and, after every symbolic link, is outside `root`. */
export async function leadsOutside(root: string, file: string): Promise<boolean> {
  const [real, top] = await Promise.all([
    realpath(path.resolve(root, file)).catch(() => undefined),
    realpath(root),
  ]);
  return real !== undefined && real !== top && !real.startsWith(top + path.sep);
}
