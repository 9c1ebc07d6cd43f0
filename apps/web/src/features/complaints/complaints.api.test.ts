// @vitest-environment jsdom
import type { SlaClock } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import { ApiRequestError } from '../../shared/api/client.ts'
import { i18n } from '../../shared/i18n/index.ts'
import { badgeState } from '../sla/SlaBadge.tsx'
import { caseError, clockSummary, formatSpec } from './complaints.api.ts'

const t0 = Date.parse('2026-10-12T01:00:00Z')
const clock = (c: Partial<SlaClock>): SlaClock => ({
  id: '00000000-0000-4000-8000-000000000001',
  target: 'complaint_response',
  cycle: 1,
  state: 'running',
  spec: { minutes: 120 },
  targetMinutes: 120,
  consumedMinutes: 0,
  remainingMinutes: 120,
  startedAt: new Date(t0).toISOString(),
  dueAt: new Date(t0 + 7_200_000).toISOString(),
  warnAt: new Date(t0 + 5_760_000).toISOString(),
  warned: false,
  breached: false,
  met: null,
  stoppedAt: null,
  stopReason: null,
  ...c,
})

describe('complaint and dispute deadlines', () => {
  it('each clock has its own badge state: running, warned, overdue, paused, met, missed', () => {
    expect(clockSummary(clock({}))).toBe('ok')
    expect(clockSummary(clock({ warned: true }))).toBe('warning')
    expect(clockSummary(clock({ warned: true, breached: true, remainingMinutes: -5 }))).toBe('breached')
    expect(clockSummary(clock({ state: 'paused', dueAt: null }))).toBe('paused')
    expect(clockSummary(clock({ state: 'stopped', met: true, dueAt: null, stoppedAt: new Date(t0).toISOString() }))).toBe('met')
    expect(clockSummary(clock({ state: 'stopped', met: false, breached: true, dueAt: null }))).toBe('missed')
  })

  it('the shared SLA badge counts a running complaint clock down to its due time and past it', () => {
    const c = clock({})
    expect(badgeState({ summary: clockSummary(c), next: c }, t0 + 60_000)).toEqual({ state: 'ok', ms: 7_140_000 })
    expect(badgeState({ summary: clockSummary(c), next: c }, t0 + 6_000_000).state).toBe('warning')
    expect(badgeState({ summary: clockSummary(c), next: c }, t0 + 7_260_000)).toEqual({ state: 'breached', ms: -60_000 })
    const met = clock({ state: 'stopped', met: true, dueAt: null })
    expect(badgeState({ summary: clockSummary(met), next: met }, t0)).toEqual({ state: 'met', ms: null })
  })

  it('targets in words, in both languages', async () => {
    await i18n.changeLanguage('zh-CN')
    const t = i18n.t.bind(i18n)
    expect(formatSpec(t, { minutes: 120 })).toBe('2 小时')
    expect(formatSpec(t, { minutes: 90 })).toBe('90 分钟')
    expect(formatSpec(t, { workingDays: 5 })).toBe('5 个工作日')
    expect(formatSpec(t, undefined)).toBe('—')
    await i18n.changeLanguage('en-US')
    expect(formatSpec(i18n.t.bind(i18n), { workingDays: 10 })).toBe('10 working days')
    await i18n.changeLanguage('zh-CN')
  })

  it('a stale write (412) asks to reload; the API conflict codes read as sentences', async () => {
    await i18n.changeLanguage('zh-CN')
    const t = i18n.t.bind(i18n)
    expect(caseError(t, new ApiRequestError(412, { code: 'precondition_failed', message: 'stale' }))).toBe(
      '该记录已被他人修改，请重新加载后再操作',
    )
    expect(caseError(t, new ApiRequestError(409, { code: 'already_responded', message: 'x' }))).toBe('该投诉已响应')
    expect(caseError(t, new ApiRequestError(409, { code: 'invalid_stage', message: 'x' }))).toBe('当前阶段不能转到该阶段，请刷新后重试')
  })
})
