// Escalation rules on warning / breach: each matching rule of the clock's policy publishes
// `sla.escalation_requested`. notify_supervisor is for the notification center; raise_tier,
// reassign_queue and raise_priority ask the tickets module to act (it exposes no such call to SLA;
// the request is an event it listens to, so SLA never waits on ticket locks).
import type { AuditLog } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { Outbox } from '../../platform/events/outbox.ts'
import type { Threshold } from './engine.ts'
import { policyRepository } from './sla.repository.ts'
import type { ClockRow } from './sla.tables.ts'

export function createEscalation({ outbox, audit }: { outbox: Outbox; audit: AuditLog }) {
  return {
    async onRaised(tx: DbOrTx, clock: ClockRow, kind: Threshold, at: Date) {
      if (clock.subjectType !== 'ticket' || !clock.policyId) return
      const policy = await policyRepository.find(tx, clock.policyId)
      const rules = (policy?.escalations ?? []).filter((r) => r.on === kind && (r.target === 'any' || r.target === clock.target))
      for (const r of rules) {
        const payload = {
          ticketId: clock.subjectId,
          clockId: clock.id,
          trigger: kind,
          target: clock.target,
          action: r.action,
          queueId: r.queueId,
          at: at.toISOString(),
        }
        await outbox.publish(tx, {
          tenantId: clock.tenantId,
          type: 'sla.escalation_requested',
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
