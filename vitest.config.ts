import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests talk to servers on 127.0.0.1 only; no test may wait on the real clock for long.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
