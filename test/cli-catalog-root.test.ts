/**
 * Commands run where there is no catalog repository (a wrong folder, a mistyped --root), and
 * the configuration files a command needs missing: an error saying what to run, exit 2 (a
 * configuration error), never an empty answer with exit 0. And `status`'s exit code when a
 * registry is in error: 0 (it reports), 1 with `--check`.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let empty: string;
let repo: TempRepo;
beforeAll(async () => {
  empty = await mkdtemp(path.join(tmpdir(), 'chartroom-not-a-catalog-'));
  repo = await createTempRepo();
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
  await repo.cleanup();
});

const INIT_OR_ROOT = /run chartroom init there, or pass --root DIR/;

describe('a root that is not a catalog repository', () => {
  it.each(
    [
      ['validate'],
      ['status'],
      ['status', '--json'],
      ['sync'],
      ['sync', '--no-commit'],
      ['watch'],
      ['registry', 'remove', 'x'],
      ['site', 'build'],
    ].map((words) => [words.join(' ')]),
  )('%s in a folder without registries/: exit 2, run chartroom init or pass --root', async (line) => {
    const words = line.split(' ');
    const result = await chartroom([...words, '--root', empty], { input: 'secret\n' });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain(`${empty} is not a catalog repository`);
    expect(result.stderr).toMatch(INIT_OR_ROOT);
    expect(result.stdout).toBe('');
  });

  it.each(
    [
      ['status'],
      ['site', 'build'],
      ['registry', 'add', 'x', 'https://charts.example.org'],
      ['credential', 'add', 'x', '--host', 'charts.example.org'],
    ].map((words) => [words.join(' ')]),
  )('%s --root /nonexistent: exit 2, says the folder does not exist', async (line) => {
    const words = line.split(' ');
    const result = await chartroom([...words, '--root', '/nonexistent'], { input: 'secret\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent does not exist');
    expect(result.stderr).toMatch(INIT_OR_ROOT);
  });
});

describe('configuration files a command needs', () => {
  it('credential add without .sops.yaml: exit 2, create .sops.yaml or run chartroom init', async () => {
    const bare = await chartroom(
      ['credential', 'add', 'team', '--host', 'charts.example.org', '--root', empty],
      {
        input: 'secret\n',
      },
    );
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/create \.sops\.yaml .*or run chartroom init/);
    await mkdir(path.join(repo.root, 'registries'), { recursive: true });
    const result = await chartroom(
      ['credential', 'add', 'team', '--host', 'charts.example.org', '--root', repo.root],
      { input: 'secret\n' },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('.sops.yaml does not exist');
    expect(result.stderr).toMatch(/create \.sops\.yaml .*or run chartroom init/);
  });
});

describe('status exit code', () => {
  it('0 while a registry is in error (it reports); 1 with --check', async () => {
    await repo.writeRegistry('down', 'url: http://127.0.0.1:1/charts\ninsecure: true\n');
    expect((await chartroom(['sync', '--root', repo.root])).code).toBe(1);
    const status = await chartroom(['status', '--root', repo.root]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/down\s+http.*error: ConnectionFailed/);
    const check = await chartroom(['status', '--check', '--root', repo.root]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/down\s+http.*error: ConnectionFailed/);
    expect((await chartroom(['status', '--check', '--json', '--root', repo.root])).code).toBe(1);

    // once the registry is gone and the catalog pruned, nothing is in error
    await repo.removeRegistry('down');
    expect((await chartroom(['sync', '--root', repo.root])).code).toBe(0);
    expect((await chartroom(['status', '--check', '--root', repo.root])).code).toBe(0);
  });
});
