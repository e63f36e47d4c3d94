/**
 * Files as another commit has them, for comparing the working tree with a pull request's base:
 * the commit to compare with (the merge base with HEAD when the history is there, else the
 * named commit itself, as in a depth-1 checkout of a pull request's merge commit), and the text
 * of the files under a folder at that commit.
 */
import { simpleGit } from 'simple-git';

/** The commit to compare HEAD with for `ref`, or undefined when `ref` names no commit here. */
export async function comparisonBase(root: string, ref: string): Promise<string | undefined> {
  const git = simpleGit({ baseDir: root });
  let commit: string;
  try {
    commit = (await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    return undefined;
  }
  if (!commit) return undefined;
  try {
    const base = (await git.raw(['merge-base', 'HEAD', commit])).trim();
    return base || commit;
  } catch {
    return commit;
  }
}

/** path (relative to the repository) → text, for every file under `dir` at `commit`. */
export async function filesAt(root: string, commit: string, dir: string): Promise<Map<string, string>> {
  const git = simpleGit({ baseDir: root });
  const listed = await git.raw(['ls-tree', '-r', '-z', '--name-only', commit, '--', dir]);
  const out = new Map<string, string>();
  for (const file of listed.split('\0').filter(Boolean)) {
    out.set(file, await git.show([`${commit}:${file}`]));
  }
  return out;
}
