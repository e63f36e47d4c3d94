/**
 * The workflow files themselves, run by test/helpers/workflow-runner.ts against a temp catalog
 * repository with a bare remote: this repository's workflows and every catalog-repository
 * workflow under templates/ (those name the Action `chartroom-dev/chartroom@…`, run here as this
 * checkout's action.yml). A scheduled workflow must commit, rebase on a concurrent push with a
 * dirty lockfile, push, build and deploy when it finds new versions; make no commit and skip the
 * build and deploy on a quiet run; build and deploy again when chartroom.yaml changed; and deploy
 * on a manual run. A workflow edit that breaks the steps breaks this test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOwnChart } from './helpers/own-charts.ts';
import { runWorkflow, workflowFiles, type RunContext } from './helpers/workflow-runner.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function triggers(file: string): Record<string, unknown> {
  return (parse(readFileSync(path.join(ROOT, file), 'utf8')) as { on: Record<string, unknown> }).on;
}
const scheduled = workflowFiles().filter((f) => 'schedule' in triggers(f));
const pullRequest = workflowFiles().filter((f) => 'pull_request' in triggers(f));

function remoteLog(remote: string): string[] {
  return execFileSync('git', ['log', '--format=%s', 'main'], { cwd: remote }).toString().trim().split('\n');
}

it('finds the scheduled sync and the pull-request check of this repository', () => {
  expect(scheduled).toContain('.github/workflows/sync.yml');
  expect(pullRequest).toContain('.github/workflows/validate.yml');
});

describe.each(scheduled)('%s', (file) => {
  let repo: TempRepo;
  let served: ServedRepository;
  let base: string;
  let runs = 0;

  beforeAll(async () => {
    repo = await createTempRepo();
    const chart = await writeOwnChart('iota');
    served = await serveCharts([{ dir: chart.dir, name: 'iota', versions: ['1.0.0', '1.1.0'] }]);
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
    await writeFile(path.join(repo.root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    await repo.git.add(['registries', 'package-lock.json']).commit('add a registry');
    await repo.git.push('origin', 'main');
    base = await mkdtemp(path.join(tmpdir(), 'chartroom-workflow-'));
    await mkdir(path.join(base, 'cache'));
  });
  afterAll(async () => {
    await served.close();
    await repo.cleanup();
    await rm(base, { recursive: true, force: true });
  });

  async function run(options: Partial<RunContext> = {}): Promise<RunContext> {
    runs++;
    const ctx: RunContext = {
      workdir: path.join(base, `run${runs}`),
      remote: repo.remote,
      cache: path.join(base, 'cache'),
      event: 'schedule',
      runId: String(1000 + runs),
      secrets: { SOPS_AGE_KEY: '' },
      inputs: {},
      summary: path.join(base, `summary${runs}.md`),
      ran: [],
      ...options,
    };
    await writeFile(ctx.summary, '');
    await runWorkflow(path.join(ROOT, file), ctx);
    return ctx;
  }

  it('finds new versions: commits, rebases on a concurrent push with a dirty lockfile, pushes, builds, deploys', async () => {
    const ctx = await run({
      // someone else pushes while the sync runs, and the install rewrote the lockfile
      afterCheckout: async (workspace) => {
        await writeFile(
          path.join(workspace, 'package-lock.json'),
          '{"lockfileVersion": 3, "npm": "rewrote it"}\n',
        );
        const other = path.join(base, 'other');
        execFileSync('git', ['clone', '--quiet', repo.remote, other]);
        await writeFile(path.join(other, 'NOTES.md'), 'hello\n');
        const git = simpleGit(other);
        await git.addConfig('user.name', 'x').addConfig('user.email', 'x@example.invalid');
        await git.add('NOTES.md').commit('notes');
        await git.push('origin', 'main');
      },
    });
    expect(remoteLog(repo.remote).slice(0, 2)).toEqual(['sync: 2 new versions in 1 registry', 'notes']);
    expect(await readFile(ctx.summary, 'utf8')).toContain('own/iota 1.1.0');
    expect(ctx.ran).toEqual(expect.arrayContaining(['sync/build site', 'deploy/actions/deploy-pages@v4']));
    expect(ctx.ran.filter((s) => s.includes('upload-pages-artifact'))).toHaveLength(1);
    // registries/ is new to the cache: the connection check ran before the sync and reported
    expect(ctx.ran.indexOf('sync/chartroom/connection check')).toBeGreaterThan(-1);
    expect(ctx.ran.indexOf('sync/chartroom/connection check')).toBeLessThan(
      ctx.ran.indexOf('sync/chartroom/sync'),
    );
    expect(await readFile(ctx.summary, 'utf8')).toMatch(/✓ own: index\.yaml reachable/);
    // the lockfile the install rewrote is still as it left it
    expect(await readFile(path.join(ctx.workdir, 'package-lock.json'), 'utf8')).toContain('rewrote it');
    const keys = JSON.parse(await readFile(path.join(base, 'cache', 'keys.json'), 'utf8')) as string[];
    expect(keys.filter((k) => k.startsWith('chartroom-site-'))).toHaveLength(1);
    const state = keys.find((k) => k.startsWith('chartroom-state-'))!;
    const saved = path.join(base, 'cache', encodeURIComponent(state), 'data');
    expect(JSON.parse(await readFile(saved, 'utf8'))).toHaveProperty('registries.own.etag');
  });

  it('a quiet scheduled run fetches nothing, makes no commit and skips the site build and deploy', async () => {
    served.reset();
    const before = remoteLog(repo.remote);
    const ctx = await run();
    expect(served.count()).toBe(0);
    expect(remoteLog(repo.remote)).toEqual(before);
    expect(ctx.ran.some((s) => /build site|pages|deploy\//.test(s))).toBe(false);
    // registries/ unchanged since the last check: no connection check, no request
    expect(ctx.ran).not.toContain('sync/chartroom/connection check');
  });

  it('a changed chartroom.yaml makes the next scheduled run build and deploy, without a catalog commit', async () => {
    await writeFile(path.join(repo.root, 'chartroom.yaml'), 'site:\n  title: Charts of the test\n');
    await repo.git.add('chartroom.yaml').commit('settings');
    await repo.git.pull('origin', 'main', { '--rebase': null });
    await repo.git.push('origin', 'main');
    const before = remoteLog(repo.remote);
    const ctx = await run();
    expect(remoteLog(repo.remote)).toEqual(before);
    expect(ctx.ran).toEqual(expect.arrayContaining(['sync/build site', 'deploy/actions/deploy-pages@v4']));
  });

  it('a manual run builds and deploys although the site is not stale', async () => {
    const before = remoteLog(repo.remote);
    const ctx = await run({ event: 'workflow_dispatch', inputs: { force: false } });
    expect(remoteLog(repo.remote)).toEqual(before);
    expect(ctx.ran).toEqual(expect.arrayContaining(['sync/build site', 'deploy/actions/deploy-pages@v4']));
  });
});

describe.each(pullRequest)('%s', (file) => {
  let repo: TempRepo;
  let base: string;
  beforeAll(async () => {
    repo = await createTempRepo();
    await repo.writeRegistry('own', 'url: https://charts.example.invalid/\n');
    await repo.git.add('registries').commit('add a registry');
    await repo.git.push('origin', 'main');
    base = await mkdtemp(path.join(tmpdir(), 'chartroom-workflow-'));
  });
  afterAll(async () => {
    await repo.cleanup();
    await rm(base, { recursive: true, force: true });
  });

  it('writes a summary and fails on a bad registry file', async () => {
    const workdir = path.join(base, 'pr');
    const ctx: RunContext = {
      workdir,
      remote: repo.remote,
      cache: path.join(base, 'cache'),
      event: 'pull_request',
      runId: '1',
      secrets: {},
      inputs: {},
      summary: path.join(base, 'pr-summary.md'),
      ran: [],
    };
    await writeFile(ctx.summary, '');
    await runWorkflow(path.join(ROOT, file), ctx);
    expect(await readFile(ctx.summary, 'utf8')).toContain('All registry and credential files are valid.');
    // the base branch was fetched: the bindings are compared with it (none added here)
    expect(await readFile(ctx.summary, 'utf8')).toMatch(
      /### Credential bindings this change adds or alters \(against `origin\/main \([0-9a-f]{12}\)`\)\n\nNone\./,
    );
    await runWorkflow(path.join(ROOT, file), {
      ...ctx,
      afterCheckout: (workspace) =>
        writeFile(path.join(workspace, 'registries', 'bad.yaml'), 'url: ftp://x\n'),
    }).then(
      () => expect.unreachable('a bad registry file must fail the check'),
      (error: Error) => expect(error.message).toContain('invalid reference format'),
    );
    expect(await readFile(ctx.summary, 'utf8')).toContain(
      'registries/bad.yaml:1:6: invalid reference format',
    );
  });
});
