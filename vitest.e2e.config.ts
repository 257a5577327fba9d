// Browser tests: the built site in headless Chromium (playwright-core), one file at a time in one
// fork so the 2-core machine is not oversubscribed and timings inside the tests stay meaningful.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import course data (catalog, UI strings) from src/lib, which may use the $lib alias.
  resolve: { alias: { $lib: resolve('src/lib') } },
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
