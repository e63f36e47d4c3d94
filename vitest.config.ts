import { defineConfig } from 'vitest/config';

// The project's own suite: self-contained, on fixtures the tests generate or that we wrote.
export default defineConfig({
  // `import 'chartroom'` resolves to src/index.ts here (package.json's "source" export condition);
  // an installed package resolves to lib/.
  ssr: { resolve: { conditions: ['source', 'node'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/real/**', 'node_modules/**'],
    // Vitest's default is one worker fewer than the cores: one, on the 2-core machines CI and this
    // team use. Most tests wait on child processes (the CLI, docker-registry, git, Chromium), so two
    // files at once nearly halve the suite's time without starving either.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
