// SLA (R4): business calendars, policies, ticket clocks, warnings / breaches raised exactly once,
// escalation, compensation with a credit ledger, complaints and disputes. See README.md here.
import type { EventListener } from '../../platform/events/types.ts'
import type { JobDefinition } from '../../platform/jobs/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import type { TicketSystemActions } from '../tickets/index.ts'
import { createCalendarLoader } from './calendar-loader.ts'
import { createCalendarService } from './calendars.service.ts'
import { caseRoutes } from './cases.routes.ts'
import { createCaseService } from './cases.service.ts'
import { createCompensation } from './compensation.ts'
import { createCreditService } from './credits.service.ts'
import { createClockEngine } from './engine.ts'
import { createEscalation, escalationListener } from './escalation.ts'
import { createPolicyService } from './policies.service.ts'
import { slaConfigRoutes } from './sla-config.routes.ts'
import { slaStateRoutes } from './sla-state.routes.ts'
import { createSlaTimers } from './sla.jobs.ts'
import { createTicketClocks, type TicketClockDeps } from './ticket-clocks.ts'
import { CONTRACT_EVENTS, CONTRACT_LISTENER, createTicketSlaService, TICKET_LISTENER } from './ticket-sla.service.ts'

export { addBusinessTime, businessMinutesBetween, type BusinessCalendar } from './business-hours.ts'
export type { TicketSlaService } from './ticket-sla.service.ts'

export const RECOMPUTE_CALENDAR_JOB = 'sla.recomputeCalendar'
export const RECOMPUTE_POLICY_JOB = 'sla.recomputePolicy'
/** Daily: contracts that began or lapsed overnight move their devices' open tickets (no event marks a date). */
export const CONTRACT_PERIODS_JOB = 'sla.contractPeriods'
/** Up to this many clocks / tickets are recomputed right after the change; more go to a job. */
const INLINE_LIMIT = 1000

export interface SlaModuleOptions {
  /** The SLA tier of a service contract covering a ticket's device (from the devices module), if wired. */
  contractTier?: TicketClockDeps['contractTier']
  /** The tickets module's system actions: escalation rules are carried out with them (requests only, without). */
  ticketActions?: TicketSystemActions
}

export function createSlaModule(deps: ModuleDeps, opts: SlaModuleOptions = {}) {
  const { database, audit, outbox, clock, jobs, log } = deps
  const calendars = createCalendarLoader()
  const compensation = createCompensation({ outbox, audit })
  const escalation = createEscalation({ outbox, audit })
  const engine = createClockEngine({
    calendars,
    outbox,
    audit,
    hooks: { onRaised: escalation.onRaised, onStoppedLate: compensation.proposeForBreach },
  })
  const timers = createSlaTimers({ database, jobs, clock, log, engine })
  const ticketClocks = createTicketClocks({ engine, audit, contractTier: opts.contractTier })
  const tickets = createTicketSlaService({ ...deps, calendars, ticketClocks, timers })

  /** Small changes are recomputed at once; large ones by the worker (falling back to inline when no queue). */
  async function recomputeLater(
    job: string,
    data: { tenantId: string; calendarId?: string; policyId?: string },
    size: number,
    inline: () => Promise<unknown>,
  ) {
    if (size > INLINE_LIMIT) {
      try {
        await jobs.send(job, data, { singletonKey: `${job}:${data.calendarId ?? data.policyId}` })
        return
      } catch (err) {
        log.warn({ err, job }, 'job queue unavailable; recomputing inline')
      }
    }
    await inline()
  }

  const calendarService = createCalendarService({
    ...deps,
    onCalendarChanged: async (tenantId, calendarId) => {
      const open = await database.query<{ n: number }>(
        `select count(*)::int as n from sla_clocks where tenant_id = $1 and calendar_id = $2 and state <> 'stopped'`,
        [tenantId, calendarId],
      )
      await recomputeLater(RECOMPUTE_CALENDAR_JOB, { tenantId, calendarId }, open[0]?.n ?? 0, () =>
        tickets.recomputeCalendar(tenantId, calendarId),
      )
    },
  })
  const policies = createPolicyService({
    ...deps,
    calendars,
    onPolicyChanged: async (tenantId, policyId) => {
      const n = await database.query<{ n: number }>(`select count(*)::int as n from sla_tickets where tenant_id = $1 and policy_id = $2`, [
        tenantId,
        policyId,
      ])
      await recomputeLater(RECOMPUTE_POLICY_JOB, { tenantId, policyId }, n[0]?.n ?? 0, () => tickets.recomputePolicy(tenantId, policyId))
    },
  })
  const credits = createCreditService({ ...deps, compensation })
  const cases = createCaseService({ ...deps, engine, calendars, afterCommit: tickets.afterCommit })

  const listeners: EventListener[] = [
    {
      name: TICKET_LISTENER,
      events: [
        'ticket.created',
        'ticket.status_changed',
        'ticket.priority_changed',
        'ticket.message_added',
        'ticket.assigned',
        'ticket.updated',
      ],
      handle: (event) => tickets.apply(event),
      handleMany: (events) => tickets.applyMany(events),
    },
    // Contract tiers move policies only when `contractTier` is wired (the devices module).
    ...(opts.contractTier
      ? [{ name: CONTRACT_LISTENER, events: CONTRACT_EVENTS, handle: (event) => tickets.applyContract(event) } satisfies EventListener]
      : []),
    ...(opts.ticketActions ? [escalationListener(deps, opts.ticketActions)] : []),
  ]

  const str = (v: unknown, name: string) => {
    if (typeof v !== 'string') throw new Error(`job data: ${name} missing`)
    return v
  }
  const jobDefinitions: JobDefinition[] = [
    ...timers.jobs,
    {
      name: RECOMPUTE_CALENDAR_JOB,
      async handler(data) {
        const tenantId = str(data.tenantId, 'tenantId')
        const calendarId = str(data.calendarId, 'calendarId')
        if (await tickets.calendarExists(tenantId, calendarId)) await tickets.recomputeCalendar(tenantId, calendarId)
      },
    },
    {
      name: RECOMPUTE_POLICY_JOB,
      async handler(data) {
        await tickets.recomputePolicy(str(data.tenantId, 'tenantId'), str(data.policyId, 'policyId'))
      },
    },
    ...(opts.contractTier
      ? [
          {
            name: CONTRACT_PERIODS_JOB,
            // 00:05 in Asia/Shanghai, when yesterday's last contract day is over
            cron: '5 0 * * *',
            async handler() {
              await tickets.recheckContractPeriods()
            },
          } satisfies JobDefinition,
        ]
      : []),
  ]

  return {
    tickets,
    timers,
    calendars: calendarService,
    policies,
    credits,
    cases,
    listeners,
    jobs: jobDefinitions,
    routes: [slaConfigRoutes(calendarService, policies, credits), slaStateRoutes(tickets, credits), caseRoutes(cases)],
  }
}

export type SlaModule = ReturnType<typeof createSlaModule>
