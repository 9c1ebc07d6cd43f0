// @vitest-environment jsdom
import type { SlaClock, TicketSla } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import { badgeState, countdown } from './SlaBadge.tsx'
import { rangesToText, textToRanges } from './SlaAdminPage.tsx'

const t0 = Date.parse('2026-10-12T01:00:00Z')
const clock = (c: Partial<SlaClock>): SlaClock => ({
  id: '00000000-0000-4000-8000-000000000001',
  target: 'first_response',
  cycle: 1,
  state: 'running',
  spec: { minutes: 60 },
  targetMinutes: 60,
  consumedMinutes: 0,
  remainingMinutes: 60,
  startedAt: new Date(t0).toISOString(),
  dueAt: new Date(t0 + 3_600_000).toISOString(),
  warnAt: new Date(t0 + 2_880_000).toISOString(),
  warned: false,
  breached: false,
  met: null,
  stoppedAt: null,
  stopReason: null,
  ...c,
})
const sla = (summary: TicketSla['summary'], next: SlaClock | null) => ({ summary, next })

describe('SLA badge state', () => {
  it('counts down to the due time, turns orange at the warning instant and red at the deadline without waiting for the server', () => {
    const c = clock({})
    expect(badgeState(sla('ok', c), t0 + 60_000)).toEqual({ state: 'ok', ms: 3_540_000 })
    expect(badgeState(sla('ok', c), t0 + 2_880_000).state).toBe('warning')
    expect(badgeState(sla('ok', c), t0 + 3_600_000 + 5_000)).toEqual({ state: 'breached', ms: -5_000 })
  })

  it('a paused clock shows its frozen time left; finished tickets show met / missed without a countdown', () => {
    expect(badgeState(sla('paused', clock({ state: 'paused', dueAt: null, remainingMinutes: 25 })), t0)).toEqual({
      state: 'paused',
      ms: 25 * 60_000,
    })
    expect(badgeState(sla('met', clock({ state: 'stopped' })), t0)).toEqual({ state: 'met', ms: null })
    expect(badgeState(sla('missed', clock({ state: 'stopped', breached: true })), t0)).toEqual({ state: 'missed', ms: null })
    expect(badgeState(sla('none', null), t0)).toEqual({ state: 'none', ms: null })
  })

  it('formats hours:minutes:seconds with days when longer', () => {
    const day = (n: number) => `${n}天`
    expect(countdown(3_723_000, day)).toBe('01:02:03')
    expect(countdown(-65_000, day)).toBe('00:01:05')
    expect(countdown(2 * 86_400_000 + 61_000, day)).toBe('2天 00:01:01')
  })
})

describe('calendar hours text', () => {
  it('reads and writes ranges like 09:00-12:00, 13:00-18:00 (Chinese commas too)', () => {
    const r = textToRanges('09:00-12:00，13:00-18:00')
    expect(r).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '18:00' },
    ])
    expect(rangesToText(r)).toBe('09:00-12:00, 13:00-18:00')
    expect(textToRanges('')).toEqual([])
  })
})
