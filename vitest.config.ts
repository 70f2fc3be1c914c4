import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal worker is native code: worker threads crash with it, separate processes do not.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        // Workflows against fake activities, each file on a Temporal dev server of its own: no database.
        test: { name: 'workflows', include: ['test/workflows/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 120_000,
          env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
          hookTimeout: 180_000,
          // Two cores: one file at a time keeps timers and deadlines honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
