// Who sees which SLA state (pure). Routes require the permission; these rules narrow it the way
// the tickets module narrows ticket reads: the desk (and dispatchers, warehouse keepers) every
// ticket, a customer contact their organisation's, engineers and providers what is assigned to them.
import { ForbiddenError } from '../../platform/errors.ts'
import { isCustomerContact, type Actor } from '../../platform/http/access.ts'

const readAllRoles = ['admin', 'supervisor', 'agent_l1', 'agent_l2', 'agent_l3', 'dispatcher', 'warehouse_keeper']

export type SlaScope = { kind: 'all' } | { kind: 'customer'; customerId: string } | { kind: 'assigned'; userId: string } | { kind: 'none' }

export function slaScope(a: Actor): SlaScope {
  if (!a.permissions.has('tickets.read')) return { kind: 'none' }
  if (isCustomerContact(a)) return a.customerOrgId ? { kind: 'customer', customerId: a.customerOrgId } : { kind: 'none' }
  if (a.roles.some((r) => readAllRoles.includes(r))) return { kind: 'all' }
  return { kind: 'assigned', userId: a.userId }
}

/** May the actor see the SLA of a ticket with this customer and assignee? */
export function canSeeTicketSla(a: Actor, t: { customerId: string | null; assigneeId: string | null }): boolean {
  const s = slaScope(a)
  switch (s.kind) {
    case 'all':
      return true
    case 'customer':
      return t.customerId === s.customerId
    case 'assigned':
      return t.assigneeId === s.userId
    case 'none':
      return false
  }
}

/**
 * Complaints and disputes an actor may read: all (undefined), one customer's, or none (null) —
 * the desk sees all, a customer contact their organisation's, engineers and providers none.
 */
export function caseCustomerScope(a: Actor): string | undefined | null {
  const s = slaScope(a)
  if (s.kind === 'all') return undefined
  if (s.kind === 'customer') return s.customerId
  return null
}

/** Writes on complaints and disputes: the desk only. */
export function assertDesk(a: Actor) {
  if (slaScope(a).kind !== 'all') throw new ForbiddenError()
}
