/**
 * `sync --push` from a detached HEAD, as GitLab CI, Jenkins and Buildkite check out: the commit
 * goes to the branch `--branch` names, else the CI's branch variable, and without either the
 * run stops (exit 2) before syncing, instead of pushing a new remote branch named `HEAD`.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.ts';
import { createCatalogGit } from '../src/git/repo.ts';
import { ciBranch } from '../src/git/ci-branch.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd })
    .toString()
    .trim();
}

const remoteBranches = () =>
  git(repo.remote, 'for-each-ref', '--format=%(refname)', 'refs/heads/').split('\n');
const remoteSubjects = (n: number) => git(repo.remote, 'log', '--format=%s', `-${n}`, 'main').split('\n');

/** A clone checked out as a CI runner does: `git checkout <sha>`, a detached HEAD. */
function detachedClone(name: string): string {
  const dir = path.join(path.dirname(repo.root), name);
  execFileSync('git', ['clone', '--quiet', repo.remote, dir]);
  git(dir, 'checkout', '--quiet', '--detach', git(dir, 'rev-parse', 'HEAD'));
  return dir;
}

/** Someone else pushes to main meanwhile. */
async function pushConcurrently(): Promise<void> {
  await writeFile(path.join(repo.root, 'NOTES.md'), 'someone else\n');
  git(repo.root, 'add', 'NOTES.md');
  git(repo.root, 'commit', '--quiet', '-m', 'concurrent notes');
  git(repo.root, 'push', '--quiet', 'origin', 'main');
}

// the variables a CI sets, cleared so that the machine running the tests tells no branch
const CI_VARIABLES = [
  'GITHUB_ACTIONS',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'CI_COMMIT_BRANCH',
  'CI_COMMIT_REF_NAME',
  'CI_COMMIT_TAG',
  'CI_MERGE_REQUEST_IID',
  'BUILDKITE_BRANCH',
  'BUILDKITE_TAG',
  'BUILDKITE_PULL_REQUEST',
  'BRANCH_NAME',
  'CHANGE_ID',
  'TAG_NAME',
];

/** `chartroom ARGS` in this process, with these CI variables only. */
async function chartroom(args: string[], options: { env: Record<string, string> }) {
  for (const name of CI_VARIABLES) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(options.env)) vi.stubEnv(name, value);
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const code = await main(args, { out: (l) => stdout.push(l), err: (l) => stderr.push(l), tty: false });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    vi.unstubAllEnvs();
  }
}

beforeEach(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('app');
  served = await serveCharts([{ dir: chart.dir, name: 'app', versions: ['1.0.0'] }]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
  await repo.git.add('registries').commit('registry');
  await repo.git.push('origin', 'main');
});

afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

describe('sync --push from a detached HEAD', () => {
  it('fails naming --branch when nothing tells the branch, pushing nothing', async () => {
    const ci = detachedClone('ci');
    const before = remoteSubjects(1);
    const result = await chartroom(['--root', ci, 'sync', '--push'], { env: {} });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('HEAD is detached');
    expect(result.stderr).toContain('pass --branch NAME');
    expect(remoteBranches()).toEqual(['refs/heads/main']);
    expect(remoteSubjects(1)).toEqual(before);
    expect(served.count()).toBe(0);
    // watch stops at once too, instead of failing every run
    const watch = await chartroom(['--root', ci, 'watch', '--push'], { env: {} });
    expect(watch.code, watch.stderr).toBe(2);
    expect(watch.stderr).toContain('pass --branch NAME');
  });

  it('pushes to --branch, rebasing from the detached HEAD on a concurrent push', async () => {
    const ci = detachedClone('ci');
    await pushConcurrently();
    const result = await chartroom(['--root', ci, 'sync', '--push', '--branch', 'main', '--json'], {
      env: {},
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ pushed: true });
    expect(remoteBranches()).toEqual(['refs/heads/main']);
    expect(remoteSubjects(3)).toEqual(['sync: 1 new version in 1 registry', 'concurrent notes', 'registry']);
  });

  it("pushes to the CI's branch variable (GitLab's CI_COMMIT_REF_NAME) and ignores a pull request's ref", async () => {
    const ci = detachedClone('ci');
    const result = await chartroom(['--root', ci, 'sync', '--push'], {
      env: { GITHUB_REF: 'refs/pull/7/merge', CI_COMMIT_REF_NAME: 'main' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(remoteBranches()).toEqual(['refs/heads/main']);
    expect(remoteSubjects(1)).toEqual(['sync: 1 new version in 1 registry']);
  });

  it('pushes a local branch to the remote branch it tracks, and refuses --branch that is not a branch name', async () => {
    const work = path.join(path.dirname(repo.root), 'work2');
    execFileSync('git', ['clone', '--quiet', repo.remote, work]);
    git(work, 'checkout', '--quiet', '-b', 'local-sync', '--track', 'origin/main');
    const bad = await chartroom(['--root', work, 'sync', '--push', '--branch', 'a..b'], { env: {} });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--branch "a..b" is not a valid branch name');
    const result = await chartroom(['--root', work, 'sync', '--push'], { env: {} });
    expect(result.code, result.stderr).toBe(0);
    expect(remoteBranches()).toEqual(['refs/heads/main']);
    expect(remoteSubjects(1)).toEqual(['sync: 1 new version in 1 registry']);
  });
});

describe("the CI's branch", () => {
  it('is read from branch builds only, never from tag, pull-request or merge-request builds', async () => {
    const branches = (env: Record<string, string>) => ciBranch(env).map((c) => c.branch);
    expect(branches({ GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' })).toEqual(['main']);
    expect(branches({ GITHUB_REF: 'refs/pull/3/merge', GITHUB_REF_NAME: '3/merge' })).toEqual([]);
    expect(branches({ GITHUB_REF: 'refs/tags/v1', GITHUB_REF_NAME: 'v1' })).toEqual([]);
    expect(branches({ CI_COMMIT_BRANCH: 'main', CI_COMMIT_REF_NAME: 'main' })).toEqual(['main', 'main']);
    expect(branches({ CI_COMMIT_REF_NAME: 'v1', CI_COMMIT_TAG: 'v1' })).toEqual([]);
    expect(branches({ CI_COMMIT_REF_NAME: 'feature', CI_MERGE_REQUEST_IID: '4' })).toEqual([]);
    expect(branches({ BUILDKITE_BRANCH: 'main', BUILDKITE_PULL_REQUEST: 'false' })).toEqual(['main']);
    expect(branches({ BUILDKITE_BRANCH: 'feature', BUILDKITE_PULL_REQUEST: '12' })).toEqual([]);
    expect(branches({ BUILDKITE_BRANCH: 'v1', BUILDKITE_TAG: 'v1' })).toEqual([]);
    expect(branches({ BRANCH_NAME: 'main' })).toEqual(['main']);
    expect(branches({ BRANCH_NAME: 'PR-5', CHANGE_ID: '5' })).toEqual([]);
    // a detached checkout takes the first that is a branch name
    const ci = detachedClone('ci');
    const catalog = createCatalogGit(ci, { env: { BUILDKITE_BRANCH: 'fork:topic', BRANCH_NAME: 'main' } });
    expect(await catalog.pushBranch()).toBe('main');
  });
});
