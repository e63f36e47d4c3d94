import { defineConfig } from 'vitest/config';

// The project's own suite: self-contained, on fixtures the tests generate or that we wrote.
export default defineConfig({
  // `import 'chartroom'` resolves to src/index.ts here (package.json's "source" export condition);
  // an installed package resolves to lib/.
  ssr: { resolve: { conditions: ['source', 'node'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/real/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
