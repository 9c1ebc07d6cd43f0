// Escalation rules on warning / breach, in two steps:
//
// 1. When the engine first raises a threshold (exactly once per clock and cycle), each matching rule
//    of the clock's policy publishes `sla.escalation_requested` in that same transaction. The raise
//    never touches the ticket itself, so SLA timers never wait on ticket locks.
// 2. The listener below carries each request out through the tickets module's public system
//    actions (notify supervisors, raise the tier L1 → L2 → L3, reassign to a queue, raise the
//    priority one step). A row in `sla_escalations` (unique per clock, cycle, threshold and action)
//    is inserted in the transaction that acts: a redelivered event, a second worker or two rules
//    asking for the same action conflict and do nothing. Every outcome is audited; a request that
//    finds nothing to do (top tier, ticket finished, queue gone) is recorded as `skipped`.
import { SlaEscalationAction, SlaEscalationRule, SlaTargetKind, TicketPriority } from '@aftercare/contracts'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { AuditLog } from '../../platform/audit/audit-log.ts'
import { rows, type DbOrTx } from '../../platform/db/index.ts'
import { ValidationError } from '../../platform/errors.ts'
import { processedOnce } from '../../platform/events/idempotency.ts'
import type { Outbox } from '../../platform/events/outbox.ts'
import type { DeliveredEvent, EventListener } from '../../platform/events/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findUserAddresses } from '../identity/index.ts'
import type { TicketSystemActions } from '../tickets/index.ts'
import type { Threshold } from './engine.ts'
import { policyRepository } from './sla.repository.ts'
import type { ClockRow } from './sla.tables.ts'

export const ESCALATION_REQUESTED = 'sla.escalation_requested'
export const ESCALATION_LISTENER = 'sla.escalation-actions'

/** The payload of `sla.escalation_requested` (requests published before `cycle` existed count as cycle 1). */
export const EscalationRequest = z.object({
  ticketId: z.uuid(),
  clockId: z.uuid(),
  cycle: z.number().int().default(1),
  trigger: z.enum(['warning', 'breach']),
  target: SlaTargetKind,
  action: SlaEscalationAction,
  queueId: z.uuid().nullable().default(null),
  maxPriority: TicketPriority.default('P1'),
  dueAt: z.iso.datetime().nullable().default(null),
  at: z.iso.datetime(),
})
export type EscalationRequest = z.infer<typeof EscalationRequest>

const TARGET_ZH: Record<SlaTargetKind, string> = { first_response: '首次响应', next_update: '进展更新', resolution: '解决' }

export function createEscalation({ outbox, audit }: { outbox: Outbox; audit: AuditLog }) {
  return {
    async onRaised(tx: DbOrTx, clock: ClockRow, kind: Threshold, at: Date) {
      if (clock.subjectType !== 'ticket' || !clock.policyId) return
      const policy = await policyRepository.find(tx, clock.policyId)
      const rules = (policy?.escalations ?? []).filter((r) => r.on === kind && (r.target === 'any' || r.target === clock.target))
      for (const r of rules) {
        const payload: EscalationRequest = {
          ticketId: clock.subjectId,
          clockId: clock.id,
          cycle: clock.cycle,
          trigger: kind,
          target: clock.target as SlaTargetKind,
          action: r.action,
          queueId: r.queueId,
          maxPriority: SlaEscalationRule.parse(r).maxPriority,
          dueAt: clock.dueAt?.toISOString() ?? null,
          at: at.toISOString(),
        }
        await outbox.publish(tx, {
          tenantId: clock.tenantId,
          type: ESCALATION_REQUESTED,
          aggregateType: 'ticket',
          aggregateId: clock.subjectId,
          payload,
        })
      }
      if (rules.length)
        await audit.record(tx, {
          tenantId: clock.tenantId,
          actorType: 'system',
          actorId: null,
          action: 'sla.escalated',
          entityType: 'ticket',
          entityId: clock.subjectId,
          after: { trigger: kind, target: clock.target, actions: rules.map((r) => r.action) },
        })
    },
  }
}

type Outcome = { outcome: 'done' | 'skipped'; detail: Record<string, unknown> }

/** Carries out one request with the tickets module's system actions, in the caller's transaction. */
async function carryOut(tx: DbOrTx, tenantId: string, r: EscalationRequest, actions: TicketSystemActions): Promise<Outcome> {
  const skipped = (reason: string): Outcome => ({ outcome: 'skipped', detail: { reason } })
  const reason = `SLA ${r.trigger === 'warning' ? '预警' : '超时'}：${TARGET_ZH[r.target]}`
  switch (r.action) {
    case 'notify_supervisor': {
      const supervisors = (await findUserAddresses(tx, tenantId, { roles: ['supervisor'] })).map((u) => u.id)
      if (supervisors.length === 0) return skipped('no_supervisor')
      const due = r.dueAt ? `，截止 ${new Date(r.dueAt).toISOString()}` : ''
      const note = await actions.notify(tx, r.ticketId, { userIds: supervisors, body: `${reason}${due}。已通知主管。` })
      return note ? { outcome: 'done', detail: { userIds: supervisors, messageId: note.messageId } } : skipped('ticket_missing')
    }
    case 'raise_tier': {
      const c = await actions.raiseTier(tx, r.ticketId, { reason, ...(r.queueId ? { queueId: r.queueId } : {}) })
      return c ? { outcome: 'done', detail: c } : skipped('top_tier_or_finished')
    }
    case 'reassign_queue': {
      if (!r.queueId) return skipped('no_queue')
      const c = await actions.reassignQueue(tx, r.ticketId, { queueId: r.queueId, reason })
      return c ? { outcome: 'done', detail: c } : skipped('already_in_queue_or_finished')
    }
    case 'raise_priority': {
      const c = await actions.raisePriority(tx, r.ticketId, { max: r.maxPriority })
      return c ? { outcome: 'done', detail: c } : skipped('top_priority_or_finished')
    }
  }
}

/** The listener carrying out `sla.escalation_requested` exactly once per clock, cycle, threshold and action. */
export function escalationListener(
  { database, audit }: Pick<ModuleDeps, 'database' | 'audit'>,
  actions: TicketSystemActions,
): EventListener {
  async function handle(event: DeliveredEvent) {
    const parsed = EscalationRequest.safeParse(event.payload)
    if (!parsed.success) return
    const r = parsed.data
    await database.withTenant(event.tenantId, async (tx) => {
      if (!(await processedOnce(tx, ESCALATION_LISTENER, event))) return
      const claimed = await rows<{ id: string }>(
        tx,
        sql`insert into sla_escalations (tenant_id, ticket_id, clock_id, target, cycle, trigger, action, outcome)
            values (${event.tenantId}, ${r.ticketId}, ${r.clockId}, ${r.target}, ${r.cycle}, ${r.trigger}, ${r.action}, 'skipped')
            on conflict (clock_id, cycle, trigger, action) do nothing returning id`,
      )
      const id = claimed[0]?.id
      if (!id) return
      let result: Outcome
      try {
        // a savepoint: a refused action (a queue deactivated since the rule was written) leaves the claim standing
        result = await tx.transaction((sp) => carryOut(sp, event.tenantId, r, actions))
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err
        result = { outcome: 'skipped', detail: { reason: 'refused', message: err.message } }
      }
      await tx.execute(
        sql`update sla_escalations set outcome = ${result.outcome}, detail = ${JSON.stringify(result.detail)}::jsonb where id = ${id}`,
      )
      await audit.record(tx, {
        tenantId: event.tenantId,
        actorType: 'system',
        actorId: null,
        action: `sla.escalation_${result.outcome}`,
        entityType: 'ticket',
        entityId: r.ticketId,
        after: { trigger: r.trigger, target: r.target, cycle: r.cycle, action: r.action, ...result.detail },
      })
    })
  }
  return { name: ESCALATION_LISTENER, events: [ESCALATION_REQUESTED], handle }
}
