// Who may do what with a ticket (pure). Routes require the permission (tickets.read, .write …);
// these rules narrow it to the tickets an actor may touch. A ticket an actor may not read answers
// 404 exactly like a missing one.
import type { MessageVisibility } from '@aftercare/contracts'
import { isCustomerContact, type Actor } from '../../platform/http/access.ts'

export { isCustomerContact }

/** The service desk proper: every ticket of the tenant, read and work. */
const deskRoles = ['admin', 'supervisor', 'agent_l1', 'agent_l2', 'agent_l3']
/** Read every ticket (dispatchers plan visits for any, warehouse keepers ship parts for any); work only on their own. */
const readAllRoles = [...deskRoles, 'dispatcher', 'warehouse_keeper']

export interface TicketFacts {
  customerId: string
  assigneeId: string | null
}

const isDesk = (a: Actor) => !isCustomerContact(a) && a.roles.some((r) => deskRoles.includes(r))
const readsAll = (a: Actor) => !isCustomerContact(a) && a.roles.some((r) => readAllRoles.includes(r))

/** Which tickets a list may show this actor. */
export type TicketScope =
  { kind: 'all' } | { kind: 'customer'; customerId: string } | { kind: 'assigned'; userId: string } | { kind: 'none' }

export function ticketScope(a: Actor): TicketScope {
  if (!a.permissions.has('tickets.read')) return { kind: 'none' }
  if (isCustomerContact(a)) return a.customerOrgId ? { kind: 'customer', customerId: a.customerOrgId } : { kind: 'none' }
  if (readsAll(a)) return { kind: 'all' }
  // engineers, service providers: what they are assigned or watch
  return { kind: 'assigned', userId: a.userId }
}

export function canReadTicket(a: Actor, t: TicketFacts, isWatcher: boolean): boolean {
  const scope = ticketScope(a)
  switch (scope.kind) {
    case 'all':
      return true
    case 'customer':
      return t.customerId === scope.customerId
    case 'assigned':
      return t.assigneeId === a.userId || isWatcher
    case 'none':
      return false
  }
}

/** Change fields, status, links …: the desk on any ticket, others only on a ticket assigned to them. */
export function canWorkTicket(a: Actor, t: TicketFacts): boolean {
  if (!a.permissions.has('tickets.write') || isCustomerContact(a)) return false
  return isDesk(a) || t.assigneeId === a.userId
}

/**
 * May start watching a ticket they can read: staff who see every ticket. Engineers and service
 * providers see what they are assigned or watch, so watching by their own hand would keep a ticket
 * in sight after it is reassigned (RELIABILITY B-ENGINEER); the desk adds them as watchers instead.
 */
export function canWatchSelf(a: Actor): boolean {
  return isStaff(a) && ticketScope(a).kind === 'all'
}

export function canAssignTicket(a: Actor): boolean {
  return a.permissions.has('tickets.assign') && !isCustomerContact(a)
}

/** Customers reply in public only; staff replying need tickets.reply, internal notes need the right to work the ticket. */
export function canPostMessage(a: Actor, t: TicketFacts, visibility: MessageVisibility): boolean {
  if (!a.permissions.has('tickets.reply')) return false
  if (isCustomerContact(a)) return visibility === 'public' && a.customerOrgId === t.customerId
  return isDesk(a) || t.assigneeId === a.userId
}

/** Confirming a resolution or reopening: the customer's own contacts, or staff who may work the ticket. */
export function canConfirmTicket(a: Actor, t: TicketFacts): boolean {
  if (isCustomerContact(a)) return a.permissions.has('tickets.confirm') && a.customerOrgId === t.customerId
  return canWorkTicket(a, t)
}

/** Internal notes, internal attachments and staff-only timeline entries. */
export function seesInternal(a: Actor): boolean {
  return !isCustomerContact(a)
}

/** Saved views, watchers of others, bulk actions: staff only. */
export function isStaff(a: Actor): boolean {
  return !isCustomerContact(a)
}
