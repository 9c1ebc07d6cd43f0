// JSON over HTTP for adapters: timeouts, and failures classified as retryable or not.
import { parseRetryAfter } from '../backoff.ts'
import { DeliveryError } from './types.ts'

const TIMEOUT_MS = 10_000

export interface HttpResult {
  status: number
  text: string
  json: unknown
}

/**
 * Sends a request; network errors, timeouts, 408, 429 and 5xx are retryable (honouring Retry-After),
 * other non-2xx answers are permanent unless `acceptStatus` says otherwise.
 */
export async function request(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; acceptStatus?: (status: number) => boolean },
  now: () => Date = () => new Date(),
): Promise<HttpResult> {
  let res: Response
  try {
    res = await fetch(url, {
      method: init.method ?? 'POST',
      body: init.body,
      headers: init.body !== undefined ? { 'content-type': 'application/json; charset=utf-8', ...init.headers } : init.headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    })
  } catch (e) {
    const cause = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)
    throw new DeliveryError(`Network error: ${cause}`, { retryable: true, code: 'network' })
  }
  const text = await res.text().catch(() => '')
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  const ok = (res.status >= 200 && res.status < 300) || (init.acceptStatus?.(res.status) ?? false)
  if (!ok) {
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500
    throw new DeliveryError(`HTTP ${res.status}: ${text.slice(0, 300)}`, {
      retryable,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now()),
      code: `http_${res.status}`,
    })
  }
  return { status: res.status, text, json }
}

/** The `errcode`/`errmsg` pair of WeChat, WeCom and DingTalk answers (HTTP 200 even on errors). */
export function errcodeOf(json: unknown): { errcode: number; errmsg: string } {
  const o = (json ?? {}) as { errcode?: unknown; errmsg?: unknown }
  return { errcode: typeof o.errcode === 'number' ? o.errcode : Number(o.errcode ?? -1), errmsg: String(o.errmsg ?? '') }
}
