// Expensive routes (exports, PDFs) run a few at a time: one more gets 429 with Retry-After at once
// instead of queueing, and the place comes back when an answer is sent.
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { registerErrorHandler } from './error-handler.ts'
import { EXPENSIVE_RETRY_AFTER_S, registerExpensiveCaps } from './expensive.ts'

const app = Fastify()
registerErrorHandler(app)
registerExpensiveCaps(app)
/** Each request to /slow waits until the test lets it finish. */
const waiting: (() => void)[] = []
app.get('/slow', { config: { expensive: { kind: 'export', atOnce: 2 } } }, async () => {
  await new Promise<void>((resolve) => waiting.push(resolve))
  return { done: true }
})
app.get('/other', { config: { expensive: { kind: 'pdf', atOnce: 1 } } }, async () => ({ done: true }))
afterAll(() => app.close())

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('caps on expensive requests', () => {
  it('lets two exports run, turns the third away with 429 and Retry-After, and takes one again when a place frees', async () => {
    const first = app.inject({ url: '/slow' })
    const second = app.inject({ url: '/slow' })
    await until(() => waiting.length === 2)
    const third = await app.inject({ url: '/slow' })
    expect(third.statusCode).toBe(429)
    expect(third.headers['retry-after']).toBe(String(EXPENSIVE_RETRY_AFTER_S))
    expect(third.json()).toMatchObject({ code: 'rate_limited' })
    // another kind has its own places
    expect((await app.inject({ url: '/other' })).statusCode).toBe(200)

    waiting.shift()!()
    expect((await first).statusCode).toBe(200)
    const fourth = app.inject({ url: '/slow' })
    await until(() => waiting.length === 2)
    waiting.splice(0).forEach((go) => go())
    expect((await second).statusCode).toBe(200)
    expect((await fourth).statusCode).toBe(200)
  })
})
