import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import type { Config } from '../config.ts'
import { openPglite, openPostgres, type Database } from './database.ts'
import { lockDataDir } from './lock.ts'

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR (locked). */
export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'dataDir'> & Partial<Pick<Config, 'DATABASE_PREPARED_STATEMENTS'>>,
): Promise<Database> {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL, { preparedStatements: config.DATABASE_PREPARED_STATEMENTS ?? true })
  mkdirSync(config.dataDir, { recursive: true })
  const release = lockDataDir(config.dataDir)
  try {
    const database = await openPglite(join(config.dataDir, 'pgdata'))
    return {
      ...database,
      async close() {
        await database.close()
        release()
      },
    }
  } catch (e) {
    release()
    throw e
  }
}
