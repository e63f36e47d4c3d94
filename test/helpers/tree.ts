/** Lists every file, folder and link under a folder, to see what a run wrote where. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Paths (relative to `dir`, `/`-separated, folders ending in `/`), sorted. `skip` names
 * relative folders not to descend into (a `.git` whose objects a commit changes).
 */
export async function listTree(dir: string, skip: string[] = []): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        out.push(`${child}/`);
        if (!skip.includes(child)) await walk(child);
      } else out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

/** The text of every file under a folder: what a secret must not appear in. */
export async function readTexts(dir: string): Promise<string[]> {
  const files = (await listTree(dir)).filter((p) => !p.endsWith('/'));
  return Promise.all(files.map((p) => readFile(path.join(dir, p), 'utf8')));
}
