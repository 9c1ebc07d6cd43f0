// The API client's Idempotency-Key: a form that creates something sends one key per content, and
// sends it again when it retries after no answer, so the server gives back the first result.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ApiRequestError, api, submissionKeys } from './client.ts'

afterEach(() => vi.unstubAllGlobals())

describe('submissionKeys', () => {
  it('keeps the key for the same content after no answer, and changes it for new content or after a refusal', () => {
    const keys = submissionKeys()
    const first = keys.keyFor({ subject: '空调不制冷' })
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    keys.failed(new ApiRequestError(0, { code: 'network_error', message: 'offline' }))
    keys.failed(new ApiRequestError(502, { code: 'http_502', message: 'Bad Gateway' }))
    expect(keys.keyFor({ subject: '空调不制冷' })).toBe(first)
    const edited = keys.keyFor({ subject: '空调不制冷，滴水' })
    expect(edited).not.toBe(first)
    keys.failed(new ApiRequestError(422, { code: 'unprocessable', message: 'subject' }))
    expect(keys.keyFor({ subject: '空调不制冷，滴水' })).not.toBe(edited)
  })

  it('is sent as the Idempotency-Key header', async () => {
    const fetch = vi.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json' } })),
    )
    vi.stubGlobal('fetch', fetch)
    vi.stubGlobal('window', { location: { origin: 'http://test' } })
    await api('/api/tickets', z.object({ ok: z.boolean() }), { method: 'POST', body: {}, idempotencyKey: 'abc123' })
    expect((fetch.mock.calls[0]![1].headers as Record<string, string>)['idempotency-key']).toBe('abc123')
  })
})
