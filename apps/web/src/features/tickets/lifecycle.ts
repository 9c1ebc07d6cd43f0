// The moves the detail page offers from each status. The API's state machine decides; a refused
// move answers 409 with the moves that are allowed, which the page then shows. Starting work on
// an unowned ticket assigns it to the agent who does it, so `in_progress` is offered from `new`.
import type { TicketStatus } from '@aftercare/contracts'

const moves: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['in_progress', 'cancelled'],
  assigned: ['in_progress', 'cancelled'],
  in_progress: ['pending_customer', 'pending_parts', 'pending_third_party', 'resolved', 'cancelled'],
  pending_customer: ['in_progress', 'resolved', 'cancelled'],
  pending_parts: ['in_progress', 'resolved', 'cancelled'],
  pending_third_party: ['in_progress', 'resolved', 'cancelled'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
  cancelled: [],
}

export function offeredMoves(status: TicketStatus): readonly TicketStatus[] {
  return moves[status]
}
