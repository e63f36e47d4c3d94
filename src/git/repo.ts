/**
 * Git for the catalog: one commit per run that changed something, push with rebase-and-retry
 * when a concurrent run pushed first. simple-git drives the real git binary (isomorphic-git has
 * no rebase and is slow on large trees).
 */
import { simpleGit, type SimpleGit } from 'simple-git';
import { ChartroomError } from '../errors.ts';
import { failpoint } from '../failpoint.ts';
import { isWithin, pathspec, worktreeOf, type WorktreeChange } from './worktree.ts';

export type { WorktreeChange } from './worktree.ts';

export interface CatalogGit {
  isRepository(): Promise<boolean>;
  /** the last commit that touched `path`, if any */
  lastCommitTouching(path: string): Promise<string | undefined>;
  /**
   * stages and commits only `path`, less the paths under it in `exclude`; returns the new commit,
   * or undefined when nothing changed
   */
  commitPath(path: string, message: string, exclude?: string[]): Promise<string | undefined>;
  /** whether `path` has no uncommitted changes */
  isClean(path: string): Promise<boolean>;
  push(options?: { remote?: string; attempts?: number }): Promise<void>;
  /** how the working tree under `path` differs from HEAD (`git status --porcelain`; an untracked folder is one entry) */
  changes(path: string): Promise<WorktreeChange[]>;
  /** puts `files` back as HEAD has them (in the index and the working tree) */
  restoreFromHead(files: string[]): Promise<void>;
}

// --autostash: files outside catalog/ that the run left dirty (a lockfile npm rewrote, an
// untracked report) are put aside for the rebase and put back after it
const PULL_REBASE = ['pull', '--rebase', '--autostash', '--quiet'];

const IDENTITY = { name: 'chartroom', email: 'chartroom@users.noreply.github.com' };

export function createCatalogGit(root: string): CatalogGit {
  const git: SimpleGit = simpleGit({ baseDir: root, maxConcurrentProcesses: 1 });

  // One git call for both keys, once per run.
  let identity: Promise<string[]> | undefined;
  function identityArgs(): Promise<string[]> {
    identity ??= git
      .raw(['config', '--get-regexp', '^user\\.(name|email)$'])
      .catch(() => '')
      .then((out) => {
        const args: string[] = [];
        if (!/^user\.name \S/m.test(out)) args.push('-c', `user.name=${IDENTITY.name}`);
        if (!/^user\.email \S/m.test(out)) args.push('-c', `user.email=${IDENTITY.email}`);
        return args;
      });
    return identity;
  }

  return {
    async isRepository() {
      return git.checkIsRepo().catch(() => false);
    },

    async lastCommitTouching(path) {
      const out = await git.raw(['log', '-1', '--format=%H', '--', path]).catch(() => '');
      return out.trim() || undefined;
    },

    async commitPath(path, message, exclude = []) {
      failpoint('before-commit');
      await git.raw(['add', '--all', '--', ...pathspec(path, exclude)]);
      const staged = (await git.raw(['diff', '--cached', '--name-only', '-z'])).split('\0').filter(Boolean);
      const ours = staged.filter((file) => isWithin(file, path, exclude));
      if (ours.length === 0) return undefined;
      failpoint('mid-commit');
      // `commit -- path` hashes every file under path again into a temporary index (as long as
      // the add on a first sync); when nothing else is staged the index is the commit already.
      const only = ours.length === staged.length ? [] : ['--', ...pathspec(path, exclude)];
      await git.raw([...(await identityArgs()), 'commit', '--quiet', '--no-verify', '-m', message, ...only]);
      return (await git.revparse(['HEAD'])).trim();
    },

    async isClean(path) {
      return (await git.raw(['status', '--porcelain', '--', path])).trim() === '';
    },

    ...worktreeOf(git),
    async push(options = {}) {
      const remote = options.remote ?? 'origin';
      const attempts = options.attempts ?? 3;
      const branch = (await git.revparse(['--abbrev-ref', 'HEAD'])).trim();
      for (let attempt = 1; ; attempt++) {
        try {
          await git.raw(['push', '--quiet', remote, `HEAD:refs/heads/${branch}`]);
          return;
        } catch (error) {
          const message = (error as Error).message;
          const rejected = /rejected|non-fast-forward|fetch first/.test(message);
          if (!rejected || attempt >= attempts) {
            throw new ChartroomError('PushFailed', `git push to ${remote} failed: ${firstLine(message)}`, {
              hint: 'the catalog commit is kept locally; the next run pushes it',
            });
          }
          try {
            await git.raw([...(await identityArgs()), ...PULL_REBASE, remote, branch]);
          } catch (rebaseError) {
            await git.raw(['rebase', '--abort']).catch(() => undefined);
            throw new ChartroomError(
              'PushFailed',
              `rebasing on ${remote}/${branch} failed: ${firstLine((rebaseError as Error).message)}`,
              {
                hint: 'two syncs changed the same catalog files; the next run syncs again on top of the remote',
              },
            );
          }
        }
      }
    },
  };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? text
  );
}
