/**
 * The layering lint bites: import-x's no-restricted-paths skips an import it cannot resolve, so
 * a resolver or path change could make the rule pass everything. Each case lints one import line
 * as if it stood in a file of that folder, with the zones eslint.config.js gives that file.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface LayeringConfig {
  zones: Record<'source' | 'sourceTests' | 'rest', unknown[]>;
  restrictedPaths(zones: unknown[]): Linter.RulesRecord;
}

async function lintImport(file: string, specifier: string): Promise<string[]> {
  const config = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.js')).href)) as LayeringConfig;
  const group = !file.startsWith('src/') ? 'rest' : file.endsWith('.test.ts') ? 'sourceTests' : 'source';
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'import-x': importX },
        rules: config.restrictedPaths(config.zones[group]),
      },
    ],
  });
  const [result] = await eslint.lintText(`import '${specifier}';\n`, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => m.message);
}

describe('the layering lint', () => {
  it.each([
    ['src/catalog/x.ts', '../sync/run.ts'],
    ['src/chart/x.ts', '../catalog/store.ts'],
    ['src/sources/helm/x.ts', '../../sync/run.ts'],
    ['src/config/x.ts', '../credentials/resolve.ts'],
    ['src/sync/x.ts', '../cli/main.ts'],
    ['src/demo/x.ts', '../cli/output.ts'],
    ['src/site-build/x.ts', '../sync/run.ts'],
    ['src/init/x.ts', '../credentials/add.ts'],
    ['src/errors.ts', './catalog/store.ts'],
    ['src/http/x.ts', '../../testkit/age.ts'],
    ['src/http/x.ts', '../../test/helpers/cli.ts'],
    ['bench/cases/x.ts', '../../test/helpers/cli.ts'],
    ['bench/cases/x.ts', '../../src/cli/commands/site.ts'],
    ['test/x.test.ts', '../src/cli/commands/status.ts'],
    ['testkit/x.ts', '../test/helpers/cli.ts'],
    ['site/lib/x.ts', '../../src/sync/run.ts'],
  ])('refuses %s importing %s', async (file, specifier) => {
    expect(await lintImport(file, specifier)).toEqual([expect.stringContaining('restricted zone')]);
  });

  it.each([
    ['src/catalog/x.ts', '../errors.ts'],
    ['src/sources/oci/x.ts', '../../http/client.ts'],
    ['src/config/x.ts', '../sources/helm/index.ts'],
    ['src/sync/x.ts', '../catalog/store.ts'],
    ['src/demo/x.ts', '../sync/run.ts'],
    ['src/index.ts', './sync/run.ts'],
    ['src/init/x.ts', '../catalog/json.ts'],
    ['src/cli/x.ts', '../demo/run.ts'],
    ['src/http/x.test.ts', '../../testkit/age.ts'],
    ['bench/cases/x.ts', '../../testkit/serve.ts'],
    ['bench/cases/x.ts', '../../src/index.ts'],
    ['test/x.test.ts', '../src/cli/main.ts'],
    ['site/lib/x.ts', '../../src/catalog/types.ts'],
  ])('allows %s importing %s', async (file, specifier) => {
    expect(await lintImport(file, specifier)).toEqual([]);
  });
});
