import pino, { type Logger } from 'pino'
import { buildApp } from './app.ts'
import { systemClock, type Clock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import { migrate, openDatabase, type Database } from './platform/db/index.ts'
import { createModules, type Modules } from './modules.ts'
import { checkListeners } from './platform/events/delivery.ts'
import { createJobQueue, type JobQueue } from './platform/jobs/job-queue.ts'
import { registerBacklogMetrics } from './platform/jobs/metrics.ts'
import { startWorkerLoops, type WorkerLoops, type WorkerOptions } from './platform/jobs/worker-loops.ts'
import { createRealtimeHub, type RealtimeHub } from './platform/realtime/hub.ts'
import { createRealtimePublisher } from './platform/realtime/publisher.ts'
import { realtimeRoutes } from './platform/realtime/routes.ts'
import { platformTopics } from './platform/realtime/topics.ts'

export interface RuntimeOptions {
  config: Config
  /** Serve HTTP (API, WebSocket, web app). */
  http: boolean
  /**
   * Run the outbox delivery, audit sealing and jobs. Tests pass `{ autorun: false }` and call
   * `runtime.worker.drain()` after moving the clock.
   */
  worker: boolean | WorkerOptions
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
  /** This server's WebSocket hub (absent in a worker-only process). */
  realtime?: RealtimeHub
  routes: Awaited<ReturnType<typeof buildApp>>['routes']
  /** The job queue (sending works in every process). */
  jobs: JobQueue
  /** This process's worker (absent in a server-only process). */
  worker?: WorkerLoops
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
  let jobs: JobQueue | undefined
  let worker: WorkerLoops | undefined
  try {
    if (ownsDatabase) {
      const applied = await migrate(database)
      if (applied.length) log.info({ applied }, 'database migrated')
    }
    const clock = opts.clock ?? systemClock
    // Sending works in every process; only the worker runs handlers and cron schedules.
    jobs = createJobQueue({ database, clock, log })
    // Publishing works in every process; only servers listen and hold WebSocket connections.
    const realtime = createRealtimePublisher(database)
    const modules = createModules({ config: opts.config, database, clock, log, jobs, realtime })
    checkListeners(modules.listeners)
    const workerOptions = opts.worker === true ? {} : opts.worker || undefined
    // pg-boss's own timers (maintenance, cron) run in background workers only, never in drained tests.
    await jobs.start(modules.jobs, { worker: !!workerOptions && workerOptions.autorun !== false })
    if (workerOptions) worker = await startWorkerLoops({ database, clock, log, listeners: modules.listeners, jobs }, workerOptions)
    let built: Awaited<ReturnType<typeof buildApp>> | undefined
    let hub: RealtimeHub | undefined
    if (opts.http) {
      hub = createRealtimeHub({ database, authenticator: modules.authenticator, topics: [...platformTopics, ...modules.topics], log })
      await hub.start()
      built = await buildApp({
        config: opts.config,
        database,
        authenticator: modules.authenticator,
        routes: [...modules.routes, realtimeRoutes(hub, { publicUrl: opts.config.PUBLIC_URL })],
        rootRoutes: modules.rootRoutes,
        logger: log,
        clock: opts.clock,
        metrics: (registry) => registerBacklogMetrics(registry, { database, jobs: jobs! }),
      })
      await built.app.ready()
    }
    return {
      config: opts.config,
      database,
      modules,
      app: built?.app,
      realtime: hub,
      routes: built?.routes ?? [],
      jobs,
      worker,
      async close() {
        await worker?.stop()
        await hub?.close()
        await built?.app.close()
        await jobs?.stop()
        if (ownsDatabase) await database.close()
      },
    }
  } catch (e) {
    await worker?.stop().catch(() => {})
    await jobs?.stop().catch(() => {})
    if (ownsDatabase) await database.close().catch(() => {})
    throw e
  }
}
