// Lint runs in `npm test` so CI enforces it. typescript-eslint's type-aware rules
// catch the async mistakes (floating promises) that matter most in a sync job.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The layering of src/ (README, "Architecture"): each entry is a folder or top-level file of
// src/ and what else in src/ it may import; its own folder is always allowed. "errors" stands
// for errors.ts, error-catalogue.ts and slashes.ts. import-x's no-restricted-paths checks resolved file paths,
// so an allow-list is one zone per layer (everything in src/ except the listed paths). Chosen over
// eslint-plugin-boundaries (its element types and capture patterns say the same in more config)
// and dependency-cruiser (a second tool and config beside ESLint); import-x declares ESLint 10.
// slashes.ts (linear-time trims) and inside-repository.ts (files held to the repository) import
// nothing of chartroom and may be imported by every layer, like the errors
const ERRORS = ['errors.ts', 'error-catalogue.ts', 'slashes.ts', 'inside-repository.ts'];
const LAYERS = {
  'errors.ts': [...ERRORS, 'failpoint.ts'],
  'error-catalogue.ts': [...ERRORS, 'failpoint.ts'],
  'failpoint.ts': [...ERRORS],
  catalog: [...ERRORS, 'failpoint.ts'],
  chart: [...ERRORS],
  http: [...ERRORS],
  git: [...ERRORS, 'failpoint.ts'],
  trust: [...ERRORS],
  sources: ['http', 'chart', 'trust', ...ERRORS],
  config: ['sources', 'http', 'trust', ...ERRORS],
  credentials: ['config', 'sources', 'http', ...ERRORS],
  sync: [
    'config',
    'credentials',
    'sources',
    'chart',
    'catalog',
    'git',
    'http',
    'trust',
    ...ERRORS,
    'failpoint.ts',
  ],
  'site-build': ['catalog', 'config', ...ERRORS],
  init: ['catalog', ...ERRORS],
};

const layerZones = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: `src/${layer}`,
  from: 'src',
  except: [...new Set([layer, ...allowed])].map((p) => `./${p}`),
  message: `src/${layer} may import only ${allowed.join(', ')} (README, "Architecture")`,
}));

/** The LAYERS names (and more) as a glob alternation, the files ending .ts without it. */
const unlisted = (...more) =>
  [...Object.keys(LAYERS), ...more].map((name) => name.replace(/\.ts$/, '')).join('|');

const srcZones = [
  ...layerZones,
  // the rest (demo/, index.ts, a folder not listed yet) may use any layer but the CLI, which is
  // on top of everything: nothing imports it
  {
    target: [`src/!(${unlisted('cli')})/**`, `src/!(${unlisted()}).ts`],
    from: 'src/cli',
    message: 'nothing in src/ imports the CLI',
  },
  { target: 'src', from: ['test', 'bench'], message: 'src/ imports no tests and no benchmark' },
];

/** The zones per group of files; test/layering.test.ts checks that they bite. */
export const zones = {
  // src/'s own unit tests may use testkit/; the code beside them may not
  sourceTests: srcZones,
  source: [
    ...srcZones,
    { target: 'src', from: 'testkit', message: 'only tests and the benchmark use testkit/' },
  ],
  rest: [
    {
      target: 'site',
      from: 'src',
      except: ['./catalog', './sources/oci', './errors.ts', './slashes.ts'],
      message:
        'the site reads the catalog through src/catalog (and src/sources/oci, src/errors.ts, src/slashes.ts) only',
    },
    {
      target: ['test', 'bench', 'testkit'],
      from: 'src/cli/commands',
      message: "import the module's own folder, not a command",
    },
    {
      target: ['bench', 'testkit'],
      from: 'test',
      message: 'what bench/ shares with the tests is in testkit/',
    },
    { target: 'testkit', from: 'bench', message: 'testkit/ is used by the benchmark, not the other way' },
  ],
};

export const restrictedPaths = (list) => ({
  'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: list }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'lib/',
      'dist/',
      'catalog/',
      '.chartroom/',
      '.astro/',
      'site/public/',
      'astro.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
  { plugins: { 'import-x': importX } },
  { files: ['src/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: restrictedPaths(zones.source) },
  { files: ['src/**/*.test.ts'], rules: restrictedPaths(zones.sourceTests) },
  {
    files: ['site/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'testkit/**/*.ts'],
    rules: restrictedPaths(zones.rest),
  },
  {
    // Small functions: a longer one is split into named steps. A factory whose inner functions
    // are each under the limit may disable this on its own line, saying so.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true },
      ],
    },
  },
);
