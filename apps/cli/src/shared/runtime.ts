import { loadConfig } from '@aftercare/api/platform/config'
import { openDatabase, type Database } from '@aftercare/api/platform/db/index'

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
