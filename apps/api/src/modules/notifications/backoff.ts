// Retry timing for every outgoing message (notifications and webhooks), never sooner than the
// receiver's Retry-After (up to a cap). Three schedules, each with a bounded number of attempts:
// - webhooks (subscriptions and the webhook channel): up to 72 h, at most 15 attempts, exponential
//   slots with full jitter (Stripe retries for 3 days; RELIABILITY "Webhooks out");
// - email: RFC 5321 4.5.4.1 — first retry after a minute, then at least 30 min apart, giving up
//   after more than 4 days;
// - SMS, WeChat and robots: news that is stale within the hour, retried for about 15 minutes.
import type { NotificationChannel } from '@aftercare/contracts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

export interface BackoffPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number
  /** The wait before the first retry. */
  firstMs: number
  /** The wait before the second retry; it doubles for each later one, up to `capMs`. */
  baseMs: number
  capMs: number
  /** Each wait is drawn evenly from [lo × step, hi × step]: [0.5, 1] is "equal jitter". */
  jitter: readonly [lo: number, hi: number]
  /** Retry-After is honoured up to this long. */
  maxRetryAfterMs: number
}

/** SMTP (RFC 5321 4.5.4.1): the waits are floors, jitter only adds (up to a quarter). 14 attempts span 4.1–5.2 days. */
export const emailBackoff: BackoffPolicy = {
  maxAttempts: 14,
  firstMs: MINUTE,
  baseMs: 30 * MINUTE,
  capMs: 12 * HOUR,
  jitter: [1, 1.25],
  maxRetryAfterMs: 24 * HOUR,
}

/** SMS, WeChat, robots: 30 s, 1, 2, 4, 8 min (each less up to half), dead after ~8–15 min. */
export const vendorBackoff: BackoffPolicy = {
  maxAttempts: 6,
  firstMs: 30_000,
  baseMs: MINUTE,
  capMs: 6 * HOUR,
  jitter: [0.5, 1],
  maxRetryAfterMs: 24 * HOUR,
}

/** The wait before the next attempt after `attempt` attempts failed (see BackoffPolicy). */
export function retryDelayMs(
  attempt: number,
  opts: { retryAfterMs?: number | null; random?: () => number; policy?: BackoffPolicy } = {},
): number {
  const p = opts.policy ?? vendorBackoff
  const step = attempt <= 1 ? p.firstMs : Math.min(p.capMs, p.baseMs * 2 ** (attempt - 2))
  const [lo, hi] = p.jitter
  const jittered = Math.round(step * (lo + (opts.random ?? Math.random)() * (hi - lo)))
  const asked = Math.min(Math.max(0, opts.retryAfterMs ?? 0), p.maxRetryAfterMs)
  return Math.max(jittered, asked)
}

export interface WebhookRetryPolicy {
  /** Attempts in all, the first one included (the slots allow 1 + 14). */
  maxAttempts: number
  /** The first slot's length; each later slot is twice as long as the one before. */
  baseMs: number
  /** No attempt later than this after the first one. */
  windowMs: number
  /** Retry-After is honoured up to this long (a receiver asking for more is tried again after it). */
  maxRetryAfterMs: number
}

export const webhookRetry: WebhookRetryPolicy = { maxAttempts: 15, baseMs: 30_000, windowMs: 72 * HOUR, maxRetryAfterMs: 6 * HOUR }

/**
 * End of retry slot `k` (k ≥ 1), counted from the first attempt: 30 s, 1.5 min, 3.5 min … each slot
 * twice the one before, the 13th ending at 68.3 h and the 14th cut at 72 h.
 */
export const webhookSlotEndMs = (k: number, p: WebhookRetryPolicy = webhookRetry) =>
  k <= 0 ? 0 : Math.min(p.windowMs, p.baseMs * (2 ** k - 1))

/**
 * When a webhook is tried again after `attempts` failed attempts, or null to give up. Retry k falls
 * at an even random moment of slot k ("full jitter" within exponentially growing slots), so a
 * failing receiver is tried at most 15 times and until about 72 h after the first attempt, and the
 * retries of many events spread out instead of stampeding. A retry that ran late (Retry-After, a
 * stopped worker) takes the slot it is in, never a burst of the slots it missed.
 */
export function webhookRetryAt(o: {
  attempts: number
  maxAttempts: number
  firstAttemptAt: Date
  now: Date
  retryAfterMs?: number | null
  random?: () => number
  policy?: WebhookRetryPolicy
}): Date | null {
  const p = o.policy ?? webhookRetry
  const elapsed = Math.max(0, o.now.getTime() - o.firstAttemptAt.getTime())
  if (o.attempts >= Math.min(o.maxAttempts, p.maxAttempts) || elapsed >= p.windowMs) return null
  let k = Math.max(1, o.attempts)
  while (webhookSlotEndMs(k, p) <= elapsed) k++
  const from = Math.max(webhookSlotEndMs(k - 1, p), elapsed)
  const jittered = from + (o.random ?? Math.random)() * (webhookSlotEndMs(k, p) - from)
  const asked = elapsed + Math.min(Math.max(0, o.retryAfterMs ?? 0), p.maxRetryAfterMs)
  const at = Math.round(Math.max(jittered, asked))
  // the receiver asks to wait past the window: give up rather than retry sooner than asked
  return at > p.windowMs ? null : new Date(o.firstAttemptAt.getTime() + at)
}

type DeliveryChannel = Exclude<NotificationChannel, 'in_app'>

/**
 * Attempts a notification gets. A one-time code is useless after a few minutes: by SMS three quick
 * attempts; by email one retry (the next would come 30 min later, after the code ran out).
 */
export function attemptsAllowed(channel: DeliveryChannel, isOneTimeCode: boolean): number {
  if (isOneTimeCode) return channel === 'email' ? 2 : 3
  if (channel === 'webhook') return webhookRetry.maxAttempts
  return channel === 'email' ? emailBackoff.maxAttempts : vendorBackoff.maxAttempts
}

/** When a notification is tried again after a retryable failure, or null when its attempts are used up. */
export function notificationRetryAt(
  d: { channel: DeliveryChannel; attempts: number; maxAttempts: number; createdAt: Date },
  now: Date,
  opts: { retryAfterMs?: number | null; random?: () => number } = {},
): Date | null {
  if (d.attempts >= d.maxAttempts) return null
  if (d.channel === 'webhook')
    return webhookRetryAt({ attempts: d.attempts, maxAttempts: d.maxAttempts, firstAttemptAt: d.createdAt, now, ...opts })
  const policy = d.channel === 'email' ? emailBackoff : vendorBackoff
  return new Date(now.getTime() + retryDelayMs(d.attempts, { ...opts, policy }))
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}
