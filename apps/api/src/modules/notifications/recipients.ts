// Who hears about an event. Staff are found by role in the ticket (assignee, watchers, mentioned users)
// or by role in the tenant (supervisors, admins); the customer side is the ticket's requester. Staff get
// staff templates only, customer contacts customer templates only.
import type { NotificationEventType } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'

/** What the notification center needs to know about a ticket (given by the tickets module). */
export interface TicketFacts {
  id: string
  number: string
  subject: string
  description: string
  status: string
  priority: string
  customerId: string
  assigneeId: string | null
  /** The customer contact (user) who asked, when known. */
  requesterId: string | null
  requesterName: string | null
  requesterEmail: string | null
  requesterPhone: string | null
  watcherIds: string[]
}

export interface TicketMessageFacts {
  body: string
  authorId: string | null
  authorName: string | null
  visibility: 'public' | 'internal'
}

/** How notifications read tickets: wired in the composition root to the tickets module's index. */
export interface TicketReader {
  /** The tickets found among `ticketIds` (a batch of events reads them in one go). */
  findTickets(tx: DbOrTx, ticketIds: readonly string[]): Promise<TicketFacts[]>
  findMessage(tx: DbOrTx, ticketId: string, messageId: string): Promise<TicketMessageFacts | undefined>
}

export interface RecipientPlan {
  /** Staff users by id (the actor is removed; non-staff are dropped later). */
  staffIds: string[]
  /** Staff found by role. */
  staffRoles: string[]
  /** The ticket's requester hears about it (customer template). */
  customer: boolean
}

const CUSTOMER_STATUSES = new Set(['resolved', 'closed', 'pending_customer'])

/** The recipients of one event, from its payload and the ticket. */
export function planRecipients(
  type: NotificationEventType,
  payload: Record<string, unknown>,
  ticket: TicketFacts | undefined,
  actorId: string | null,
): RecipientPlan {
  const assignee = ticket?.assigneeId ?? (typeof payload.assigneeId === 'string' ? payload.assigneeId : null)
  const watchers = ticket?.watcherIds ?? []
  const ids = (...xs: (string | null | undefined)[]) => xs.filter((x): x is string => typeof x === 'string')
  let plan: RecipientPlan
  switch (type) {
    case 'ticket.created':
      plan = { staffIds: ids(assignee, ...watchers), staffRoles: [], customer: true }
      break
    case 'ticket.assigned':
      plan = { staffIds: ids(typeof payload.assigneeId === 'string' ? payload.assigneeId : null), staffRoles: [], customer: false }
      break
    case 'ticket.mentioned':
      plan = { staffIds: Array.isArray(payload.userIds) ? ids(...(payload.userIds as string[])) : [], staffRoles: [], customer: false }
      break
    case 'ticket.message_added':
      if (payload.authorType === 'customer') plan = { staffIds: ids(assignee, ...watchers), staffRoles: [], customer: false }
      else if (payload.visibility === 'public') plan = { staffIds: ids(...watchers), staffRoles: [], customer: true }
      else plan = { staffIds: ids(assignee, ...watchers), staffRoles: [], customer: false }
      break
    case 'ticket.status_changed':
      plan = { staffIds: ids(assignee, ...watchers), staffRoles: [], customer: CUSTOMER_STATUSES.has(String(payload.to)) }
      break
    case 'sla.warning':
      plan = { staffIds: ids(assignee), staffRoles: [], customer: false }
      break
    case 'sla.breached':
      plan = { staffIds: ids(assignee), staffRoles: ['supervisor'], customer: false }
      break
    case 'webhook.disabled':
      plan = { staffIds: [], staffRoles: ['admin'], customer: false }
      break
    case 'notification.otp_requested':
      plan = { staffIds: [], staffRoles: [], customer: false }
      break
  }
  // nobody is told about what they did themselves
  return { ...plan, staffIds: [...new Set(plan.staffIds)].filter((id) => id !== actorId) }
}
