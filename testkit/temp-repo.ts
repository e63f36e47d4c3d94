/** Real git repositories in temp folders: a catalog repository with a bare remote to push to. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';

export interface TempRepo {
  root: string;
  remote: string;
  writeRegistry(name: string, content: string): Promise<void>;
  removeRegistry(name: string): Promise<void>;
  /** writes registries/credentials/<name>.yaml */
  writeCredential(name: string, content: string): Promise<void>;
  git: ReturnType<typeof simpleGit>;
  cleanup(): Promise<void>;
}

export async function createTempRepo(): Promise<TempRepo> {
  const base = await mkdtemp(path.join(tmpdir(), 'chartroom-test-'));
  const remote = path.join(base, 'remote.git');
  const root = path.join(base, 'work');
  await simpleGit().init(true, [remote, '--initial-branch=main']);
  await mkdir(root);
  const git = simpleGit(root);
  await git.init(['--initial-branch=main']);
  // no automatic gc: a detached `git gc --auto` after a big commit races the cleanup's rm
  await git
    .addConfig('user.name', 'test')
    .addConfig('user.email', 'test@example.invalid')
    .addConfig('gc.auto', '0');
  await writeFile(path.join(root, '.gitignore'), '.chartroom/\n');
  await git.add('.gitignore').commit('init');
  await git.addRemote('origin', remote);
  await git.push('origin', 'main');
  return {
    root,
    remote,
    git,
    async writeRegistry(name, content) {
      await mkdir(path.join(root, 'registries'), { recursive: true });
      await writeFile(path.join(root, 'registries', `${name}.yaml`), content);
    },
    async writeCredential(name, content) {
      await mkdir(path.join(root, 'registries', 'credentials'), { recursive: true });
      await writeFile(path.join(root, 'registries', 'credentials', `${name}.yaml`), content);
    },
    async removeRegistry(name) {
      await rm(path.join(root, 'registries', `${name}.yaml`));
    },
    cleanup: () => rm(base, { recursive: true, force: true, maxRetries: 3 }),
  };
}
