import { ApiError } from '@aftercare/contracts'
import type { z } from 'zod'

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    super(body ? `${body.message} (${body.code}, HTTP ${status})` : `HTTP ${status}`)
  }
}

/** Calls the Aftercare API and validates the answer with the shared contract. */
export async function callApi<S extends z.ZodType>(
  schema: S,
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<z.infer<S>> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  }).catch((e: unknown) => {
    throw new Error(`Cannot reach ${url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`)
  })
  const text = await res.text()
  const json: unknown = text ? JSON.parse(text) : undefined
  if (!res.ok) {
    const parsed = ApiError.safeParse(json)
    throw new ApiCallError(res.status, parsed.success ? parsed.data : undefined)
  }
  return schema.parse(json) as z.infer<S>
}
