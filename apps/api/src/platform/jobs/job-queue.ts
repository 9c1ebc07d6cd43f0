// The job queue: pg-boss on the application's own database (PGlite or PostgreSQL). Every process
// sends; only the worker runs handlers and cron schedules. See docs/decisions/0006-outbox-and-jobs.md.
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import {
  fromDrizzle,
  fromPglite,
  PgBoss,
  type ConstructorOptions,
  type DrizzleTransactionLike,
  type JobResult,
  type JobWithMetadata,
} from 'pg-boss'
import type { Clock } from '../clock.ts'
import { withCustomPlans, type Database, type DbOrTx } from '../db/index.ts'
import type { BatchJob, DeadJob, JobDefinition, Jobs, SendOptions } from './types.ts'

/** Platform retry defaults: 5 retries, 10 s doubling (with jitter) up to 1 h, then the dead-letter queue. */
export const JOB_RETRY_DEFAULTS = { retryLimit: 5, retryDelaySeconds: 10, retryDelayMaxSeconds: 3600 }
const DEFAULT_TZ = 'Asia/Shanghai'
const DEAD_SUFFIX = '.dead'
const DEAD_RETENTION_SECONDS = 30 * 24 * 3600
/** Jobs a worker takes per fetch (and runs one after the other). */
const WORK_BATCH = 10
const JOB_NAME = /^[a-z][a-zA-Z0-9]*\.[a-zA-Z0-9][\w.-]*$/

export interface JobQueueOptions {
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  /** Poll interval of the worker's handlers (LISTEN/NOTIFY wakes them sooner). */
  pollingIntervalSeconds?: number
  /** pg-boss's schema (default `pgboss`); tests that run their own workers on a shared database keep their jobs apart. */
  schema?: string
}

export interface JobQueue extends Jobs {
  /**
   * Checks the definitions, installs pg-boss's schema when missing and creates every queue (every
   * process). A worker also does pg-boss's maintenance and fires the cron schedules.
   */
  start(definitions: readonly JobDefinition[], opts?: { worker?: boolean }): Promise<void>
  /** Worker only: runs the handlers as jobs arrive and keeps the cron schedules. */
  work(): Promise<void>
  /** Runs every job due by the application clock, until none is left (tests); returns how many ran. */
  drain(): Promise<number>
  /** Jobs that failed every attempt, newest first. */
  deadLetters(limit?: number): Promise<DeadJob[]>
  /** Moves a job's dead letters back into its queue; returns how many. */
  redrive(name: string): Promise<number>
  /** Queued (created or retrying) jobs per queue and dead letters in total. */
  counts(): Promise<{ queued: number; dead: number }>
  stop(): Promise<void>
}

/** Boot check: every job has a well-formed unique name and a handler. */
export function checkJobDefinitions(definitions: readonly JobDefinition[]) {
  const seen = new Set<string>()
  for (const d of definitions) {
    if (!JOB_NAME.test(d.name)) throw new Error(`Job name "${d.name}" must read module.verb (letters, digits, dots)`)
    if (d.name.endsWith(DEAD_SUFFIX)) throw new Error(`Job name "${d.name}" must not end in ${DEAD_SUFFIX} (reserved for dead letters)`)
    if (seen.has(d.name)) throw new Error(`Job "${d.name}" is declared twice`)
    if (typeof d.handler !== 'function') throw new Error(`Job "${d.name}" has no handler`)
    seen.add(d.name)
  }
}

/** The job id a dedupe key stands for: a UUID-shaped SHA-256 of the job name and key. */
export function dedupeJobId(name: string, key: string): string {
  const h = createHash('sha256').update(`${name}\u0000${key}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** pg-boss statements run in one of our transactions (Drizzle's result type is looser than pg-boss expects). */
const inTx = (tx: DbOrTx) => fromDrizzle(tx as unknown as DrizzleTransactionLike, sql)

function errorText(e: unknown) {
  return e instanceof Error ? e.message : String(e)
}

export function createJobQueue(opts: JobQueueOptions): JobQueue {
  const { database, clock, log } = opts
  const bossOptions: ConstructorOptions = database.pglite
    ? { db: fromPglite(database.pglite), backend: 'pglite', ...(opts.schema ? { schema: opts.schema } : {}) }
    : { connectionString: database.connectionString, max: 4, ...(opts.schema ? { schema: opts.schema } : {}) }
  let boss: PgBoss | undefined
  let definitions = new Map<string, JobDefinition>()
  let started: Promise<void> | undefined

  const ready = async () => {
    if (!started) throw new Error('The job queue is not started')
    await started
    return boss!
  }

  const queueOptions = (d: JobDefinition) => ({
    retryLimit: d.retryLimit ?? JOB_RETRY_DEFAULTS.retryLimit,
    retryDelay: d.retryDelaySeconds ?? JOB_RETRY_DEFAULTS.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: JOB_RETRY_DEFAULTS.retryDelayMaxSeconds,
    deadLetter: d.name + DEAD_SUFFIX,
    notify: true,
  })

  async function createQueues(b: PgBoss) {
    for (const d of definitions.values()) {
      const dead = d.name + DEAD_SUFFIX
      if (!(await b.getQueue(dead))) await b.createQueue(dead, { retentionSeconds: DEAD_RETENTION_SECONDS })
      const options = queueOptions(d)
      const existing = await b.getQueue(d.name)
      if (!existing) await b.createQueue(d.name, options)
      else if (
        existing.retryLimit !== options.retryLimit ||
        existing.retryDelay !== options.retryDelay ||
        existing.deadLetter !== options.deadLetter ||
        existing.notify !== true
      )
        await b.updateQueue(d.name, options)
    }
    // Warm pg-boss's queue cache now: a later lookup from inside an application transaction would
    // need a second connection, which the embedded database does not have.
    for (const d of definitions.values()) await b.findJobs(d.name, { id: '00000000-0000-0000-0000-000000000000' })
  }

  async function run(d: JobDefinition, job: { id: string; data: unknown }) {
    const t = Date.now()
    // Jobs (sweeps, timers, reports) plan each statement with its values: their best plans depend on them.
    await withCustomPlans(() => d.handler((job.data ?? {}) as Record<string, unknown>))
    log.debug({ job: d.name, id: job.id, ms: Date.now() - t }, 'job done')
  }

  /** Makes jobs due by the application clock (tests move it) fetchable now. */
  async function promoteDue(b: PgBoss, name: string) {
    const now = clock.now().getTime()
    for (const j of await b.findJobs(name, { queued: true })) {
      if (j.startAfter.getTime() <= now && j.startAfter.getTime() > Date.now())
        await b.update(name, undefined, { id: j.id, startAfter: new Date(Date.now() - 1000) })
    }
  }

  async function inTransaction<T>(tx: DbOrTx | undefined, fn: (tx: DbOrTx) => Promise<T>) {
    return tx ? fn(tx) : database.transaction(fn)
  }

  return {
    start(defs, { worker = false } = {}) {
      checkJobDefinitions(defs)
      definitions = new Map(defs.map((d) => [d.name, d]))
      started ??= (async () => {
        const b = new PgBoss({ ...bossOptions, supervise: worker, schedule: worker, useListenNotify: true })
        b.on('error', (e) => log.error({ err: errorText(e) }, 'job queue error'))
        b.on('warning', (w) => log.warn({ warning: w.message }, 'job queue warning'))
        await b.start()
        await createQueues(b)
        boss = b
      })()
      return started
    },

    async work() {
      const b = await ready()
      const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 2
      for (const d of definitions.values()) {
        // Batches, one job after the other, each settled on its own. pg-boss waits the poll interval
        // (10 s with NOTIFY on) after every fetch that is not a full batch: one job per fetch would
        // drain a backlog at one job per 10 s (notification mails and SLA timers minutes late).
        await b.work(
          d.name,
          {
            pollingIntervalSeconds,
            notifyPollingIntervalSeconds: Math.max(pollingIntervalSeconds, 10),
            batchSize: WORK_BATCH,
            burstWhenBatchFull: true,
            perJobResults: true,
          },
          async (jobs) => {
            const results: JobResult[] = []
            for (const job of jobs) {
              try {
                await run(d, job)
                results.push({ id: job.id, status: 'completed' })
              } catch (e) {
                log.warn({ job: d.name, id: job.id, err: errorText(e) }, 'job failed')
                results.push({ id: job.id, status: 'failed', output: { message: errorText(e) } })
              }
            }
            return results
          },
        )
        if (d.cron) await b.schedule(d.name, d.cron, {}, { tz: d.tz ?? DEFAULT_TZ })
      }
      for (const s of await b.getSchedules()) {
        if (!definitions.get(s.name)?.cron) await b.unschedule(s.name, s.key)
      }
    },

    async drain() {
      const b = await ready()
      let ran = 0
      for (let round = 0; round < 1000; round++) {
        let progressed = 0
        for (const d of definitions.values()) {
          await promoteDue(b, d.name)
          const fetched = await b.fetch<Record<string, unknown>>(d.name, { batchSize: 20, includeMetadata: true })
          // in the order a worker takes them one by one: priority first, then age
          fetched.sort((x, y) => y.priority - x.priority || x.createdOn.getTime() - y.createdOn.getTime())
          for (const job of fetched) {
            progressed++
            try {
              await run(d, job)
              await b.complete(d.name, job)
            } catch (e) {
              log.warn({ job: d.name, id: job.id, attempt: job.retryCount + 1, err: errorText(e) }, 'job failed')
              await b.fail(d.name, job, { message: errorText(e) })
            }
          }
        }
        ran += progressed
        if (!progressed) break
      }
      return ran
    },

    async send(name, data, o: SendOptions = {}) {
      const b = await ready()
      if (!definitions.has(name)) throw new Error(`No job "${name}" is declared`)
      const startAfter = typeof o.startAfter === 'number' ? new Date(clock.now().getTime() + o.startAfter * 1000) : o.startAfter
      const options = { ...(startAfter ? { startAfter } : {}), ...(o.priority ? { priority: o.priority } : {}) }
      if (!o.singletonKey) return b.send(name, data, o.tx ? { ...options, db: inTx(o.tx) } : options)
      const key = o.singletonKey
      // pg-boss keys singletons per queue policy; ours is per key on a standard queue, so check and
      // insert under a lock on the key, in the caller's transaction when there is one.
      return inTransaction(o.tx, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${name}:${key}`}, 7349))`)
        const db = inTx(tx)
        if ((await b.findJobs(name, { key, queued: true, db })).length) return null
        return b.send(name, data, { ...options, singletonKey: key, db })
      })
    },

    async sendBatch(name, jobs: readonly BatchJob[], o: { tx?: DbOrTx } = {}) {
      if (!jobs.length) return
      const b = await ready()
      if (!definitions.has(name)) throw new Error(`No job "${name}" is declared`)
      // pg-boss inserts the batch in one statement and skips an id already present (ON CONFLICT DO NOTHING).
      const rows = jobs.map((j) => ({
        data: j.data,
        ...(j.startAfter ? { startAfter: j.startAfter.toISOString() } : {}),
        ...(j.dedupeKey ? { id: dedupeJobId(name, j.dedupeKey) } : {}),
      }))
      const seen = new Set<string>()
      const unique = rows.filter((r) => !r.id || (!seen.has(r.id) && !!seen.add(r.id)))
      await b.insert(name, unique, o.tx ? { db: inTx(o.tx) } : {})
    },

    async cancel(name, id) {
      const b = await ready()
      await b.cancel(name, id)
    },

    async deadLetters(limit = 100) {
      const b = await ready()
      const dead: DeadJob[] = []
      for (const d of definitions.values()) {
        const jobs = (await b.findJobs<Record<string, unknown>>(d.name + DEAD_SUFFIX, { queued: true })) as JobWithMetadata<
          Record<string, unknown>
        >[]
        for (const j of jobs) {
          const output = j.sourceOutput as { message?: unknown } | null
          dead.push({
            id: j.id,
            name: d.name,
            data: j.data,
            error: typeof output?.message === 'string' ? output.message : null,
            failedAt: j.createdOn,
          })
        }
      }
      return dead.sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime()).slice(0, limit)
    },

    async redrive(name) {
      const b = await ready()
      if (!definitions.has(name)) throw new Error(`No job "${name}" is declared`)
      return b.redrive(name + DEAD_SUFFIX)
    },

    async counts() {
      const b = await ready()
      let queued = 0
      let dead = 0
      for (const q of await b.getQueues()) {
        if (q.name.endsWith(DEAD_SUFFIX)) dead += q.queuedCount
        else queued += q.queuedCount
      }
      return { queued, dead }
    },

    async stop() {
      if (!started) return
      await started.catch(() => undefined)
      await boss?.stop({ graceful: true, timeout: 10_000, close: !database.pglite })
      boss = undefined
      started = undefined
    },
  }
}
