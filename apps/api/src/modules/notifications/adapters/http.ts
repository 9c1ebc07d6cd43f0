// JSON over HTTP for adapters and webhooks: timeouts, failures classified as retryable or not, and the
// SSRF guard (node:http with a checking DNS lookup, so the address connected to is the address checked).
import http from 'node:http'
import https from 'node:https'
import { parseRetryAfter } from '../backoff.ts'
import { BlockedAddressError, guardedLookup, refusalOf, strictPolicy, type OutboundPolicy } from './outbound-guard.ts'
import { DeliveryError } from './types.ts'

/** Connecting, and each silence while waiting for the answer, may last this long. */
const IDLE_TIMEOUT_MS = 10_000
/** The whole request — lookup, connect, send, answer — ends by then, so a receiver that drips its answer cannot hold a worker. */
export const TOTAL_DEADLINE_MS = 30_000
/**
 * Answers are read up to this size, then the connection is dropped: we need the status, error texts
 * and small JSON bodies (nothing we call sends more), not whatever a receiver keeps streaming.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024

export interface HttpResult {
  status: number
  text: string
  json: unknown
}

interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  policy: OutboundPolicy,
  deadlineMs: number,
): Promise<RawResponse> {
  const lib = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      outcome()
    }
    const req = lib.request(
      url,
      { method, headers, lookup: guardedLookup(policy) as unknown as http.RequestOptions['lookup'], timeout: IDLE_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        const complete = () =>
          settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('data', (c: Buffer) => {
          const room = MAX_RESPONSE_BYTES - size
          chunks.push(c.length > room ? c.subarray(0, room) : c)
          size += Math.min(c.length, room)
          if (size < MAX_RESPONSE_BYTES) return
          // enough of it: answer with what we have and drop the connection
          complete()
          req.destroy()
        })
        res.on('end', complete)
        res.on('error', (e) => settle(() => reject(e)))
        res.on('close', () => settle(() => reject(new Error('the connection closed before the answer was complete'))))
      },
    )
    const deadline = setTimeout(() => {
      const e = new Error(`no complete answer within ${deadlineMs / 1000} s`)
      settle(() => reject(e))
      req.destroy(e)
    }, deadlineMs)
    req.on('timeout', () => req.destroy(new Error(`no answer within ${IDLE_TIMEOUT_MS / 1000} s`)))
    req.on('error', (e) => settle(() => reject(e)))
    req.end(body)
  })
}

/**
 * Sends a request; network errors, timeouts, 408, 429 and 5xx are retryable (honouring Retry-After),
 * other non-2xx answers are permanent unless `acceptStatus` says otherwise. Redirects are not followed.
 * An address the policy refuses (checked on the URL and on what its name resolves to now) fails for good.
 * The whole request ends within `deadlineMs` (TOTAL_DEADLINE_MS; tests pass less).
 */
export async function request(
  url: string,
  init: {
    method?: 'GET' | 'POST'
    body?: string
    headers?: Record<string, string>
    acceptStatus?: (status: number) => boolean
    deadlineMs?: number
  },
  now: () => Date = () => new Date(),
  policy: OutboundPolicy = strictPolicy,
): Promise<HttpResult> {
  const refusal = refusalOf(url, policy)
  if (refusal) throw new DeliveryError(`Refused: the URL ${refusal}`, { retryable: false, code: 'blocked_address' })
  const headers: Record<string, string> = { accept: 'application/json, */*', 'user-agent': 'Aftercare/1', ...init.headers }
  if (init.body !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8'
    headers['content-length'] = String(Buffer.byteLength(init.body))
  }
  let res: RawResponse
  try {
    res = await send(new URL(url), init.method ?? 'POST', headers, init.body, policy, init.deadlineMs ?? TOTAL_DEADLINE_MS)
  } catch (e) {
    if (e instanceof BlockedAddressError) throw new DeliveryError(`Refused: ${e.message}`, { retryable: false, code: 'blocked_address' })
    const cause = e instanceof Error ? e.message : String(e)
    throw new DeliveryError(`Network error: ${cause}`, { retryable: true, code: 'network' })
  }
  const text = res.text
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  const ok = (res.status >= 200 && res.status < 300) || (init.acceptStatus?.(res.status) ?? false)
  if (!ok) {
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500
    const retryAfter = res.headers['retry-after']
    throw new DeliveryError(`HTTP ${res.status}: ${text.slice(0, 300)}`, {
      retryable,
      retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null, now()),
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
