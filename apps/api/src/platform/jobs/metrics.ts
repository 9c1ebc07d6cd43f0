import { sql } from 'drizzle-orm'
import { Gauge, type Registry } from 'prom-client'
import { rows, type Database } from '../db/index.ts'
import { outboxBacklog } from '../events/dead-letters.ts'
import type { JobQueue } from './job-queue.ts'

/**
 * Backlog gauges read from the database at each scrape, so any server reports them for the whole
 * installation (the worker may run elsewhere): undelivered events, dead deliveries, queued and dead
 * jobs, audit entries waiting for their seal.
 */
export function registerBacklogMetrics(registry: Registry, deps: { database: Database; jobs: JobQueue }) {
  const gauge = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await read().catch(() => Number.NaN))
      },
    })
  gauge(
    'aftercare_outbox_pending_events',
    'Events not yet delivered to every listener',
    async () => (await outboxBacklog(deps.database)).pending,
  )
  gauge(
    'aftercare_outbox_dead_deliveries',
    'Event deliveries that failed every attempt',
    async () => (await outboxBacklog(deps.database)).dead,
  )
  gauge(
    'aftercare_jobs_queued',
    'Jobs waiting or retrying (as of the last queue statistics)',
    async () => (await deps.jobs.counts()).queued,
  )
  gauge('aftercare_jobs_dead', 'Jobs in dead-letter queues (as of the last queue statistics)', async () => (await deps.jobs.counts()).dead)
  gauge('aftercare_audit_unsealed_entries', 'Audit entries not yet sealed into their hash chain', async () => {
    const [row] = await rows<{ n: string | number }>(deps.database.db, sql`select count(*) as n from audit_log where seq is null`)
    return Number(row?.n ?? 0)
  })
}
