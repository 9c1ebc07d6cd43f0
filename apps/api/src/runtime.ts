import pino, { type Logger } from 'pino'
import { buildApp } from './app.ts'
import { systemClock, type Clock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import { migrate, openDatabase, type Database } from './platform/db/index.ts'
import { createModules, type Modules } from './modules.ts'
import type { Jobs } from './platform/jobs/types.ts'
import type { RealtimePublisher } from './platform/realtime/types.ts'

export interface RuntimeOptions {
  config: Config
  /** Serve HTTP (API, WebSocket, web app). */
  http: boolean
  /** Run the outbox delivery, audit sealing and jobs. */
  worker: boolean
  /** An already open database (tests); otherwise the configured one is opened and migrated. */
  database?: Database
  clock?: Clock
  logger?: Logger
}

export interface Runtime {
  config: Config
  database: Database
  modules: Modules
  app?: Awaited<ReturnType<typeof buildApp>>['app']
  routes: Awaited<ReturnType<typeof buildApp>>['routes']
  close(): Promise<void>
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, redact: ['password', '*.password', 'token', '*.token'] })
}

/** Opens (and migrates) the database, wires the modules, and starts what this process runs. */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const log = opts.logger ?? createLogger(opts.config)
  const ownsDatabase = !opts.database
  const database = opts.database ?? (await openDatabase(opts.config))
  try {
    if (ownsDatabase) {
      const applied = await migrate(database)
      if (applied.length) log.info({ applied }, 'database migrated')
    }
    // TODO(platform): replaced by the pg-boss job queue and the LISTEN/NOTIFY realtime hub.
    const jobs: Jobs = {
      send: () => Promise.reject(new Error('The job queue is not wired yet')),
      cancel: () => Promise.resolve(),
    }
    const realtime: RealtimePublisher = { publish: () => Promise.resolve() }
    const modules = createModules({ config: opts.config, database, clock: opts.clock ?? systemClock, log, jobs, realtime })
    let built: Awaited<ReturnType<typeof buildApp>> | undefined
    if (opts.http) {
      built = await buildApp({
        config: opts.config,
        database,
        authenticator: modules.authenticator,
        routes: modules.routes,
        logger: log,
      })
      await built.app.ready()
    }
    return {
      config: opts.config,
      database,
      modules,
      app: built?.app,
      routes: built?.routes ?? [],
      async close() {
        await built?.app.close()
        if (ownsDatabase) await database.close()
      },
    }
  } catch (e) {
    if (ownsDatabase) await database.close().catch(() => {})
    throw e
  }
}
