/**
 * `push` against a real bare remote from a shallow clone (the depth the sync workflow checks out)
 * while another clone pushed first: the rebase must work at that depth, and dirty files outside
 * catalog/ (a lockfile npm rewrote, an untracked file) must neither stop it nor be lost.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createCatalogGit } from '../src/git/repo.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
    cwd,
  })
    .toString()
    .trim();
}

/** a clone `depth` commits deep (file:// so that --depth applies), as actions/checkout makes one */
function shallowClone(name: string, depth: number): string {
  const dir = path.join(path.dirname(repo.root), name);
  execFileSync('git', ['clone', '--quiet', `--depth=${depth}`, `file://${repo.remote}`, dir]);
  return dir;
}

async function pushConcurrently(file: string): Promise<void> {
  await writeFile(path.join(repo.root, file), 'someone else\n');
  git(repo.root, 'add', file);
  git(repo.root, 'commit', '--quiet', '-m', `concurrent ${file}`);
  git(repo.root, 'push', '--quiet', 'origin', 'main');
}

beforeEach(async () => {
  repo = await createTempRepo();
  await writeFile(path.join(repo.root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
  for (let i = 0; i < 3; i++) {
    await writeFile(path.join(repo.root, `history-${i}.md`), `${i}\n`);
    await repo.git.add('.').commit(`history ${i}`);
  }
  await repo.git.push('origin', 'main');
});
afterEach(() => repo.cleanup());

it('rebases a catalog commit from a depth-1 clone on a concurrent push, keeping dirty files outside catalog/', async () => {
  const work = shallowClone('shallow', 1);
  await pushConcurrently('NOTES.md');
  await pushConcurrently('MORE.md');
  // npm rewrote the lockfile and left an untracked file; the sync writes catalog/
  await writeFile(path.join(work, 'package-lock.json'), '{"lockfileVersion": 3, "dirty": true}\n');
  await writeFile(path.join(work, 'untracked.txt'), 'mine\n');
  await mkdir(path.join(work, 'catalog'));
  await writeFile(path.join(work, 'catalog', 'index.json'), '{}\n');
  const catalog = createCatalogGit(work);
  expect(await catalog.commitPath('catalog', 'sync: test')).toMatch(/^[0-9a-f]{40}$/);
  await catalog.push();

  expect(git(repo.remote, 'log', '--format=%s', '-3', 'main').split('\n')).toEqual([
    'sync: test',
    'concurrent MORE.md',
    'concurrent NOTES.md',
  ]);
  expect(await readFile(path.join(work, 'package-lock.json'), 'utf8')).toContain('"dirty": true');
  expect(await readFile(path.join(work, 'untracked.txt'), 'utf8')).toBe('mine\n');
  expect(git(work, 'status', '--porcelain')).toBe('M package-lock.json\n?? untracked.txt');
  expect(git(work, 'stash', 'list')).toBe('');
});

it('keeps the dirty file as it was when the concurrent push changed the same file', async () => {
  const work = shallowClone('shallow', 1);
  await pushConcurrently('package-lock.json');
  await writeFile(path.join(work, 'package-lock.json'), 'mine\n');
  await mkdir(path.join(work, 'catalog'));
  await writeFile(path.join(work, 'catalog', 'index.json'), '{}\n');
  const catalog = createCatalogGit(work);
  await catalog.commitPath('catalog', 'sync: test');
  // the autostash cannot be re-applied cleanly: the push still happens, the change stays stashed
  await catalog.push();
  expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('sync: test');
  expect(git(work, 'stash', 'list')).toContain('autostash');
});
