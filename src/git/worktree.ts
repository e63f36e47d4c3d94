/** How catalog/'s working tree differs from HEAD, and putting files back as HEAD has them. */
import type { SimpleGit } from 'simple-git';

/** One entry of `git status --porcelain`: X is the index's status, Y the working tree's. */
export interface WorktreeChange {
  x: string;
  y: string;
  file: string;
}

// files per git call when restoring, well under any command-line limit
const RESTORE_BATCH = 200;

/** `path` less the paths in `exclude`, as git pathspecs taken literally */
export const pathspec = (path: string, exclude: string[]) => [
  `:(literal)${path}`,
  ...exclude.map((p) => `:(exclude,literal)${p}`),
];

const under = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

/** whether `file` is in what pathspec(path, exclude) names */
export const isWithin = (file: string, path: string, exclude: string[]) =>
  under(file, path) && !exclude.some((p) => under(file, p));

/**
 * The CatalogGit methods of this file. `rootPrefix` is the repository root's path in its work tree
 * (`git rev-parse --show-prefix`, empty at the top): git names files from the top, these methods
 * from the root, as the rest of chartroom does.
 */
export const worktreeOf = (git: SimpleGit, rootPrefix: () => Promise<string>) => ({
  changes: async (path: string) => worktreeChanges(git, path, await rootPrefix()),
  restoreFromHead: (files: string[]) => restoreFromHead(git, files),
});

async function worktreeChanges(git: SimpleGit, path: string, top: string): Promise<WorktreeChange[]> {
  const entries = (await git.raw(['status', '--porcelain=v1', '-z', '--', path])).split('\0');
  const changes: WorktreeChange[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    changes.push({ x: entry[0]!, y: entry[1]!, file: entry.slice(3 + top.length) });
    // a rename or copy is followed by the path it came from
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return changes;
}

async function restoreFromHead(git: SimpleGit, files: string[]): Promise<void> {
  for (let i = 0; i < files.length; i += RESTORE_BATCH) {
    const batch = files.slice(i, i + RESTORE_BATCH).map((file) => `:(literal)${file}`);
    await git.raw(['checkout', 'HEAD', '--', ...batch]);
  }
}
