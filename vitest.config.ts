import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.{ts,tsx}', 'packages/*/src/**/*.test.ts'],
    globalSetup: ['apps/api/src/test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Test files share a worker's module cache: each file re-importing the whole app cost more than
    // half of the API suite's time on PostgreSQL (108 s → 46 s). Files keep to their own tenants and
    // runtimes, so nothing they leave behind is seen by the next.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})
