// Browser tests: the built site in headless Chromium (playwright-core), two files at a time: a file
// spends much of its time waiting on page loads, workers and timers, so two of them fill the 2-core
// machine where one left it half idle (measured: README, "Tests"). The tests poll with long timeouts
// rather than asserting durations; speed is measured by `npm run bench`, never here.
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
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
