// Test runtime: the real app on a real database (a PGlite clone, or PostgreSQL when
// TEST_DATABASE_URL is set), driven through HTTP with app.inject. Isolation comes from
// fresh data: every harness works in a tenant of its own.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pino from 'pino'
import { loadConfig, type Config } from '../platform/config.ts'
import { manualClock } from '../platform/clock.ts'
import { openPglite, openPostgres, type Database } from '../platform/db/index.ts'
import { startRuntime, type Runtime } from '../runtime.ts'
import { inject } from 'vitest'
import './paths.ts'

export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL
  if (url) return openPostgres(url, { max: 5 })
  const template = readFileSync(inject('pgliteTemplate'))
  return openPglite(undefined, { loadDataDir: new Blob([template]) })
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: `/tmp/aftercare-test-${randomUUID()}`,
      SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789abcdef',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...overrides,
    },
    { persistSecret: false },
  )
}

export interface TestRuntime extends Runtime {
  app: NonNullable<Runtime['app']>
  clock: ReturnType<typeof manualClock>
}

/** Starts the whole app (HTTP, no listening socket) on a test database. */
export async function createTestRuntime(opts: { config?: Record<string, string>; database?: Database; clock?: Date } = {}): Promise<TestRuntime> {
  const database = opts.database ?? (await openTestDatabase())
  const clock = manualClock(opts.clock ?? new Date())
  const config = testConfig(opts.config)
  const runtime = await startRuntime({
    config,
    http: true,
    worker: false,
    database,
    clock,
    logger: pino({ level: config.LOG_LEVEL }),
  })
  return {
    ...runtime,
    app: runtime.app!,
    clock,
    async close() {
      await runtime.close()
      if (!opts.database) await database.close()
    },
  }
}

/** A unique tenant slug for a test. */
export function uniqueSlug(prefix = 't') {
  return `${prefix}-${randomUUID().slice(0, 8)}`
}
