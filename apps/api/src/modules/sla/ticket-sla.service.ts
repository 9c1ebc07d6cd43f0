// Ticket SLA: applying ticket events to clocks (idempotently), reading SLA state for the workbench,
// the supervisors' at-risk list, and recomputation after calendar, policy or service-contract changes.
import {
  ticketEvents,
  type AtRiskItem,
  type SlaClock,
  type SlaEscalation,
  type SlaSummaryState,
  type TicketEventType,
  type TicketSla,
} from '@aftercare/contracts'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { rows, type DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { processedFirstTime, processedOnce } from '../../platform/events/idempotency.ts'
import type { DeliveredEvent } from '../../platform/events/types.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import type { CalendarLoader } from './calendar-loader.ts'
import { readClock, targetMs as targetMsOf } from './clock.ts'
import { instantsOf, timingOf, toClockDto } from './engine.ts'
import type { SlaTimers } from './sla.jobs.ts'
import { canSeeTicketSla, slaScope } from './sla.policy.ts'
import { calendarRepository, clockRepository, policyRepository, ticketRepository } from './sla.repository.ts'
import type { ClockRow, PolicyRow, SlaTicketRow } from './sla.tables.ts'
import type { TicketClocks } from './ticket-clocks.ts'

export const TICKET_LISTENER = 'sla.ticket-clocks'
export const CONTRACT_LISTENER = 'sla.contract-tiers'
/** The devices module's `contract.created` / `contract.updated` / `contract.deleted` events (what SLA reads of them). */
export const CONTRACT_EVENTS = ['contract.created', 'contract.updated', 'contract.deleted']
const ContractEvent = z.object({ customerId: z.string(), deviceIds: z.array(z.string()).optional() })

type Deps = Pick<ModuleDeps, 'database' | 'clock' | 'realtime' | 'log'> & {
  calendars: CalendarLoader
  ticketClocks: TicketClocks
  timers: SlaTimers
}

/** Worst first: what a badge shows for several clocks. */
function summarize(clocks: SlaClock[]): SlaSummaryState {
  if (clocks.length === 0) return 'none'
  const live = clocks.filter((c) => c.state !== 'stopped')
  if (live.length === 0) return clocks.some((c) => c.breached) ? 'missed' : 'met'
  if (live.some((c) => c.breached)) return 'breached'
  if (live.some((c) => c.warned)) return 'warning'
  if (live.every((c) => c.state === 'paused')) return 'paused'
  return 'ok'
}

/** The live clock a countdown shows: running ones by due time, then paused ones by time left. */
function nextClock(clocks: SlaClock[]): SlaClock | null {
  const live = clocks.filter((c) => c.state !== 'stopped')
  const running = live.filter((c) => c.state === 'running').sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''))
  const paused = live.filter((c) => c.state === 'paused').sort((a, b) => a.remainingMinutes - b.remainingMinutes)
  return running[0] ?? paused[0] ?? null
}

export function createTicketSlaService({ database, clock, realtime, log, calendars, ticketClocks, timers }: Deps) {
  /** After commit: schedule the timers of the clocks touched and tell open ticket pages to refetch. */
  async function afterCommit(tenantId: string, touched: ClockRow[]) {
    if (touched.length === 0) return
    await timers.schedule(touched)
    const ticketIds = [...new Set(touched.filter((c) => c.subjectType === 'ticket').map((c) => c.subjectId))]
    await realtime
      .publishMany(
        tenantId,
        ticketIds.map((ticketId) => ({ topic: `ticket:${ticketId}`, message: { type: 'sla.updated', ticketId } })),
      )
      .catch((err: unknown) => log.warn({ err }, 'realtime publish failed'))
  }

  /** A change to a ticket SLA already knows (new tickets are registered together in applyAll). */
  async function applyChange(tx: DbOrTx, tenantId: string, e: DeliveredEvent, now: Date): Promise<ClockRow[]> {
    const type = e.type as TicketEventType
    const p = e.payload
    switch (type) {
      case 'ticket.status_changed':
        return ticketClocks.statusChanged(tx, tenantId, ticketEvents[type].parse(p), now)
      case 'ticket.priority_changed':
        return ticketClocks.priorityChanged(tx, tenantId, ticketEvents[type].parse(p), now)
      case 'ticket.message_added':
        return ticketClocks.messageAdded(tx, tenantId, ticketEvents[type].parse(p), now)
      case 'ticket.assigned':
        return ticketClocks.assigned(tx, tenantId, ticketEvents[type].parse(p), now)
      case 'ticket.updated':
        return ticketClocks.updated(tx, tenantId, ticketEvents[type].parse(p), now)
      default:
        return []
    }
  }

  /**
   * Applies ticket events of one tenant in its transaction, each once (a redelivery is a no-op); the
   * clocks touched. New tickets go together; the other events are of other tickets (a delivery batch
   * holds one event per ticket), so their order among each other does not matter.
   */
  async function applyAll(tx: DbOrTx, tenantId: string, events: readonly DeliveredEvent[], now: Date): Promise<ClockRow[]> {
    const heard = events.filter((e) => e.type in ticketEvents)
    const firstTime = await processedFirstTime(tx, TICKET_LISTENER, heard)
    const fresh = heard.filter((e) => firstTime.has(e.id))
    const out = await ticketClocks.created(
      tx,
      tenantId,
      fresh.filter((e) => e.type === 'ticket.created').map((e) => ticketEvents['ticket.created'].parse(e.payload)),
      now,
    )
    for (const e of fresh) out.push(...(await applyChange(tx, tenantId, e, now)))
    return out
  }

  async function readMany(tx: DbOrTx, tickets: SlaTicketRow[], clocks: ClockRow[], now: Date): Promise<TicketSla[]> {
    const cals = await calendars.loadMany(tx, [...clocks.map((c) => c.calendarId)])
    const policyIds = [...new Set(tickets.map((t) => t.policyId).filter((id): id is string => id !== null))]
    const policies = new Map<string, PolicyRow>()
    for (const id of policyIds) {
      const p = await policyRepository.find(tx, id)
      if (p) policies.set(id, p)
    }
    return tickets.map((t) => {
      const own = clocks.filter((c) => c.subjectId === t.ticketId)
      const dtos = own.map((c) => toClockDto(c, cals.get(c.calendarId)!.compiled, now))
      const policy = t.policyId ? policies.get(t.policyId) : undefined
      const cal = policy ? cals.get(policy.calendarId)?.row : own[0] ? cals.get(own[0].calendarId)?.row : undefined
      return {
        ticketId: t.ticketId,
        number: t.number,
        priority: t.priority,
        status: t.status as TicketSla['status'],
        policy: policy ? { id: policy.id, name: policy.name } : null,
        calendar: cal ? { id: cal.id, name: cal.name, timeZone: cal.timeZone } : null,
        summary: summarize(dtos),
        next: nextClock(dtos),
        clocks: dtos,
        now: now.toISOString(),
      }
    })
  }

  return {
    /** The listener: applies one ticket event once (a redelivery is a no-op). */
    async apply(event: DeliveredEvent): Promise<void> {
      await this.applyMany([event])
    },

    /** The listener, several events at once: one transaction per tenant, timers and page updates together. */
    async applyMany(events: readonly DeliveredEvent[]): Promise<void> {
      const now = clock.now()
      for (const tenantId of new Set(events.map((e) => e.tenantId))) {
        const mine = events.filter((e) => e.tenantId === tenantId)
        const touched = await database.withTenant(tenantId, (tx) => applyAll(tx, tenantId, mine, now))
        await afterCommit(tenantId, touched)
      }
    },

    /**
     * The listener for service contracts: a contract created, changed (tier, period, devices) or
     * removed re-reads the contract tier of the customer's open tickets on devices (the devices it
     * covered before are the customer's too), once per event.
     */
    async applyContract(event: DeliveredEvent): Promise<void> {
      if (!CONTRACT_EVENTS.includes(event.type)) return
      const p = ContractEvent.safeParse(event.payload)
      if (!p.success) {
        log.warn({ eventId: event.id, issues: p.error.issues }, `${event.type} with an unreadable payload: SLA tiers left as they are`)
        return
      }
      const now = clock.now()
      const cause = { event: event.type, contractId: event.aggregateId, actorId: event.actorId }
      const touched = await database.withTenant(event.tenantId, async (tx): Promise<ClockRow[]> => {
        if (!(await processedOnce(tx, CONTRACT_LISTENER, event))) return []
        const out: ClockRow[] = []
        for (const t of await ticketRepository.openOnDevicesOf(tx, p.data.customerId, p.data.deviceIds ?? []))
          out.push(...(await ticketClocks.contractChanged(tx, t, cause, now)))
        return out
      })
      await afterCommit(event.tenantId, touched)
    },

    /**
     * Contracts begin and end on dates without an event: once a day, every unfinished ticket on a
     * device has its contract tier read again, and moves policy when a contract began or lapsed
     * (recorded like a contract change, reason `contract.period`). All tenants, or only `tenantIds`
     * (tests sharing one database). Returns how many tickets moved.
     */
    async recheckContractPeriods(opts: { tenantIds?: readonly string[] } = {}): Promise<number> {
      const tenants = await database.query<{ tenant_id: string }>(
        `select distinct tenant_id from sla_tickets where device_id is not null and status not in ('resolved', 'closed', 'cancelled')
           and ($1::jsonb is null or tenant_id in (select (jsonb_array_elements_text($1::jsonb))::uuid))`,
        [opts.tenantIds ? JSON.stringify(opts.tenantIds) : null],
      )
      const cause = { event: 'contract.period', contractId: null, actorId: null }
      let moved = 0
      for (const { tenant_id: tenantId } of tenants) {
        const now = clock.now()
        const touched = await database.withTenant(tenantId, async (tx): Promise<ClockRow[]> => {
          const out: ClockRow[] = []
          for (const t of await ticketRepository.openOnAnyDevice(tx)) {
            const clocks = await ticketClocks.contractChanged(tx, t, cause, now)
            if (clocks.length) moved++
            out.push(...clocks)
          }
          return out
        })
        await afterCommit(tenantId, touched)
      }
      return moved
    },

    async forTicket(ctx: RequestContext, ticketId: string): Promise<TicketSla> {
      const [one] = await this.forTickets(ctx, [ticketId])
      if (!one) throw new NotFoundError('ticket SLA', ticketId)
      return one
    },

    /** SLA state of several tickets (list pages); unknown ids are left out. */
    async forTickets(ctx: RequestContext, ticketIds: string[]): Promise<TicketSla[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const tickets = (await ticketRepository.findMany(tx, ticketIds)).filter((t) => canSeeTicketSla(ctx.actor, t))
        const clocks = await clockRepository.bySubjects(
          tx,
          'ticket',
          tickets.map((t) => t.ticketId),
        )
        const order = new Map(ticketIds.map((id, i) => [id, i]))
        return (await readMany(tx, tickets, clocks, clock.now())).sort((a, b) => order.get(a.ticketId)! - order.get(b.ticketId)!)
      })
    },

    /** The escalation actions carried out on a ticket, oldest first (404 when the actor may not see its SLA). */
    async escalations(ctx: RequestContext, ticketId: string): Promise<SlaEscalation[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const [t] = await ticketRepository.findMany(tx, [ticketId])
        if (!t || !canSeeTicketSla(ctx.actor, t)) throw new NotFoundError('ticket SLA', ticketId)
        const found = await rows<{
          id: string
          ticket_id: string
          target: SlaEscalation['target']
          cycle: number
          trigger: SlaEscalation['trigger']
          action: SlaEscalation['action']
          outcome: SlaEscalation['outcome']
          detail: Record<string, unknown>
          created_at: Date | string
        }>(tx, sql`select * from sla_escalations where ticket_id = ${ticketId} order by created_at, id`)
        return found.map((r) => ({
          id: r.id,
          ticketId: r.ticket_id,
          target: r.target,
          cycle: r.cycle,
          trigger: r.trigger,
          action: r.action,
          outcome: r.outcome,
          detail: r.detail,
          createdAt: new Date(r.created_at).toISOString(),
        }))
      })
    },

    /** Live ticket clocks due within the horizon, or warned / breached, soonest first. */
    async atRisk(
      ctx: RequestContext,
      q: { withinMinutes: number; state: 'all' | 'warning' | 'breached'; limit: number },
    ): Promise<{ items: AtRiskItem[]; now: string }> {
      const now = clock.now()
      const scope = slaScope(ctx.actor)
      if (scope.kind === 'none') return { items: [], now: now.toISOString() }
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const found = await clockRepository.atRisk(tx, new Date(now.getTime() + q.withinMinutes * 60_000), q.state, q.limit, scope)
        const cals = await calendars.loadMany(
          tx,
          found.map((f) => f.clock.calendarId),
        )
        const items = found.map(({ clock: c, ticket: t, policyName }) => ({
          ticketId: t.ticketId,
          number: t.number,
          priority: t.priority,
          status: t.status as AtRiskItem['status'],
          customerId: t.customerId,
          queueId: t.queueId,
          assigneeId: t.assigneeId,
          policyName,
          clock: toClockDto(c, cals.get(c.calendarId)!.compiled, now),
        }))
        // Breached first, then by time left.
        items.sort((a, b) => Number(b.clock.breached) - Number(a.clock.breached) || a.clock.remainingMinutes - b.clock.remainingMinutes)
        return { items, now: now.toISOString() }
      })
    },

    /**
     * Recomputes the due and warning instants of every open clock on a calendar (after its hours,
     * holidays or time zone changed), in keyset batches, one transaction each; only clocks whose
     * instants move are written. Thresholds the new instants put in the past are raised by the
     * sweep. Returns how many open clocks were read and how many moved.
     */
    async recomputeCalendar(
      tenantId: string,
      calendarId: string,
      opts: { batchSize?: number; onBatch?: (done: number) => void } = {},
    ): Promise<{ clocks: number; changed: number }> {
      const batchSize = opts.batchSize ?? 2000
      let after: string | null = null
      let total = 0
      let moved = 0
      for (;;) {
        const now = clock.now().getTime()
        const n: number = await database.withTenant(tenantId, async (tx) => {
          const batch = await clockRepository.openOnCalendar(tx, calendarId, after, batchSize)
          if (batch.length === 0) return 0
          const { compiled } = await calendars.load(tx, calendarId)
          const time = (d: Date | null) => d?.getTime() ?? null
          const changed = batch.flatMap((c) => {
            const target = 'workingDays' in c.spec ? targetMsOf(compiled, c.startedAt.getTime(), c.spec) : c.targetMs
            const next = instantsOf(readClock(compiled, timingOf(c), target, c.warningFraction, now))
            // Only rows whose instants move are written (a holiday next week leaves today's deadlines alone).
            const same = target === c.targetMs && time(next.dueAt) === time(c.dueAt) && time(next.warnAt) === time(c.warnAt)
            return same ? [] : [{ id: c.id, targetMs: target, ...next }]
          })
          await clockRepository.updateInstants(tx, changed)
          moved += changed.length
          after = batch.at(-1)!.id
          return batch.length
        })
        total += n
        opts.onBatch?.(total)
        if (n < batchSize) return { clocks: total, changed: moved }
      }
    },

    /** Re-selects the policy and re-reads the clocks of every ticket on a policy (after it was edited). */
    async recomputePolicy(tenantId: string, policyId: string): Promise<number> {
      const tickets = await database.withTenant(tenantId, (tx) => ticketRepository.byPolicy(tx, policyId))
      for (const t of tickets) {
        const touched = await database.withTenant(tenantId, async (tx) => {
          const fresh = await ticketRepository.find(tx, t.ticketId, { lock: true })
          return fresh ? ticketClocks.reselect(tx, fresh, clock.now()) : []
        })
        await afterCommit(tenantId, touched)
      }
      return tickets.length
    },

    /** Does the tenant have this calendar (for jobs that outlive it)? */
    calendarExists: (tenantId: string, calendarId: string) =>
      database.withTenant(tenantId, async (tx) => !!(await calendarRepository.find(tx, calendarId))),

    afterCommit,
  }
}

export type TicketSlaService = ReturnType<typeof createTicketSlaService>
