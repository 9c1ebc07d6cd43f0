// Retry timing for every outgoing message (notifications and webhooks): exponential backoff with
// jitter, never sooner than the receiver's Retry-After.

export interface BackoffPolicy {
  /** Delay before the second attempt (the first retry). */
  baseMs: number
  /** No single wait is longer (except what Retry-After asks, up to `maxRetryAfterMs`). */
  capMs: number
  maxRetryAfterMs: number
}

export const defaultBackoff: BackoffPolicy = { baseMs: 30_000, capMs: 6 * 3600_000, maxRetryAfterMs: 24 * 3600_000 }

/**
 * The wait before the next attempt after `attempt` attempts failed: "equal jitter" — half of the
 * exponential step plus a random half, so retries of many messages spread out instead of stampeding.
 */
export function retryDelayMs(
  attempt: number,
  opts: { retryAfterMs?: number | null; random?: () => number; policy?: BackoffPolicy } = {},
): number {
  const p = opts.policy ?? defaultBackoff
  const step = Math.min(p.capMs, p.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.round(step / 2 + (opts.random ?? Math.random)() * (step / 2))
  const asked = Math.min(Math.max(0, opts.retryAfterMs ?? 0), p.maxRetryAfterMs)
  return Math.max(jittered, asked)
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}
