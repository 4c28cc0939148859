import { defineConfig } from 'vitest/config';

// Integration tests start a real Flink mini-cluster (one per test file, in its own process), so
// files run in forked processes, two at a time on this 2-core machine, with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // builds dist/ first when a source is newer (tests of the CLI, shell and kernel run the build)
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
