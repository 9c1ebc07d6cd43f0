import { TicketStatus } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import {
  allowedTransitions,
  checkTransition,
  isReopen,
  needsAssignee,
  offeredTransitions,
  statusAfterAssignment,
  statusAfterCustomerReply,
  transitions,
  withinReopenWindow,
  type TransitionFacts,
} from './status.ts'

const now = new Date('2026-03-10T08:00:00Z')
const day = 86_400_000
/** Facts under which every state guard of a legal move passes for `to`. */
const satisfying = (from: TicketStatus, to: TicketStatus): TransitionFacts => ({
  hasAssignee: to !== 'new',
  reason: 'because',
  hasResolution: true,
  resolvedAt: from === 'resolved' || from === 'closed' ? new Date(now.getTime() - day) : null,
  closedAt: from === 'closed' ? new Date(now.getTime() - day) : null,
  now,
  reopenDays: 7,
})

const expectedLegal: [TicketStatus, TicketStatus][] = [
  ['new', 'assigned'],
  ['new', 'in_progress'],
  ['new', 'cancelled'],
  ['assigned', 'in_progress'],
  ['assigned', 'cancelled'],
  ['in_progress', 'pending_customer'],
  ['in_progress', 'pending_parts'],
  ['in_progress', 'pending_third_party'],
  ['in_progress', 'resolved'],
  ['in_progress', 'cancelled'],
  ['pending_customer', 'in_progress'],
  ['pending_customer', 'resolved'],
  ['pending_customer', 'cancelled'],
  ['pending_parts', 'in_progress'],
  ['pending_parts', 'resolved'],
  ['pending_parts', 'cancelled'],
  ['pending_third_party', 'in_progress'],
  ['pending_third_party', 'resolved'],
  ['pending_third_party', 'cancelled'],
  ['resolved', 'closed'],
  ['resolved', 'in_progress'],
  ['resolved', 'new'],
  ['closed', 'in_progress'],
  ['closed', 'new'],
]

describe('ticket lifecycle', () => {
  const all = TicketStatus.options
  const legal = new Set(expectedLegal.map(([a, b]) => `${a}>${b}`))

  it('the table holds exactly the documented moves', () => {
    const table = all.flatMap((from) => transitions[from].map((to) => `${from}>${to}`))
    expect(new Set(table)).toEqual(legal)
  })

  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))(
    '%s → %s is legal only when listed, and then passes its guards',
    (from, to) => {
      const result = checkTransition(from, to, satisfying(from, to))
      if (legal.has(`${from}>${to}`)) expect(result).toEqual({ ok: true })
      else {
        expect(result.ok).toBe(false)
        if (!result.ok) {
          expect(result.code).toBe('illegal_transition')
          expect(result.allowed.every((s) => transitions[from].includes(s))).toBe(true)
        }
      }
    },
  )

  it('cancelled is terminal', () => {
    expect(allowedTransitions('cancelled', satisfying('cancelled', 'new'))).toEqual([])
  })

  it.each(
    expectedLegal.filter(
      ([from, to]) => ['pending_customer', 'pending_parts', 'pending_third_party', 'cancelled'].includes(to) || isReopen(from, to),
    ),
  )('%s → %s requires a reason', (from, to) => {
    for (const reason of [undefined, null, '', '   ']) {
      const r = checkTransition(from, to, { ...satisfying(from, to), reason })
      expect(r).toMatchObject({ ok: false, code: 'reason_required' })
    }
  })

  it.each(expectedLegal.filter(([, to]) => to === 'resolved'))('%s → resolved requires a resolution', (from) => {
    expect(checkTransition(from, 'resolved', { ...satisfying(from, 'resolved'), hasResolution: false })).toMatchObject({
      ok: false,
      code: 'resolution_required',
    })
  })

  it('moves into an owned status need an assignee; the 409 lists what is possible instead', () => {
    const r = checkTransition('new', 'in_progress', { ...satisfying('new', 'in_progress'), hasAssignee: false })
    expect(r).toEqual({ ok: false, code: 'assignee_required', message: expect.any(String), allowed: ['cancelled'] })
    expect(
      checkTransition('pending_parts', 'in_progress', { ...satisfying('pending_parts', 'in_progress'), hasAssignee: false }),
    ).toMatchObject({
      code: 'assignee_required',
    })
  })

  it('reopens as in_progress with an owner, as new without one', () => {
    const owned = { ...satisfying('closed', 'in_progress') }
    expect(allowedTransitions('closed', owned)).toEqual(['in_progress'])
    expect(allowedTransitions('closed', { ...owned, hasAssignee: false })).toEqual(['new'])
    expect(checkTransition('resolved', 'new', owned)).toMatchObject({ ok: false, code: 'assignee_must_be_cleared' })
  })

  it('reopening is possible within the window only (the later of resolved/closed counts)', () => {
    const resolvedAt = new Date(now.getTime() - 10 * day)
    const base = { ...satisfying('closed', 'in_progress'), resolvedAt, closedAt: new Date(now.getTime() - 7 * day) }
    expect(withinReopenWindow(base)).toBe(true)
    expect(checkTransition('closed', 'in_progress', base)).toEqual({ ok: true })
    const late = { ...base, closedAt: new Date(now.getTime() - 7 * day - 1) }
    expect(checkTransition('closed', 'in_progress', late)).toMatchObject({ ok: false, code: 'reopen_window_expired', allowed: [] })
    // resolved → closed is still fine after the window; only reopening is not
    expect(checkTransition('resolved', 'closed', { ...late, closedAt: null })).toEqual({ ok: true })
    expect(allowedTransitions('resolved', { ...late, closedAt: null })).toEqual(['closed'])
    expect(withinReopenWindow({ ...base, reopenDays: 0, closedAt: now })).toBe(true)
  })

  it('assignment changes move new ↔ assigned, and an owned ticket without owner back to new', () => {
    expect(statusAfterAssignment('new', true)).toBe('assigned')
    expect(statusAfterAssignment('assigned', false)).toBe('new')
    expect(statusAfterAssignment('in_progress', false)).toBe('new')
    expect(statusAfterAssignment('pending_parts', false)).toBe('new')
    expect(statusAfterAssignment('in_progress', true)).toBe('in_progress')
    expect(statusAfterAssignment('resolved', false)).toBe('resolved')
    expect(statusAfterAssignment('new', false)).toBe('new')
  })

  it('a customer reply ends only the wait for the customer', () => {
    expect(statusAfterCustomerReply('pending_customer')).toBe('in_progress')
    for (const s of all.filter((x) => x !== 'pending_customer')) expect(statusAfterCustomerReply(s)).toBe(s)
  })
})

describe('offeredTransitions', () => {
  const facts = (hasAssignee: boolean): TransitionFacts => ({
    hasAssignee,
    hasResolution: true,
    resolvedAt: null,
    closedAt: null,
    now,
    reopenDays: 7,
  })

  it('offers staff every guarded move; an agent taking unowned tickets may also start one', () => {
    expect(offeredTransitions('new', facts(false), { kind: 'staff', takesUnowned: false })).toEqual(['cancelled'])
    expect(offeredTransitions('new', facts(false), { kind: 'staff', takesUnowned: true })).toEqual(['in_progress', 'cancelled'])
    expect(offeredTransitions('resolved', facts(false), { kind: 'staff', takesUnowned: true })).toEqual(['closed', 'in_progress', 'new'])
    expect(offeredTransitions('resolved', facts(true), { kind: 'staff', takesUnowned: true })).toEqual(['closed', 'in_progress'])
  })

  it('every move offered to staff passes the state machine once an unowned ticket is taken', () => {
    for (const from of TicketStatus.options)
      for (const hasAssignee of [true, false])
        for (const to of offeredTransitions(from, facts(hasAssignee), { kind: 'staff', takesUnowned: true })) {
          const taken = !hasAssignee && needsAssignee(to)
          // taking a new ticket makes it assigned before the move
          const start = taken ? statusAfterAssignment(from, true) : from
          expect(checkTransition(start, to, { ...facts(hasAssignee || taken), reason: 'r' }).ok, `${from} → ${to}`).toBe(true)
        }
  })

  it('offers a customer contact only confirming and reopening; someone who may only look, nothing', () => {
    expect(offeredTransitions('in_progress', facts(true), { kind: 'customer' })).toEqual([])
    expect(offeredTransitions('resolved', facts(true), { kind: 'customer' })).toEqual(['closed', 'in_progress'])
    expect(offeredTransitions('closed', facts(false), { kind: 'customer' })).toEqual(['new'])
    const late = { ...facts(true), closedAt: new Date(now.getTime() - 8 * day) }
    expect(offeredTransitions('closed', late, { kind: 'customer' })).toEqual([])
    expect(offeredTransitions('in_progress', facts(true), { kind: 'none' })).toEqual([])
  })
})
