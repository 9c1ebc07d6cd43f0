// Which SLA policy applies to a ticket: pure.
import type { CustomerTier, PriorityTargets, SlaTargetKind, TicketPriority } from '@aftercare/contracts'
import type { PolicyRow } from './sla.tables.ts'

export interface PolicySubject {
  priority: TicketPriority
  /** The customer's tier. */
  customerTier: CustomerTier | null
  /** The SLA tier of a service contract covering the ticket's device; when there is one, it decides. */
  contractTier: CustomerTier | null
  categoryId: string | null
  typeId: string | null
}

/**
 * The first active policy, by rank, whose tiers / categories / types match (an empty list matches
 * anything) and that states targets for the ticket's priority. The tier matched is the contract's
 * SLA tier when a service contract covers the ticket's device (a gold contract on a standard
 * customer's device gets gold service; a standard contract on a gold customer's device gets
 * standard), otherwise the customer's tier.
 */
export function selectPolicy<P extends Pick<PolicyRow, 'active' | 'rank' | 'tiers' | 'categoryIds' | 'typeIds' | 'targets'>>(
  policies: readonly P[],
  s: PolicySubject,
): P | null {
  const ordered = [...policies].filter((p) => p.active).sort((a, b) => a.rank - b.rank)
  const tier = s.contractTier ?? s.customerTier
  for (const p of ordered) {
    if (p.tiers.length && (tier === null || !p.tiers.includes(tier))) continue
    if (p.categoryIds.length && (s.categoryId === null || !p.categoryIds.includes(s.categoryId))) continue
    if (p.typeIds.length && (s.typeId === null || !p.typeIds.includes(s.typeId))) continue
    if (!p.targets[s.priority]) continue
    return p
  }
  return null
}

const keyOf = { first_response: 'firstResponse', next_update: 'nextUpdate', resolution: 'resolution' } as const satisfies Record<
  SlaTargetKind,
  keyof PriorityTargets
>

/** The policy's target of one kind for a priority, or null. */
export function targetFor(policy: Pick<PolicyRow, 'targets'> | null, priority: TicketPriority, kind: SlaTargetKind) {
  return policy?.targets[priority]?.[keyOf[kind]] ?? null
}
