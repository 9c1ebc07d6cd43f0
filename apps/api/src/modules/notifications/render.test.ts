// Pure pieces: the template language, retry timing and quiet hours.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRetryAfter, retryDelayMs } from './backoff.ts'
import { quietUntil } from './quiet-hours.ts'
import { flatten, placeholdersOf, render } from './render.ts'
import { signBody, verifySignature } from './signing.ts'

describe('templates', () => {
  it('fills placeholders, reports unknown ones, and reaches nothing but the given values', () => {
    expect(render('工单 {{ ticket.number }}：{{ticket.subject}}', { 'ticket.number': 'SR-1', 'ticket.subject': '卡纸' })).toEqual({
      text: '工单 SR-1：卡纸',
      unknown: [],
    })
    expect(render('{{constructor}}{{__proto__}}{{toString}}{{a.b}}', {})).toEqual({
      text: '',
      unknown: ['constructor', '__proto__', 'toString', 'a.b'],
    })
    // no nesting or expressions: a value is never parsed again
    expect(render('{{x}}', { x: '{{y}}', y: 'secret' }).text).toBe('{{y}}')
    expect(render('{{ 1+1 }} {x} {{}}', {}).text).toBe('{{ 1+1 }} {x} {{}}')
    expect(placeholdersOf('{{a}} {{b.c}} {{a}}')).toEqual(['a', 'b.c'])
  })

  it('flattens foreign JSON into dotted paths (own keys, bounded)', () => {
    const doc = JSON.parse(
      '{"order":{"id":"E20260506","items":[{"sku":"P-1"}],"__proto__":{"x":1}},"n":3,"ok":true,"none":null}',
    ) as unknown
    expect(flatten(doc)).toEqual({ 'order.id': 'E20260506', 'order.items.0.sku': 'P-1', n: '3', ok: 'true', none: '' })
    let deep: Record<string, unknown> = { v: 'bottom' }
    for (let i = 0; i < 20; i++) deep = { d: deep }
    expect(Object.keys(flatten(deep))).toEqual([])
  })
})

describe('retry timing', () => {
  it('is exponential with equal jitter, capped, and never sooner than Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.option(fc.nat(100_000_000)),
        (attempt, r, retryAfterMs) => {
          const step = Math.min(6 * 3600_000, 30_000 * 2 ** (attempt - 1))
          const ms = retryDelayMs(attempt, { random: () => r, retryAfterMs })
          expect(ms).toBeGreaterThanOrEqual(Math.min(step / 2, ms))
          expect(ms).toBeGreaterThanOrEqual(Math.min(retryAfterMs ?? 0, 24 * 3600_000))
          if (!retryAfterMs || retryAfterMs <= step / 2) expect(ms).toBeLessThanOrEqual(step)
        },
      ),
    )
    expect(retryDelayMs(1, { random: () => 0 })).toBe(15_000)
    expect(retryDelayMs(3, { random: () => 1 })).toBe(120_000)
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-05-06T02:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('Wed, 06 May 2026 02:05:00 GMT', now)).toBe(300_000)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(null, now)).toBeNull()
  })
})

describe('quiet hours', () => {
  const q = { start: '22:00', end: '08:00', timeZone: 'Asia/Shanghai' }
  it('hold until the end of a window spanning midnight, in the user’s zone', () => {
    // 23:30 in Shanghai is 15:30 UTC: wait until 08:00 Shanghai = 00:00 UTC next day
    expect(quietUntil(new Date('2026-05-06T15:30:00Z'), q)?.toISOString()).toBe('2026-05-07T00:00:00.000Z')
    expect(quietUntil(new Date('2026-05-06T23:59:00Z'), q)?.toISOString()).toBe('2026-05-07T00:00:00.000Z')
    expect(quietUntil(new Date('2026-05-06T04:00:00Z'), q)).toBeNull()
    expect(quietUntil(new Date('2026-05-06T04:00:00Z'), { start: '09:00', end: '18:00', timeZone: 'Europe/Berlin' })).toBeNull()
    expect(quietUntil(new Date('2026-05-06T04:00:00Z'), null)).toBeNull()
  })
})

describe('webhook signatures', () => {
  it('verify genuine, fresh requests only', () => {
    const now = new Date('2026-05-06T02:00:00Z')
    const ts = Math.floor(now.getTime() / 1000)
    const body = '{"id":"1"}'
    const signature = signBody('s3cret', ts, body)
    expect(verifySignature('s3cret', { timestamp: String(ts), signature }, body, now)).toBeNull()
    expect(verifySignature('s3cret', { timestamp: String(ts), signature: `v1=bad,${signature}` }, body, now)).toBeNull()
    expect(verifySignature('s3cret', { timestamp: String(ts), signature }, `${body} `, now)).toBe('mismatch')
    expect(verifySignature('other', { timestamp: String(ts), signature }, body, now)).toBe('mismatch')
    expect(verifySignature('s3cret', { timestamp: String(ts - 301), signature: signBody('s3cret', ts - 301, body) }, body, now)).toBe(
      'stale',
    )
    expect(verifySignature('s3cret', { signature }, body, now)).toBe('missing')
  })
})
