// Retry schedules as pure functions: webhooks (≤ 15 attempts spread over 72 h, full jitter,
// Retry-After capped), email (RFC 5321: a minute, then ≥ 30 min apart, > 4 days) and the vendors.
import { describe, expect, it } from 'vitest'
import {
  attemptsAllowed,
  emailBackoff,
  notificationRetryAt,
  retryDelayMs,
  vendorBackoff,
  webhookRetry,
  webhookRetryAt,
  webhookSlotEndMs,
} from './backoff.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const first = new Date('2026-03-02T08:00:00Z')

/** Offsets from the first attempt of every attempt a webhook gets while it keeps failing. */
function webhookRun(random: () => number, retryAfterMs: number | null = null): number[] {
  const at = [0]
  for (;;) {
    const next = webhookRetryAt({
      attempts: at.length,
      maxAttempts: webhookRetry.maxAttempts,
      firstAttemptAt: first,
      now: new Date(first.getTime() + at.at(-1)!),
      retryAfterMs,
      random,
    })
    if (!next) return at
    at.push(next.getTime() - first.getTime())
  }
}

/** Waits between the attempts of an email that keeps getting 4xx. */
function emailWaits(random: () => number): number[] {
  const waits: number[] = []
  let now = first
  for (let attempts = 1; ; attempts++) {
    const next = notificationRetryAt({ channel: 'email', attempts, maxAttempts: attemptsAllowed('email', false), createdAt: first }, now, {
      random,
    })
    if (!next) return waits
    waits.push(next.getTime() - now.getTime())
    now = next
  }
}

describe('webhook retries', () => {
  it('at most 15 attempts, retry k at a random moment of slot k; the slots double from 30 s and end at 72 h', () => {
    expect(webhookSlotEndMs(1)).toBe(30_000)
    expect(webhookSlotEndMs(2)).toBe(90_000)
    expect(webhookSlotEndMs(13)).toBe(30_000 * (2 ** 13 - 1))
    expect(webhookSlotEndMs(14)).toBe(72 * HOUR)
    for (const random of [() => 0, () => 0.5, () => 0.999, Math.random]) {
      const at = webhookRun(random)
      expect(at).toHaveLength(15)
      at.slice(1).forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(webhookSlotEndMs(i))
        expect(ms).toBeLessThanOrEqual(webhookSlotEndMs(i + 1))
      })
      // retried until the last slot: 68.3 h to 72 h after the first attempt, never later
      expect(at.at(-1)).toBeGreaterThanOrEqual(webhookSlotEndMs(13))
      expect(at.at(-1)).toBeLessThanOrEqual(72 * HOUR)
    }
  })

  it('full jitter: the same retry of different events lands anywhere in its slot', () => {
    const fifth = Array.from({ length: 200 }, () => webhookRun(Math.random)[5]!)
    const [from, to] = [webhookSlotEndMs(4), webhookSlotEndMs(5)]
    expect(Math.min(...fifth)).toBeLessThan(from + (to - from) * 0.1)
    expect(Math.max(...fifth)).toBeGreaterThan(to - (to - from) * 0.1)
    expect(new Set(fifth).size).toBeGreaterThan(150)
  })

  it('honours Retry-After up to 6 h, and gives up rather than retry sooner than a receiver asks near the end', () => {
    const now = new Date(first.getTime() + 10_000)
    const retry = (retryAfterMs: number, at = now, attempts = 1) =>
      webhookRetryAt({ attempts, maxAttempts: 15, firstAttemptAt: first, now: at, retryAfterMs, random: () => 0 })
    expect(retry(10 * MINUTE)!.getTime() - now.getTime()).toBe(10 * MINUTE)
    expect(retry(48 * HOUR)!.getTime() - now.getTime()).toBe(6 * HOUR)
    const late = new Date(first.getTime() + 70 * HOUR)
    expect(retry(3 * HOUR, late, 14)).toBeNull()
    // a Retry-After on every answer still keeps to 15 attempts within 72 h
    const busy = webhookRun(Math.random, 6 * HOUR)
    expect(busy.length).toBeLessThanOrEqual(15)
    expect(busy.at(-1)).toBeLessThanOrEqual(72 * HOUR)
  })

  it('a retry that ran late takes the slot it is in instead of bursting through the ones it missed', () => {
    const now = new Date(first.getTime() + 5 * HOUR)
    const next = webhookRetryAt({ attempts: 2, maxAttempts: 15, firstAttemptAt: first, now, random: () => 0 })!
    expect(next.getTime()).toBe(now.getTime())
    const spread = webhookRetryAt({ attempts: 2, maxAttempts: 15, firstAttemptAt: first, now, random: () => 1 })!
    expect(spread.getTime() - first.getTime()).toBe(webhookSlotEndMs(10))
    expect(webhookRetryAt({ attempts: 3, maxAttempts: 15, firstAttemptAt: first, now: new Date(first.getTime() + 72 * HOUR) })).toBeNull()
  })

  it('keeps to the attempts a delivery was given (older rows had 8)', () => {
    expect(webhookRetryAt({ attempts: 8, maxAttempts: 8, firstAttemptAt: first, now: first })).toBeNull()
    expect(webhookRetryAt({ attempts: 7, maxAttempts: 8, firstAttemptAt: first, now: first })).not.toBeNull()
  })
})

describe('email retries (SMTP 4xx)', () => {
  it('first after 1 min, then at least 30 min apart, giving up after more than 4 days and 14 attempts', () => {
    expect(attemptsAllowed('email', false)).toBe(emailBackoff.maxAttempts)
    for (const random of [() => 0, () => 0.999, Math.random]) {
      const waits = emailWaits(random)
      expect(waits).toHaveLength(13)
      expect(waits[0]).toBeGreaterThanOrEqual(MINUTE)
      expect(waits[0]).toBeLessThanOrEqual(1.25 * MINUTE)
      for (const w of waits.slice(1)) expect(w).toBeGreaterThanOrEqual(30 * MINUTE)
      const total = waits.reduce((a, b) => a + b, 0)
      expect(total).toBeGreaterThanOrEqual(96 * HOUR)
      expect(total).toBeLessThanOrEqual(6 * 24 * HOUR)
    }
  })

  it('a one-time code by email gets one retry after a minute (the next would come after the code ran out)', () => {
    expect(attemptsAllowed('email', true)).toBe(2)
    const created = { channel: 'email' as const, maxAttempts: 2, createdAt: first }
    const retry = notificationRetryAt({ ...created, attempts: 1 }, first, { random: () => 0 })!
    expect(retry.getTime() - first.getTime()).toBe(MINUTE)
    expect(notificationRetryAt({ ...created, attempts: 2 }, retry)).toBeNull()
  })
})

describe('SMS, WeChat and robots', () => {
  it('keep the short schedule: 30 s, 1, 2, 4, 8 min (less up to half), six attempts, Retry-After honoured', () => {
    expect(attemptsAllowed('sms', false)).toBe(6)
    expect(attemptsAllowed('sms', true)).toBe(3)
    expect(attemptsAllowed('wecom_robot', false)).toBe(vendorBackoff.maxAttempts)
    for (let attempt = 1; attempt <= 5; attempt++) {
      const step = 30_000 * 2 ** (attempt - 1)
      expect(retryDelayMs(attempt, { random: () => 0 })).toBe(step / 2)
      expect(retryDelayMs(attempt, { random: () => 1 })).toBe(step)
    }
    expect(retryDelayMs(1, { retryAfterMs: 10 * MINUTE, random: () => 1 })).toBe(10 * MINUTE)
    const sms = { channel: 'sms' as const, maxAttempts: 6, createdAt: first }
    expect(notificationRetryAt({ ...sms, attempts: 6 }, first)).toBeNull()
    expect(notificationRetryAt({ ...sms, attempts: 5 }, first, { random: () => 1 })!.getTime() - first.getTime()).toBe(8 * MINUTE)
  })

  it('the webhook channel follows the webhook schedule', () => {
    expect(attemptsAllowed('webhook', false)).toBe(15)
    const next = notificationRetryAt(
      { channel: 'webhook', attempts: 14, maxAttempts: 15, createdAt: first },
      new Date(first.getTime() + 69 * HOUR),
      {
        random: () => 1,
      },
    )
    expect(next!.getTime() - first.getTime()).toBe(72 * HOUR)
  })
})
