// What a worker process runs: job handlers and cron (pg-boss), outbox delivery to the listeners,
// and the audit sealer. Several workers may run against one PostgreSQL database.
import type { FastifyBaseLogger } from 'fastify'
import { sealAuditLog } from '../audit/chain.ts'
import type { Clock } from '../clock.ts'
import { withCustomPlans, type Database } from '../db/index.ts'
import { createOutboxDelivery } from '../events/delivery.ts'
import type { EventListener } from '../events/types.ts'
import type { JobQueue } from './job-queue.ts'
import { createPollingLoop } from './loop.ts'

export interface WorkerOptions {
  /** Run in the background (default). Tests pass false and call `drain()` after moving the clock. */
  autorun?: boolean
  /** Deliver and seal only these tenants' rows (tests sharing one database). */
  tenantIds?: readonly string[]
  /** How often the sealer looks for new audit entries. */
  sealIntervalMs?: number
}

export interface WorkerLoops {
  /** Runs everything due on the application clock until nothing is left; returns what ran. */
  drain(): Promise<{ events: number; jobs: number; sealed: number }>
  /** Stops the loops, letting work in progress finish for up to `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

export async function startWorkerLoops(
  deps: { database: Database; clock: Clock; log: FastifyBaseLogger; listeners: readonly EventListener[]; jobs: JobQueue },
  o: WorkerOptions = {},
): Promise<WorkerLoops> {
  const { database, clock, log, jobs } = deps
  const scope = o.tenantIds ? { tenantIds: o.tenantIds } : {}
  const delivery = createOutboxDelivery({ database, clock, log, listeners: deps.listeners, ...scope })
  // sealing reads and updates batches of entries: planned with their values, like the outbox's own statements
  const seal = () => withCustomPlans(() => sealAuditLog(database, clock, scope))
  const sealer = createPollingLoop('audit', async () => (await seal()) > 0, { intervalMs: o.sealIntervalMs ?? 1_000, log })
  if (o.autorun !== false) {
    await jobs.work()
    await delivery.start()
    sealer.start()
  }
  return {
    async drain() {
      const total = { events: 0, jobs: 0, sealed: 0 }
      // Listeners may send jobs and jobs may publish events: go round until all is quiet.
      for (let round = 0; round < 100; round++) {
        const events = await delivery.drain()
        const ran = await jobs.drain()
        let sealed = 0
        for (let n = await seal(); n > 0; n = await seal()) sealed += n
        total.events += events
        total.jobs += ran
        total.sealed += sealed
        if (!events && !ran && !sealed) break
      }
      return total
    },
    async stop(graceMs = 10_000) {
      await Promise.all([sealer.stop(graceMs), delivery.stop(graceMs)])
    },
  }
}
