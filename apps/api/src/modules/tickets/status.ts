// The ticket lifecycle as data: which status may follow which, and the guards on each move.
// Pure: the service supplies the facts (assignee, reason, resolution, dates), this file decides.
import type { TicketStatus } from '@aftercare/contracts'

/** Every legal move. Reopening is resolved/closed → in_progress (someone owns it) or → new (nobody does). */
export const transitions: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['assigned', 'in_progress', 'cancelled'],
  assigned: ['in_progress', 'cancelled'],
  in_progress: ['pending_customer', 'pending_parts', 'pending_third_party', 'resolved', 'cancelled'],
  pending_customer: ['in_progress', 'resolved', 'cancelled'],
  pending_parts: ['in_progress', 'resolved', 'cancelled'],
  pending_third_party: ['in_progress', 'resolved', 'cancelled'],
  resolved: ['closed', 'in_progress', 'new'],
  closed: ['in_progress', 'new'],
  cancelled: [],
}

const pending: readonly TicketStatus[] = ['pending_customer', 'pending_parts', 'pending_third_party']
/** Statuses in which someone must own the ticket. */
const owned: readonly TicketStatus[] = ['assigned', 'in_progress', ...pending]
const terminalish: readonly TicketStatus[] = ['resolved', 'closed', 'cancelled']

export const isOpen = (s: TicketStatus) => !terminalish.includes(s)
export const isReopen = (from: TicketStatus, to: TicketStatus) =>
  (from === 'resolved' || from === 'closed') && (to === 'in_progress' || to === 'new')
export const needsAssignee = (to: TicketStatus) => owned.includes(to)

/** What the guards look at. */
export interface TransitionFacts {
  hasAssignee: boolean
  reason?: string | null | undefined
  hasResolution: boolean
  /** When the ticket was resolved, and closed (for the reopen window: the later one counts). */
  resolvedAt: Date | null
  closedAt: Date | null
  now: Date
  reopenDays: number
}

export type TransitionRefusal =
  | 'illegal_transition'
  | 'assignee_required'
  | 'assignee_must_be_cleared'
  | 'reason_required'
  | 'resolution_required'
  | 'reopen_window_expired'

export type TransitionCheck = { ok: true } | { ok: false; code: TransitionRefusal; message: string; allowed: TicketStatus[] }

const dayMs = 86_400_000

/** True while a resolved/closed ticket may still be reopened. */
export function withinReopenWindow(f: Pick<TransitionFacts, 'resolvedAt' | 'closedAt' | 'now' | 'reopenDays'>): boolean {
  const since = Math.max(f.resolvedAt?.getTime() ?? 0, f.closedAt?.getTime() ?? 0)
  if (since === 0) return true
  return f.now.getTime() - since <= f.reopenDays * dayMs
}

/** The refusal a move's state guards give (reasons and resolutions are inputs, checked apart). */
function stateGuard(from: TicketStatus, to: TicketStatus, f: TransitionFacts): { code: TransitionRefusal; message: string } | undefined {
  if (isReopen(from, to) && !withinReopenWindow(f))
    return {
      code: 'reopen_window_expired',
      message: `A ticket can be reopened only within ${f.reopenDays} days of being resolved or closed`,
    }
  if (needsAssignee(to) && !f.hasAssignee)
    return { code: 'assignee_required', message: `The ticket needs an assignee before it can be ${to}` }
  if (to === 'new' && f.hasAssignee)
    return { code: 'assignee_must_be_cleared', message: 'A ticket with an assignee reopens as in_progress' }
  return undefined
}

/** The statuses this ticket may move to now (what a 409 lists and the UI offers). */
export function allowedTransitions(from: TicketStatus, f: TransitionFacts): TicketStatus[] {
  return transitions[from].filter((to) => stateGuard(from, to, f) === undefined)
}

/**
 * Who asks which moves are offered: staff who may work the ticket (`takesUnowned`: starting work on
 * an unowned ticket assigns it to them first), a customer contact who may confirm or reopen, or
 * someone who may only look.
 */
export type Mover = { kind: 'staff'; takesUnowned: boolean } | { kind: 'customer' } | { kind: 'none' }

/** The moves to offer this caller now: the state machine's guarded moves, narrowed to what the caller may do. */
export function offeredTransitions(from: TicketStatus, f: TransitionFacts, mover: Mover): TicketStatus[] {
  switch (mover.kind) {
    case 'none':
      return []
    case 'customer': {
      // confirm (resolved → closed) and reopen (→ in_progress when someone owns it, → new otherwise)
      const reopenTo: TicketStatus = f.hasAssignee ? 'in_progress' : 'new'
      const wanted: TicketStatus[] = from === 'resolved' ? ['closed', reopenTo] : from === 'closed' ? [reopenTo] : []
      return wanted.filter((to) => transitions[from].includes(to) && stateGuard(from, to, f) === undefined)
    }
    case 'staff':
      return transitions[from].filter((to) => {
        // self-assignment makes a new ticket `assigned` first, so `assigned` itself is never a self-move
        const selfAssigned = mover.takesUnowned && needsAssignee(to) && to !== 'assigned'
        return stateGuard(from, to, { ...f, hasAssignee: f.hasAssignee || selfAssigned }) === undefined
      })
  }
}

/** Decides a requested move: legal and guarded, or refused with a code and the allowed moves. */
export function checkTransition(from: TicketStatus, to: TicketStatus, f: TransitionFacts): TransitionCheck {
  const allowed = allowedTransitions(from, f)
  const refuse = (code: TransitionRefusal, message: string): TransitionCheck => ({ ok: false, code, message, allowed })
  if (!transitions[from].includes(to)) return refuse('illegal_transition', `A ticket cannot go from ${from} to ${to}`)
  const guard = stateGuard(from, to, f)
  if (guard) return refuse(guard.code, guard.message)
  const needsReason = pending.includes(to) || to === 'cancelled' || isReopen(from, to)
  if (needsReason && !f.reason?.trim()) return refuse('reason_required', `reason: a reason is required to move from ${from} to ${to}`)
  if (to === 'resolved' && !f.hasResolution) return refuse('resolution_required', 'resolution: cause and actions are required to resolve')
  return { ok: true }
}

/**
 * The status after an assignment change: a new ticket given an owner is assigned; an owned ticket
 * losing its owner (sent back to a queue) is new again, waiting to be picked up; a transfer from one
 * person to another keeps the status.
 */
export function statusAfterAssignment(status: TicketStatus, hasAssignee: boolean): TicketStatus {
  if (status === 'new' && hasAssignee) return 'assigned'
  if (owned.includes(status) && !hasAssignee) return 'new'
  return status
}

/** A customer's reply on a ticket waiting for them puts it back to work. */
export function statusAfterCustomerReply(status: TicketStatus): TicketStatus {
  return status === 'pending_customer' ? 'in_progress' : status
}
