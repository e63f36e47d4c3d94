/**
 * action.yml's inputs and outputs are the ones the workflows use (this repository's and the
 * catalog repository's under templates/): every `with:` key of a step using the Action is an
 * input, every required input is given, and every `steps.<id>.outputs.<name>` of that step is an
 * output. The names are the ones the parts of issue 13 share.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import {
  isChartroomAction,
  readAction,
  ROOT,
  workflowFiles,
  type Workflow,
} from './helpers/workflow-runner.ts';

const action = await readAction();
const uses = workflowFiles().flatMap((file) => {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const workflow = parse(text) as Workflow;
  return Object.values(workflow.jobs).flatMap((job) =>
    job.steps.filter((step) => isChartroomAction(step.uses)).map((step) => ({ file, step, text })),
  );
});

it('has the shared inputs and outputs', () => {
  expect(Object.keys(action.inputs).sort()).toEqual([
    'age-key',
    'command',
    'connect',
    'env-hosts',
    'force',
    'node-version',
    'push',
    'shard',
  ]);
  expect(Object.keys(action.outputs).sort()).toEqual([
    'changed',
    'commit',
    'report',
    'site-key',
    'site-stale',
  ]);
  expect(action.runs.using).toBe('composite');
});

it('is used by the sync and the pull-request check of this repository', () => {
  expect(uses.map((u) => u.file)).toEqual(
    expect.arrayContaining(['.github/workflows/sync.yml', '.github/workflows/validate.yml']),
  );
});

it.each(uses.map((u) => [`${u.file} (${u.step.id ?? 'no id'})`, u] as const))(
  '%s uses only inputs and outputs action.yml has',
  (_name, { step, text }) => {
    for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    for (const [name, input] of Object.entries(action.inputs))
      if (input.required) expect(Object.keys(step.with ?? {})).toContain(name);
    if (!step.id) return;
    const used = [...text.matchAll(new RegExp(`steps\\.${step.id}\\.outputs\\.([\\w-]+)`, 'g'))].map(
      (m) => m[1],
    );
    for (const output of used) expect(Object.keys(action.outputs)).toContain(output);
  },
);
