/**
 * Runs a workflow file's jobs the way GitHub would, on this machine: `run:` steps in bash with
 * `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`, `uses: ./` (and `chartroom-dev/chartroom@…`, the
 * Action as catalog repositories name it) expanded into action.yml's composite steps with their
 * inputs and outputs, and the other actions stood in for: checkout is a clone of a bare remote at
 * the depth asked for, setup-node does nothing (the test runs on Node 24), the cache is a folder
 * (restore-keys, lookup-only, keys that exist are not saved again), and the Pages actions leave a
 * record that they ran. `workflowFiles()` lists the workflows to run, relative to the repository. `npm ci`/`npm install` are stood in for (the repository under test is not
 * a chartroom install) and `npx chartroom` is this checkout's bin.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { condition, interpolate, type Scope, type Value } from './expression.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ACTION = path.join(ROOT, 'action.yml');
const BIN = path.join(ROOT, 'bin', 'chartroom.js');

/** this repository's workflows and the catalog repository's that `init` writes */
export function workflowFiles(): string[] {
  const own = readdirSync(path.join(ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`);
  const templates = existsSync(path.join(ROOT, 'templates'))
    ? readdirSync(path.join(ROOT, 'templates'), { recursive: true, encoding: 'utf8' })
        .map((f) => `templates/${f}`)
        .filter((f) => /\/workflows\/[^/]+\.yml$/.test(f))
    : [];
  return [...own, ...templates].filter((f) => f.endsWith('.yml')).sort();
}

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  steps: Step[];
}
export interface Workflow {
  jobs: Record<string, Job>;
}
export interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

export interface RunContext {
  /** the first job's workspace; later jobs get `<workdir>-<job>` */
  workdir: string;
  remote: string;
  /** the Actions cache: one folder per key */
  cache: string;
  event: 'schedule' | 'workflow_dispatch' | 'pull_request' | 'push';
  runId: string;
  secrets: Record<string, string>;
  inputs: Record<string, Value>;
  summary: string;
  afterCheckout?: (workspace: string) => Promise<void>;
  /** filled in: `<job>/<step>` for every step that ran */
  ran: string[];
}

type Outputs = Record<string, Record<string, string>>;
interface StepState {
  outputs: Outputs;
  outcomes: Record<string, string>;
  failed: boolean;
  error?: Error;
}

/** `uses:` of the Action itself: this repository's `./`, or a catalog repository's pinned name */
export function isChartroomAction(uses: string | undefined): boolean {
  return uses === './' || uses?.split('@')[0] === 'chartroom-dev/chartroom';
}

export async function readAction(): Promise<Action> {
  return parse(await readFile(ACTION, 'utf8')) as Action;
}

function lookup(ctx: RunContext, state: StepState, extra: Record<string, Record<string, string>>) {
  return (expr: string): Value | undefined => {
    const [root, ...rest] = expr.split('.');
    if (root === 'secrets') return ctx.secrets[rest[0]!] ?? '';
    if (root === 'inputs') return (extra.inputs ?? ctx.inputs)[rest[0]!] ?? '';
    if (root === 'steps' && rest[1] === 'outputs') return state.outputs[rest[0]!]?.[rest[2]!] ?? '';
    if (root === 'steps' && rest[1] === 'outcome') return state.outcomes[rest[0]!] ?? '';
    if (root === 'needs' && rest[1] === 'outputs') return extra[`needs.${rest[0]}`]?.[rest[2]!] ?? '';
    if (root === 'github' && rest[0] === 'event_name') return ctx.event;
    if (root === 'github' && rest[0] === 'run_id') return ctx.runId;
    if (root === 'github' && rest[0] === 'run_attempt') return '1';
    return undefined;
  };
}

function evaluateAll(values: Record<string, unknown> | undefined, scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) out[key] = interpolate(String(value), scope);
  return out;
}

function cacheDir(ctx: RunContext, key: string): string {
  return path.join(ctx.cache, encodeURIComponent(key));
}

async function cacheKeys(ctx: RunContext): Promise<string[]> {
  return JSON.parse(await readFile(path.join(ctx.cache, 'keys.json'), 'utf8').catch(() => '[]')) as string[];
}

async function cacheRestore(ctx: RunContext, workspace: string, w: Record<string, string>) {
  const keys = await cacheKeys(ctx);
  const prefixes = (w['restore-keys'] ?? '').split('\n').filter(Boolean);
  const found = keys.includes(w.key!)
    ? w.key!
    : keys.reverse().find((key) => prefixes.some((prefix) => key.startsWith(prefix)));
  if (found && w['lookup-only'] !== 'true') {
    await mkdir(path.dirname(path.join(workspace, w.path!)), { recursive: true });
    await copyFile(path.join(cacheDir(ctx, found), 'data'), path.join(workspace, w.path!));
  }
  return { 'cache-hit': String(found === w.key), 'cache-matched-key': found ?? '' };
}

async function cacheSave(ctx: RunContext, workspace: string, w: Record<string, string>): Promise<void> {
  const keys = await cacheKeys(ctx);
  // GitHub's cache: a key is written once; a file that is not there is a warning
  if (keys.includes(w.key!) || !(await stat(path.join(workspace, w.path!)).catch(() => undefined))) return;
  await mkdir(cacheDir(ctx, w.key!), { recursive: true });
  await copyFile(path.join(workspace, w.path!), path.join(cacheDir(ctx, w.key!), 'data'));
  await writeFile(path.join(ctx.cache, 'keys.json'), JSON.stringify([...keys, w.key]));
}

function bash(script: string, cwd: string, env: Record<string, string>) {
  // asynchronously: the chart repository the sync talks to runs in the test's process
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      { cwd, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          out: `${stdout}\n${stderr}`,
        }),
    );
  });
}

async function runScript(ctx: RunContext, workspace: string, step: Step, scope: Scope) {
  const script = interpolate(step.run!, scope)
    .replace(/\bnpm (ci|install)\b[^;\n]*/g, 'true')
    .replaceAll('npx chartroom', `'${process.execPath}' '${BIN}'`);
  const temp = `${workspace}.temp`;
  await mkdir(temp, { recursive: true });
  const outputFile = path.join(temp, `output-${ctx.ran.length}`);
  await writeFile(outputFile, '');
  const result = await bash(script, workspace, {
    ...evaluateAll(step.env, scope),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    // a pull request is compared with the branch it targets: the test repositories' main
    ...(ctx.event === 'pull_request' ? { GITHUB_BASE_REF: 'main' } : {}),
    GITHUB_STEP_SUMMARY: ctx.summary,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: temp,
  });
  const outputs: Record<string, string> = {};
  for (const line of (await readFile(outputFile, 'utf8')).split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  if (result.code !== 0)
    throw Object.assign(
      new Error(`step "${step.name ?? step.id ?? step.run}" failed (${result.code}):\n${result.out}`),
      {
        outputs,
      },
    );
  return outputs;
}

async function checkout(ctx: RunContext, workspace: string, w: Record<string, string>): Promise<void> {
  await rm(workspace, { recursive: true, force: true });
  const depth = Number(w['fetch-depth'] ?? '1');
  const args = depth > 0 ? [`--depth=${depth}`, `file://${ctx.remote}`] : [ctx.remote];
  execFileSync('git', ['clone', '--quiet', ...args, workspace]);
  await ctx.afterCheckout?.(workspace);
}

/** one step that is not the Action: its outputs */
async function runStep(ctx: RunContext, workspace: string, step: Step, scope: Scope) {
  const w = evaluateAll(step.with, scope);
  switch (step.uses?.split('@')[0]) {
    case 'actions/checkout':
      await checkout(ctx, workspace, w);
      return {};
    case 'actions/setup-node':
      return {};
    case 'actions/cache/restore':
      return cacheRestore(ctx, workspace, w);
    case 'actions/cache/save':
      await cacheSave(ctx, workspace, w);
      return {};
    case 'actions/configure-pages':
      return { base_path: '' };
    case 'actions/upload-pages-artifact':
      if (!(await stat(path.join(workspace, w.path!, 'index.html')).catch(() => undefined)))
        throw new Error(`upload-pages-artifact: no site in ${w.path}`);
      return {};
    case 'actions/deploy-pages':
      return { page_url: 'https://example.invalid/' };
    case undefined:
      return runScript(ctx, workspace, step, scope);
    default:
      throw new Error(`the test runner has no stand-in for ${step.uses}`);
  }
}

async function runSteps(
  ctx: RunContext,
  label: string,
  workspace: string,
  steps: Step[],
  extra: Record<string, Record<string, string>>,
): Promise<StepState> {
  const state: StepState = { outputs: {}, outcomes: {}, failed: false };
  for (const [index, step] of steps.entries()) {
    const scope: Scope = { lookup: lookup(ctx, state, extra), failed: state.failed };
    const id = step.id ?? `__${index}`;
    if (!condition(step.if, scope)) {
      state.outcomes[id] = 'skipped';
      continue;
    }
    ctx.ran.push(`${label}/${step.uses ?? step.name ?? step.id ?? 'run'}`);
    try {
      state.outputs[id] = isChartroomAction(step.uses)
        ? await runAction(ctx, `${label}/${step.id ?? 'chartroom'}`, workspace, evaluateAll(step.with, scope))
        : await runStep(ctx, workspace, step, scope);
      state.outcomes[id] = 'success';
    } catch (error) {
      state.outputs[id] = (error as { outputs?: Record<string, string> }).outputs ?? {};
      state.outcomes[id] = 'failure';
      state.failed = true;
      state.error ??= error as Error;
    }
  }
  return state;
}

/** action.yml's composite steps with the inputs given; its outputs, also when a step failed */
async function runAction(ctx: RunContext, label: string, workspace: string, given: Record<string, string>) {
  const action = await readAction();
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs))
    inputs[name] = given[name] ?? input.default ?? '';
  for (const name of Object.keys(given))
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const state = await runSteps(ctx, label, workspace, action.runs.steps, { inputs });
  const scope: Scope = { lookup: lookup(ctx, state, { inputs }), failed: state.failed };
  const outputs = evaluateAll(
    Object.fromEntries(Object.entries(action.outputs).map(([name, o]) => [name, o.value])),
    scope,
  );
  if (state.error) throw Object.assign(state.error, { outputs });
  return outputs;
}

/** every job in file order (each job's `needs` come before it); throws the first step failure */
export async function runWorkflow(file: string, ctx: RunContext): Promise<void> {
  const workflow = parse(await readFile(file, 'utf8')) as Workflow;
  const jobs: Record<string, { outputs: Record<string, string>; failed: boolean }> = {};
  let first: Error | undefined;
  for (const [index, [name, job]] of Object.entries(workflow.jobs).entries()) {
    const needs = [job.needs ?? []].flat();
    const extra: Record<string, Record<string, string>> = {};
    for (const need of needs) extra[`needs.${need}`] = jobs[need]!.outputs;
    const jobScope: Scope = {
      lookup: lookup(ctx, { outputs: {}, outcomes: {}, failed: false }, extra),
      failed: needs.some((need) => jobs[need]!.failed),
    };
    if (!condition(job.if, jobScope)) continue;
    const workspace = index === 0 ? ctx.workdir : `${ctx.workdir}-${name}`;
    await mkdir(workspace, { recursive: true });
    const state = await runSteps(ctx, name, workspace, job.steps, extra);
    const scope: Scope = { lookup: lookup(ctx, state, extra), failed: state.failed };
    jobs[name] = { outputs: evaluateAll(job.outputs, scope), failed: state.failed };
    first ??= state.error;
  }
  if (first) throw first;
}
