// The one way the web app talks to the API: JSON over fetch with the session cookie,
// the CSRF header on unsafe methods, responses checked against the shared contracts.
import { ApiError } from '@aftercare/contracts'
import type { z } from 'zod'

/** A failed call: the API's `{code, message, issues}` body and the HTTP status (0 = no answer). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message)
    this.name = 'ApiRequestError'
  }
  get code(): string {
    return this.body.code
  }
}

let csrfToken: string | undefined
/** Set from the login answer and from `GET /api/auth/me`. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token
}

let sessionLost: () => void = () => {}
/** Called when a signed-in call answers 401 (the session expired or was revoked). */
export function onSessionLost(handler: () => void) {
  sessionLost = handler
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

export interface RequestOptions {
  method?: Method
  body?: unknown
  query?: Record<string, string | number | boolean | undefined | null>
  /** ETag from the GET this write is based on (412 when someone changed it since). */
  ifMatch?: string | null
  /** Sent as Idempotency-Key: a POST repeated with it is answered with the first result (see submissionKeys). */
  idempotencyKey?: string
  signal?: AbortSignal
}

export interface ApiResponse<T> {
  data: T
  etag: string | null
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

async function errorOf(res: Response): Promise<ApiRequestError> {
  let body: ApiError = { code: 'http_' + res.status, message: res.statusText || `HTTP ${res.status}` }
  try {
    const parsed = ApiError.safeParse(await res.json())
    if (parsed.success) body = parsed.data
  } catch {
    // not JSON (a proxy page): keep the status-based body
  }
  return new ApiRequestError(res.status, body)
}

/** Calls the API and returns the parsed body with the response's ETag. */
export async function request<S extends z.ZodType>(path: string, schema: S, opts: RequestOptions = {}): Promise<ApiResponse<z.infer<S>>> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  if (opts.ifMatch) headers['if-match'] = opts.ifMatch
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey
  let res: Response
  try {
    res = await fetch(urlOf(path, opts.query), {
      method,
      headers,
      credentials: 'include',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiRequestError(0, { code: 'network', message: e instanceof Error ? e.message : 'network error' })
  }
  if (!res.ok) {
    const err = await errorOf(res)
    const signInCall = path === '/api/auth/login' || (method === 'GET' && path === '/api/auth/me')
    if (res.status === 401 && !signInCall) sessionLost()
    throw err
  }
  const json: unknown = res.status === 204 ? undefined : await res.json()
  return { data: schema.parse(json), etag: res.headers.get('etag') }
}

/** Calls the API and returns the parsed body. */
export async function api<S extends z.ZodType>(path: string, schema: S, opts: RequestOptions = {}): Promise<z.infer<S>> {
  return (await request(path, schema, opts)).data
}

/**
 * One Idempotency-Key per submitted content, for forms that create something: sending the same
 * content again after no answer came (a timeout, a dropped connection, a proxy's 502) reuses the key,
 * so the server answers with the first result instead of creating a second ticket. Changed content,
 * or a retry after the API refused (4xx: the server keeps that answer), gets a new key.
 * `crypto.getRandomValues` works on plain-HTTP intranet addresses too, unlike `randomUUID`.
 */
export function submissionKeys() {
  let last: { content: string; key: string } | undefined
  return {
    keyFor(body: unknown): string {
      const content = JSON.stringify(body)
      if (last?.content !== content) {
        const bytes = crypto.getRandomValues(new Uint8Array(16))
        last = { content, key: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') }
      }
      return last.key
    },
    /** After a failed attempt: keep the key only when the API may not have answered. */
    failed(e: unknown) {
      if (e instanceof ApiRequestError && e.status >= 400 && e.status < 500) last = undefined
    },
  }
}
