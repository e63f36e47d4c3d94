import { defineConfig } from 'vitest/config';

// The real-data suite: third-party charts, indexes and SOPS files from ../shared/fixtures (or
// $CHARTROOM_FIXTURES). It fails, never skips, when they are missing.
export default defineConfig({
  test: {
    include: ['test/real/**/*.test.ts'],
    globalSetup: ['test/real/fixtures-present.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
