// The outbound HTTP of webhooks against receivers that misbehave: one that drips its answer a byte at
// a time is cut off at the total deadline (30 s), one that never stops answering is read up to 64 KiB
// and dropped. Both end as retryable network failures or a status, never a stuck worker.
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { DeliveryError, MAX_RESPONSE_BYTES, postOut, TOTAL_DEADLINE_MS } from '../notifications/index.ts'

interface Misbehaving {
  url: string
  /** Resolves when the receiver has started answering the next request. */
  answering(): Promise<void>
  /** How many connections the receiver saw closed by us. */
  closed: number
  close(): Promise<void>
}

const allowLocal = { allowPrivate: true }

/** /drip: 200 and one byte every 50 ms, forever; /flood: `status` and 16 KiB chunks as fast as the socket takes them. */
async function startMisbehaving(): Promise<Misbehaving> {
  let started: (() => void) | undefined
  const timers = new Set<NodeJS.Timeout>()
  const state = { closed: 0 }
  const server: Server = createServer((req, res: ServerResponse) => {
    req.resume()
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200)
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.on('close', () => state.closed++)
    if (req.url?.startsWith('/drip')) {
      res.write('.')
      started?.()
      const t = setInterval(() => res.write('.'), 50)
      timers.add(t)
      res.on('close', () => clearInterval(t))
      return
    }
    const chunk = Buffer.alloc(16 * 1024, 'x')
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
    }
    res.on('drain', pump)
    pump()
    started?.()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answering: () => new Promise<void>((resolve) => (started = resolve)),
    get closed() {
      return state.closed
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

let receiver: Misbehaving
beforeAll(async () => {
  receiver = await startMisbehaving()
})
afterAll(() => receiver?.close())
afterEach(() => {
  vi.useRealTimers()
})

/** Polls (real time) until `check` holds. */
async function until(check: () => boolean, ms = 2_000) {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

describe('a receiver that drips its answer', () => {
  it('is cut off at the 30 s total deadline although it never goes quiet for the 10 s idle timeout', async () => {
    expect(TOTAL_DEADLINE_MS).toBe(30_000)
    const closedBefore = receiver.closed
    // only the deadline's timer is faked: the drip and the sockets keep real time
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const answering = receiver.answering()
    let outcome: unknown
    const sent = postOut(`${receiver.url}/drip`, { body: '{}' }, () => new Date(), allowLocal).then(
      (r) => (outcome = r),
      (e: unknown) => (outcome = e),
    )
    await answering
    await vi.advanceTimersByTimeAsync(TOTAL_DEADLINE_MS - 1_000)
    expect(outcome).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1_000)
    await sent
    expect(outcome).toBeInstanceOf(DeliveryError)
    expect(outcome).toMatchObject({ retryable: true, code: 'network', message: expect.stringContaining('within 30 s') })
    vi.useRealTimers()
    // and the connection is dropped, not left dripping
    await until(() => receiver.closed > closedBefore)
  })

  it('a shorter deadline can be given (what the other tests use)', async () => {
    const started = Date.now()
    const err = await postOut(`${receiver.url}/drip`, { body: '{}', deadlineMs: 300 }, () => new Date(), allowLocal).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ retryable: true, code: 'network', message: expect.stringContaining('within 0.3 s') })
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})

describe('a receiver that never stops answering', () => {
  it('is read up to 64 KiB, then dropped: the status is what counts', async () => {
    const closedBefore = receiver.closed
    const res = await postOut(`${receiver.url}/flood`, { body: '{}', deadlineMs: 5_000 }, () => new Date(), allowLocal)
    expect(res.status).toBe(200)
    expect(Buffer.byteLength(res.text)).toBe(MAX_RESPONSE_BYTES)
    expect(MAX_RESPONSE_BYTES).toBe(64 * 1024)
    await until(() => receiver.closed > closedBefore)
  })

  it('a 503 that streams on is a retryable failure with a short snippet', async () => {
    const err = await postOut(`${receiver.url}/flood?status=503`, { body: '{}', deadlineMs: 5_000 }, () => new Date(), allowLocal).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(DeliveryError)
    expect(err).toMatchObject({ retryable: true, code: 'http_503' })
    expect((err as Error).message.length).toBeLessThan(400)
  })
})
