/**
 * The workflow files themselves: sync.yml's `run:` steps are run in order against a temp catalog
 * repository, with the `uses:` steps stood in for (checkout: a clone of a bare remote; cache: a
 * folder; pages: a check that the site was built). Another clone pushes while the sync runs, so
 * the push must rebase. A workflow edit that breaks the steps breaks this test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const BIN = fileURLToPath(new URL('../bin/chartroom.js', import.meta.url));
const WORKFLOWS = fileURLToPath(new URL('../.github/workflows/', import.meta.url));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

interface Context {
  workdir: string;
  remote: string;
  cache: string;
  secrets: Record<string, string>;
  inputs: Record<string, string>;
  summary: string;
  afterCheckout?: () => Promise<void>;
}

/** `${{ … }}` with the few expressions the workflows use: context paths and !cancelled(). */
function evaluate(text: string, ctx: Context, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === '!cancelled()' || expr === 'always()') return 'true';
    const [root, ...rest] = expr.split('.');
    if (root === 'secrets') return ctx.secrets[rest[0]!] ?? '';
    if (root === 'inputs') return ctx.inputs[rest[0]!] ?? '';
    if (root === 'steps' && rest[1] === 'outputs') return outputs[rest[0]!]?.[rest[2]!] ?? '';
    if (root === 'github') return 'test';
    throw new Error(`the test runner does not know the expression ${expr}`);
  });
}

async function runJob(file: string, job: string, ctx: Context): Promise<void> {
  const workflow = parse(await readFile(path.join(WORKFLOWS, file), 'utf8')) as Workflow;
  const outputs: Record<string, Record<string, string>> = {};
  for (const step of workflow.jobs[job]!.steps) {
    if (step.if && evaluate(step.if, ctx, outputs) !== 'true') continue;
    const uses = step.uses?.split('@')[0];
    if (uses === 'actions/checkout') {
      await rm(ctx.workdir, { recursive: true, force: true });
      execFileSync('git', ['clone', '--quiet', ctx.remote, ctx.workdir]);
      await ctx.afterCheckout?.();
    } else if (uses === 'actions/setup-node' || uses === 'actions/deploy-pages') {
      // the test already runs on Node 24
    } else if (uses === 'actions/cache/restore') {
      const saved = path.join(ctx.cache, 'state.json');
      if (await stat(saved).catch(() => undefined)) {
        await mkdir(path.join(ctx.workdir, '.chartroom'), { recursive: true });
        await copyFile(saved, path.join(ctx.workdir, step.with!.path!));
      }
    } else if (uses === 'actions/cache/save') {
      await copyFile(path.join(ctx.workdir, step.with!.path!), path.join(ctx.cache, 'state.json'));
    } else if (uses === 'actions/configure-pages') {
      outputs[step.id!] = { base_path: '' };
    } else if (uses === 'actions/upload-pages-artifact') {
      expect((await stat(path.join(ctx.workdir, step.with!.path!, 'index.html'))).isFile()).toBe(true);
    } else if (step.run) {
      // The catalog repository here is not a chartroom checkout: its `npm install` is stood in for,
      // and `npx chartroom` is this checkout's bin on this Node.
      const script = evaluate(step.run, ctx, outputs)
        .replace(/^npm install .*$/m, 'true')
        .replaceAll('npx chartroom', `'${process.execPath}' '${BIN}'`);
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(step.env ?? {}))
        env[key] = evaluate(String(value), ctx, outputs);
      // asynchronously: the chart repository the sync talks to runs in this process
      const result = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          'bash',
          ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
          {
            cwd: ctx.workdir,
            env: {
              ...process.env,
              ...env,
              CI: 'true',
              GITHUB_ACTIONS: 'true',
              GITHUB_STEP_SUMMARY: ctx.summary,
            },
          },
          (error, stdout, stderr) =>
            resolve({
              code: error ? Number((error as { code?: number }).code ?? 1) : 0,
              out: `${stdout}\n${stderr}`,
            }),
        );
      });
      if (result.code !== 0)
        throw new Error(`step "${step.name ?? step.run}" failed (${result.code}):\n${result.out}`);
    } else {
      throw new Error(`the test runner has no stand-in for ${step.uses}`);
    }
  }
}

let repo: TempRepo;
let served: ServedRepository;
let base: string;

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('iota');
  served = await serveCharts([{ dir: chart.dir, name: 'iota', versions: ['1.0.0', '1.1.0'] }]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
  await repo.git.add('registries').commit('add a registry');
  await repo.git.push('origin', 'main');
  base = await mkdtemp(path.join(tmpdir(), 'chartroom-workflow-'));
  await mkdir(path.join(base, 'cache'));
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
  await rm(base, { recursive: true, force: true });
});

it('sync.yml: syncs, commits, rebases on a concurrent push, pushes, keeps state in the cache, builds the site', async () => {
  const ctx: Context = {
    workdir: path.join(base, 'run1'),
    remote: repo.remote,
    cache: path.join(base, 'cache'),
    secrets: { SOPS_AGE_KEY: '' },
    inputs: { force: 'false' },
    summary: path.join(base, 'summary.md'),
    // someone else pushes while the sync runs
    afterCheckout: async () => {
      const other = path.join(base, 'other');
      execFileSync('git', ['clone', '--quiet', repo.remote, other]);
      await writeFile(path.join(other, 'NOTES.md'), 'hello\n');
      const git = simpleGit(other);
      await git.addConfig('user.name', 'x').addConfig('user.email', 'x@example.invalid');
      await git.add('NOTES.md').commit('notes');
      await git.push('origin', 'main');
    },
  };
  await writeFile(ctx.summary, '');
  await runJob('sync.yml', 'sync', ctx);
  const remoteLog = execFileSync('git', ['log', '--format=%s', 'main'], { cwd: repo.remote })
    .toString()
    .split('\n');
  expect(remoteLog.slice(0, 2)).toEqual(['sync: 2 new versions in 1 registry', 'notes']);
  expect(await readFile(ctx.summary, 'utf8')).toContain('own/iota 1.1.0');
  expect(JSON.parse(await readFile(path.join(ctx.cache, 'state.json'), 'utf8'))).toHaveProperty(
    'registries.own.etag',
  );

  // the next scheduled run: state from the cache, nothing due yet, so nothing fetched or committed
  served.reset();
  await runJob('sync.yml', 'sync', { ...ctx, workdir: path.join(base, 'run2'), afterCheckout: undefined });
  expect(served.count()).toBe(0);
  expect(
    execFileSync('git', ['log', '-1', '--format=%s', 'main'], { cwd: repo.remote }).toString().trim(),
  ).toBe('sync: 2 new versions in 1 registry');
});

it('validate.yml: writes a summary and fails on a bad registry file', async () => {
  const workdir = path.join(base, 'pr');
  const ctx: Context = {
    workdir,
    remote: repo.remote,
    cache: path.join(base, 'cache'),
    secrets: {},
    inputs: {},
    summary: path.join(base, 'pr-summary.md'),
  };
  await writeFile(ctx.summary, '');
  await runJob('validate.yml', 'validate', ctx);
  expect(await readFile(ctx.summary, 'utf8')).toContain('All registry and credential files are valid.');
  await runJob('validate.yml', 'validate', {
    ...ctx,
    afterCheckout: () => writeFile(path.join(workdir, 'registries', 'bad.yaml'), 'url: ftp://x\n'),
  }).then(
    () => expect.unreachable('a bad registry file must fail the check'),
    (error: Error) => expect(error.message).toContain('invalid reference format'),
  );
  expect(await readFile(ctx.summary, 'utf8')).toContain('registries/bad.yaml:1:6: invalid reference format');
});
