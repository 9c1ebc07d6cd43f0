// SLA timers. Every change to a running clock schedules a `sla.checkClock` job at its warning and
// due instants (after commit). The job re-reads the clock and returns when it is moot (stopped,
// paused, another cycle, the instant moved); otherwise it raises the threshold — exactly once, by
// the unique register in sla_clock_events, however many workers or retries run it. A sweep every
// minute raises what no job did (a crash between commit and scheduling, bulk recomputations).
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/index.ts'
import type { JobDefinition, Jobs } from '../../platform/jobs/types.ts'
import type { ClockEngine, Threshold } from './engine.ts'
import { clockRepository } from './sla.repository.ts'
import type { ClockRow } from './sla.tables.ts'

export const CHECK_JOB = 'sla.checkClock'
export const SWEEP_JOB = 'sla.sweep'

export interface CheckClockData {
  tenantId: string
  clockId: string
  cycle: number
  kind: Threshold
  /** The instant it was scheduled for (epoch ms); a job for an instant since moved is moot. */
  at: number
}

function isCheckData(d: Record<string, unknown>): d is CheckClockData & Record<string, unknown> {
  return (
    typeof d.tenantId === 'string' &&
    typeof d.clockId === 'string' &&
    typeof d.cycle === 'number' &&
    (d.kind === 'warning' || d.kind === 'breach') &&
    typeof d.at === 'number'
  )
}

export interface SlaTimers {
  /** Schedules the warning / breach checks of clocks just written (call after commit). */
  schedule(clocks: readonly ClockRow[]): Promise<void>
  /** The job handler: raises the threshold if it is (still) due. Returns what it raised. */
  check(data: CheckClockData): Promise<Threshold[]>
  /**
   * Raises every overdue threshold of running clocks, all tenants or only `tenantIds` (tests sharing
   * one database); returns how many were raised.
   */
  sweep(opts?: { limit?: number; tenantIds?: readonly string[] }): Promise<number>
  jobs: JobDefinition[]
}

export function createSlaTimers(deps: {
  database: Database
  jobs: Jobs
  clock: Clock
  log: FastifyBaseLogger
  engine: ClockEngine
}): SlaTimers {
  const { database, jobs, clock, log, engine } = deps

  async function check(data: CheckClockData): Promise<Threshold[]> {
    return database.withTenant(data.tenantId, async (tx) => {
      const row = await clockRepository.find(tx, data.clockId, { lock: true })
      if (!row || row.state !== 'running' || row.cycle !== data.cycle) return []
      const instant = data.kind === 'warning' ? row.warnAt : row.dueAt
      if (!instant || instant.getTime() !== data.at) return []
      return engine.check(tx, row, clock.now())
    })
  }

  const timers: SlaTimers = {
    async schedule(clocks) {
      const batch = clocks.flatMap((c) => {
        if (c.state !== 'running') return []
        const pending: [Threshold, Date | null][] = [
          ['warning', c.warnedAt ? null : c.warnAt],
          ['breach', c.breachedAt ? null : c.dueAt],
        ]
        return pending.flatMap(([kind, at]) => {
          if (!at) return []
          const data: CheckClockData = { tenantId: c.tenantId, clockId: c.id, cycle: c.cycle, kind, at: at.getTime() }
          return [{ data: { ...data }, startAfter: at, dedupeKey: `${c.id}:${c.cycle}:${kind}:${at.getTime()}` }]
        })
      })
      try {
        // One statement for all of them; the same clock, cycle, threshold and instant is queued once.
        await jobs.sendBatch(CHECK_JOB, batch)
      } catch (err) {
        // The sweep raises them within a minute; scheduling is an optimisation of precision.
        log.warn({ err, clocks: clocks.map((c) => c.id) }, 'could not schedule SLA checks; the sweep will raise them')
      }
    },
    check,
    async sweep({ limit = 500, tenantIds } = {}) {
      const now = clock.now()
      // Across tenants (owner connection, ids only); each clock is then checked inside its tenant.
      const due = await database.query<{ tenant_id: string; id: string; cycle: number; kind: Threshold; at: Date }>(
        `select * from (
           select tenant_id, id, cycle, 'warning' as kind, warn_at as at from sla_clocks where state = 'running' and warned_at is null and warn_at <= $1
           union all
           select tenant_id, id, cycle, 'breach', due_at from sla_clocks where state = 'running' and breached_at is null and due_at <= $1
         ) due where $3::jsonb is null or tenant_id in (select (jsonb_array_elements_text($3::jsonb))::uuid)
         order by at, kind desc limit $2`,
        [now.toISOString(), limit, tenantIds ? JSON.stringify(tenantIds) : null],
      )
      let raised = 0
      for (const d of due) {
        raised += (await check({ tenantId: d.tenant_id, clockId: d.id, cycle: d.cycle, kind: d.kind, at: new Date(d.at).getTime() })).length
      }
      return raised
    },
    jobs: [
      {
        name: CHECK_JOB,
        retryLimit: 5,
        async handler(data) {
          if (!isCheckData(data)) throw new Error(`${CHECK_JOB}: malformed job data`)
          await check(data)
        },
      },
      {
        name: SWEEP_JOB,
        cron: '* * * * *',
        async handler() {
          await timers.sweep()
        },
      },
    ],
  }
  return timers
}
