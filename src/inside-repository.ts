/**
 * Files a pull request can add are read only from inside the repository: a symbolic link
 * committed as `registries/credentials/x.yaml` must not make the sync read a file of the machine
 * it runs on (a runner's `~/.docker/config.json`, `/proc/self/environ`). Imports nothing of
 * chartroom: config, credentials, sync and trust (a policy's key) all hold files to it.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** Whether `p`, an absolute path, is neither `top` nor under it. */
const outside = (top: string, p: string) => p !== top && !p.startsWith(top + path.sep);

/** Whether `file` (relative to `root`) exists and, after every symbolic link, is outside `root`. */
export async function leadsOutside(root: string, file: string): Promise<boolean> {
  const [real, top] = await Promise.all([
    realpath(path.resolve(root, file)).catch(() => undefined),
    realpath(root),
  ]);
  return real !== undefined && outside(top, real);
}

/**
 * `file`, resolved against `root`, if it stays inside the repository: relative, no `..` above the
 * root, and after every symbolic link still inside it. Else a sentence saying why not.
 */
export async function insideRepository(
  root: string,
  file: string,
): Promise<{ real: string } | { refused: string }> {
  if (file === '' || path.isAbsolute(file) || /^[a-zA-Z]:|^[\\/]/.test(file)) {
    return { refused: 'is not a repository-relative path' };
  }
  const top = await realpath(root);
  const lexical = path.resolve(top, file);
  if (outside(top, lexical)) {
    return { refused: 'leads outside the repository' };
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return { refused: 'does not exist' };
  }
  if (real === top || outside(top, real)) {
    return { refused: 'leads outside the repository (a symbolic link)' };
  }
  return { real };
}
