/**
 * Git for the catalog: one commit per run that changed something, push with rebase-and-retry
 * when a concurrent run pushed first. simple-git drives the real git binary (isomorphic-git has
 * no rebase and is slow on large trees).
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ChartroomError, UsageError } from '../errors.ts';
import { failpoint } from '../failpoint.ts';
import { ciBranch } from './ci-branch.ts';
import { isWithin, pathspec, worktreeOf, type WorktreeChange } from './worktree.ts';

export type { WorktreeChange } from './worktree.ts';

export interface CatalogGit {
  isRepository(): Promise<boolean>;
  /** the last commit that touched `path`, if any */
  lastCommitTouching(path: string): Promise<string | undefined>;
  /**
   * Stages and commits only `path`, less the paths under it in `exclude`; returns the new commit,
   * or undefined when nothing changed. Files under `path` for which `ours` holds are committed
   * even when an ignore rule (the repository's `.gitignore`, `.git/info/exclude`, the global
   * excludes) matches them.
   */
  commitPath(
    path: string,
    message: string,
    options?: { ours?: (file: string) => boolean; exclude?: string[] },
  ): Promise<string | undefined>;
  /** whether `path` has no uncommitted changes */
  isClean(path: string): Promise<boolean>;
  /** how the working tree under `path` differs from HEAD (`git status --porcelain`; an untracked folder is one entry) */
  changes(path: string): Promise<WorktreeChange[]>;
  /** puts `files` back as HEAD has them (in the index and the working tree) */
  restoreFromHead(files: string[]): Promise<void>;
  /** The branch a push goes to (see pushBranch below); fails PushBranchUnknown when none can be told. */
  pushBranch(options?: PushOptions): Promise<string>;
  push(options?: PushOptions & { attempts?: number }): Promise<void>;
}

export interface PushOptions {
  remote?: string;
  /** the branch to push to (`--branch`); else the checkout's upstream or branch, else the CI's */
  branch?: string;
  /**
   * A folder of derived data (catalog/): when the rebase on a concurrent push conflicts and the
   * local commits touch nothing else, they are dropped for the remote's (CatalogReplaced).
   */
  derived?: string;
}

/**
 * The rebase on a concurrent push conflicted and the local commits, which touched only derived
 * data, were replaced by the remote's: what they held must be synced again on top of it.
 */
export class CatalogReplaced extends ChartroomError {
  constructor(message: string) {
    super('PushFailed', message, {
      hint: 'a concurrent sync changed the same catalog files; the remote catalog was taken and the sync runs again on top of it',
    });
    this.name = 'CatalogReplaced';
  }
}

// --autostash: files outside catalog/ that the run left dirty (a lockfile npm rewrote, an
// untracked report) are put aside for the rebase and put back after it
const PULL_REBASE = ['pull', '--rebase', '--autostash', '--quiet'];

const IDENTITY = { name: 'chartroom', email: 'chartroom@users.noreply.github.com' };

// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createCatalogGit(root: string, deps: { env?: NodeJS.ProcessEnv } = {}): CatalogGit {
  const git: SimpleGit = simpleGit({ baseDir: root, maxConcurrentProcesses: 1 });
  const env = deps.env ?? process.env;

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

  // The root's path inside the work tree ('' at its top): git names files from the top.
  let prefix: Promise<string> | undefined;
  const rootPrefix = () =>
    (prefix ??= git.raw(['rev-parse', '--show-prefix']).then((out) => out.replace(/\n$/, '')));

  /** Stages every change under `dir`, and the ignored files under it that are `ours`. */
  async function stage(paths: string[], ours: (file: string) => boolean): Promise<void> {
    const top = await rootPrefix();
    // one walk: changed, untracked and (each file of an ignored folder) ignored paths
    const status = await git.raw([
      'status',
      '--porcelain',
      '-z',
      '--no-renames',
      '--untracked-files=all',
      '--ignored=traditional',
      '--',
      ...paths,
    ]);
    const files = status
      .split('\0')
      .filter(Boolean)
      .map((entry) => ({ xy: entry.slice(0, 2), file: entry.slice(3 + top.length) }))
      .filter(({ xy, file }) => needsAdding(xy, file, ours))
      .map(({ file }) => file);
    if (files.length === 0) return;
    // update-index, not `add PATH…`: it adds what it is given whatever the ignore rules, and in
    // time linear in the number of files (add's pathspec matching is quadratic: a first sync
    // stages tens of thousands); --remove stages the files that are gone
    await gitWithInput(root, ['update-index', '--add', '--remove', '-z', '--stdin'], `${files.join('\0')}\0`);
  }

  async function pushBranch(options: PushOptions = {}): Promise<string> {
    const remote = options.remote ?? 'origin';
    if (options.branch !== undefined) {
      if (!(await isBranchName(options.branch)))
        throw new UsageError(`--branch "${options.branch}" is not a valid branch name`);
      return options.branch;
    }
    const current = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim();
    if (current) return (await upstreamOf(current, remote)) ?? current;
    for (const candidate of ciBranch(env)) {
      if (await isBranchName(candidate.branch)) return candidate.branch;
    }
    throw new ChartroomError(
      'PushBranchUnknown',
      `cannot tell which branch of ${remote} to push the catalog to: HEAD is detached (as GitLab CI, Jenkins and Buildkite check out) and no CI branch variable names a branch; pass --branch NAME`,
      {
        hint: 'nothing was synced or pushed; sync with --push --branch main (the branch the catalog lives on)',
      },
    );
  }

  async function isBranchName(name: string): Promise<boolean> {
    if (name === '' || name.startsWith('-')) return false;
    // --branch: what `git switch -c NAME` would accept (a rejected name exits with a message)
    return git.raw(['check-ref-format', '--branch', name]).then(
      (out) => out.trim() === name,
      () => false,
    );
  }

  /** The branch of `remote` that `branch` tracks, if it tracks one there. */
  async function upstreamOf(branch: string, remote: string): Promise<string | undefined> {
    const config = (key: string) =>
      git
        .raw(['config', '--get', `branch.${branch}.${key}`])
        .then((out) => out.trim())
        .catch(() => '');
    const [upstreamRemote, merge] = await Promise.all([config('remote'), config('merge')]);
    return upstreamRemote === remote && merge.startsWith('refs/heads/')
      ? merge.slice('refs/heads/'.length)
      : undefined;
  }

  /** After a failed `pull --rebase`: aborts it, and when it conflicted over derived data only, takes the remote's. */
  async function recoverFromRebase(
    remote: string,
    branch: string,
    derived: string | undefined,
    error: Error,
  ) {
    const conflicted = await rebaseInProgress();
    await git.raw(['rebase', '--abort']).catch(() => undefined);
    const failed = `rebasing on ${remote}/${branch} failed: ${conflictLine(error.message)}`;
    if (!conflicted || derived === undefined) {
      throw new ChartroomError('PushFailed', failed, {
        hint: 'the catalog commit is kept locally; the next run pushes it',
      });
    }
    // the pull fetched the remote's branch into FETCH_HEAD; what the local commits changed since
    const mine = (await git.raw(['diff', '--name-only', '-z', 'FETCH_HEAD...HEAD']))
      .split('\0')
      .filter(Boolean);
    // git names them from the work tree's top; derived is under the repository root
    const inTree = `${await rootPrefix()}${derived}`;
    const others = mine.filter((file) => file !== inTree && !file.startsWith(`${inTree}/`));
    if (others.length > 0) {
      throw new ChartroomError(
        'PushFailed',
        `${failed}; the local commits also change ${others.slice(0, 3).join(', ')}`,
        {
          hint: `rebase them on ${remote}/${branch} by hand (git pull --rebase ${remote} ${branch}), then sync again`,
        },
      );
    }
    // --keep: files outside catalog/ that are dirty stay as they are (or the reset stops)
    await git.raw(['reset', '--quiet', '--keep', 'FETCH_HEAD']).catch((resetError: Error) => {
      throw new ChartroomError(
        'PushFailed',
        `${failed}; taking ${remote}/${branch}'s ${derived}/ failed: ${firstLine(resetError.message)}`,
        {
          hint: `reset to it by hand (git reset --hard ${remote}/${branch} after saving what you need), then sync again`,
        },
      );
    });
    throw new CatalogReplaced(
      `${failed}; took ${remote}/${branch}'s ${derived}/ instead of the local commits`,
    );
  }

  async function rebaseInProgress(): Promise<boolean> {
    const dirs = await git.raw(['rev-parse', '--git-path', 'rebase-merge', '--git-path', 'rebase-apply']);
    return dirs
      .split('\n')
      .filter(Boolean)
      .some((dir) => existsSync(path.resolve(root, dir)));
  }

  return {
    async isRepository() {
      return git.checkIsRepo().catch(() => false);
    },

    async lastCommitTouching(file) {
      const out = await git.raw(['log', '-1', '--format=%H', '--', file]).catch(() => '');
      return out.trim() || undefined;
    },

    async commitPath(dir, message, options = {}) {
      failpoint('before-commit');
      const exclude = options.exclude ?? [];
      await stage(pathspec(dir, exclude), options.ours ?? (() => false));
      const staged = (await git.raw(['diff', '--cached', '--name-only', '-z'])).split('\0').filter(Boolean);
      const top = await rootPrefix();
      const ours = staged.filter((file) =>
        isWithin(
          file,
          `${top}${dir}`,
          exclude.map((p) => `${top}${p}`),
        ),
      );
      if (ours.length === 0) return undefined;
      failpoint('mid-commit');
      // `commit -- path` hashes every file under path again into a temporary index (as long as
      // the add on a first sync); when nothing else is staged the index is the commit already.
      const only = ours.length === staged.length ? [] : ['--', ...pathspec(dir, options.exclude ?? [])];
      await git.raw([...(await identityArgs()), 'commit', '--quiet', '--no-verify', '-m', message, ...only]);
      return (await git.revparse(['HEAD'])).trim();
    },

    async isClean(dir) {
      return (await git.raw(['status', '--porcelain', '--', dir])).trim() === '';
    },

    pushBranch,
    ...worktreeOf(git, rootPrefix),

    async push(options = {}) {
      const remote = options.remote ?? 'origin';
      const attempts = options.attempts ?? 3;
      const branch = await pushBranch(options);
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
          // from a branch or a detached HEAD alike: the remote's branch, then this HEAD on top
          await git
            .raw([...(await identityArgs()), ...PULL_REBASE, remote, `refs/heads/${branch}`])
            .catch((rebaseError: Error) => recoverFromRebase(remote, branch, options.derived, rebaseError));
        }
      }
    },
  };
}

/** Runs git in `cwd` with `input` on its stdin (simple-git has no stdin). */
function gitWithInput(cwd: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(stderr.trim() || `git ${args[0]} exited with ${code}`)),
    );
    child.stdin.end(input);
  });
}

/** Whether a `git status --porcelain` entry still has something to stage. */
function needsAdding(xy: string, file: string, ours: (file: string) => boolean): boolean {
  if (xy === '!!') return ours(file);
  // '??' untracked; otherwise only a work-tree side that differs from the index (a staged
  // deletion has no file left to name)
  return xy === '??' || xy[1] !== ' ';
}

/** The line of git's output that names the conflict (`CONFLICT (content): Merge conflict in …`), else the first. */
function conflictLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.startsWith('CONFLICT'))
      ?.trim() ?? firstLine(text)
  );
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? text
  );
}
