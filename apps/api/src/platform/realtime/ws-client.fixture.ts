// A WebSocket test client for /api/ws (the `ws` package, as an integration would use it).
import type { RealtimeServerMessage } from '@aftercare/contracts'
import WebSocket from 'ws'

export interface TestSocket {
  ws: WebSocket
  /** Resolves with the first not yet taken message matching `match` (waits up to `ms`). */
  take(match: (m: RealtimeServerMessage) => boolean, ms?: number): Promise<RealtimeServerMessage>
  /** Messages received and not taken yet. */
  pending(): RealtimeServerMessage[]
  send(message: unknown): void
  /** Subscribes and returns the answer (`subscribed` or `error`) for that topic. */
  subscribe(topic: string): Promise<RealtimeServerMessage>
  /** Resolves with the close code once the server or the client closed. */
  closed: Promise<{ code: number; reason: string }>
  close(): Promise<void>
}

/** `http://127.0.0.1:1234` → `ws://127.0.0.1:1234/api/ws`. */
export const wsUrl = (address: string) => `${address.replace(/^http/, 'ws')}/api/ws`

export function connect(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers })
  const inbox: RealtimeServerMessage[] = []
  const waiters: { match: (m: RealtimeServerMessage) => boolean; resolve: (m: RealtimeServerMessage) => void }[] = []
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as RealtimeServerMessage
    const i = waiters.findIndex((w) => w.match(msg))
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(msg)
    else inbox.push(msg)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  )
  const take: TestSocket['take'] = (match, ms = 5000) => {
    const i = inbox.findIndex(match)
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!)
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: RealtimeServerMessage) => {
          clearTimeout(timer)
          resolve(m)
        },
      }
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1)
        reject(new Error(`no matching message within ${ms} ms; pending: ${JSON.stringify(inbox)}`))
      }, ms)
      waiters.push(waiter)
    })
  }
  const socket: TestSocket = {
    ws,
    take,
    pending: () => [...inbox],
    send: (message) => ws.send(JSON.stringify(message)),
    subscribe(topic) {
      socket.send({ type: 'subscribe', topic })
      return take((m) => (m.type === 'subscribed' || m.type === 'error') && m.topic === topic)
    },
    closed,
    async close() {
      if (ws.readyState !== ws.CLOSED) ws.close()
      await closed
    },
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
}

/** The HTTP status an upgrade attempt is refused with. */
export function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, { headers })
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close()
      reject(new Error('the upgrade was accepted'))
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', () => {})
  })
}

/** The domain event carried by an `event` message, or undefined. */
export function eventOf(m: RealtimeServerMessage): Record<string, unknown> | undefined {
  return m.type === 'event' ? m.event : undefined
}
