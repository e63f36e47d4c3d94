import { defineConfig } from 'vitest/config';

// The project's own suite: self-contained, on fixtures the tests generate or that we wrote.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/real/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
