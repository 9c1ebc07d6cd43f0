import { loadConfig } from '@aftercare/api/platform/config'
import { openDatabase, type Database } from '@aftercare/api/platform/db/index'
import type { Runtime } from '@aftercare/api/runtime'

/** Opens the configured database (PGlite in DATA_DIR is locked meanwhile), runs `fn`, closes it. */
export async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const database = await openDatabase(config)
  try {
    return await fn(database)
  } finally {
    await database.close()
  }
}

/** The modules on the configured database (migrated), without HTTP or worker: for admin commands. */
export async function withModules<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  // loaded here, not at the top: the whole app takes a second or two to load, which commands that
  // only need the database (migrate, backup, audit) should not wait for
  const { startRuntime, createLogger } = await import('@aftercare/api/runtime')
  const config = loadConfig()
  const runtime = await startRuntime({ config, http: false, worker: false, logger: createLogger({ LOG_LEVEL: 'warn' }) })
  try {
    return await fn(runtime)
  } finally {
    await runtime.close()
  }
}
