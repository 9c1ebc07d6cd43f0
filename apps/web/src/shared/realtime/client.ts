// One WebSocket to /api/ws per tab, shared by every component that listens: topics are
// reference-counted, resubscribed after a reconnect (with backoff), and listeners are told to
// resync because events may have been missed while disconnected.
import { RealtimeCloseCode, RealtimeServerMessage } from '@aftercare/contracts'

export interface TopicListener {
  onEvent(event: Record<string, unknown>): void
  /** After a reconnect: events may have been missed, refetch what is shown. */
  onResync?(): void
  /** The server refused the topic (`forbidden`, `unknown_topic`, …). */
  onRefused?(code: string): void
}

/** The part of the browser WebSocket the client uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number }) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: unknown) => void) | null
}

export interface RealtimeClientOptions {
  url: string
  createSocket?: (url: string) => SocketLike
  /** First reconnect delay; doubles per failed attempt up to maxDelayMs, with ±20 % jitter. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** An application ping this often; no pong within pongTimeoutMs means a dead link: reconnect. */
  pingEveryMs?: number
  pongTimeoutMs?: number
  /** With no topic left, the socket closes after this grace (a page change resubscribes at once). */
  idleCloseMs?: number
  random?: () => number
  /** The session ended while connected (4401): the client stops; sign in again. */
  onSessionEnded?: () => void
}

const OPEN = 1

export function createRealtimeClient(opts: RealtimeClientOptions) {
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const baseDelay = opts.baseDelayMs ?? 1000
  const maxDelay = opts.maxDelayMs ?? 30_000
  const random = opts.random ?? Math.random
  const listeners = new Map<string, Set<TopicListener>>()
  let socket: SocketLike | undefined
  let attempts = 0
  let everOpened = false
  let stopped = false
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let pongTimer: ReturnType<typeof setTimeout> | undefined

  const send = (msg: object) => {
    if (socket?.readyState === OPEN) socket.send(JSON.stringify(msg))
  }

  function clearTimers() {
    clearInterval(pingTimer)
    clearTimeout(pongTimer)
    pingTimer = pongTimer = undefined
  }

  function connect() {
    reconnectTimer = undefined
    if (stopped || socket || listeners.size === 0) return
    const s = createSocket(opts.url)
    socket = s
    s.onopen = () => {
      const resync = everOpened
      everOpened = true
      attempts = 0
      for (const topic of listeners.keys()) send({ type: 'subscribe', topic })
      if (resync) for (const set of listeners.values()) for (const l of set) l.onResync?.()
      pingTimer = setInterval(() => {
        send({ type: 'ping' })
        pongTimer ??= setTimeout(() => {
          // A dead link may take a minute to report its close: drop it now and reconnect.
          lost(s)
          s.close(4000, 'no pong')
        }, opts.pongTimeoutMs ?? 10_000)
      }, opts.pingEveryMs ?? 25_000)
    }
    s.onmessage = (ev) => {
      let parsed
      try {
        parsed = RealtimeServerMessage.safeParse(JSON.parse(String(ev.data)))
      } catch {
        return
      }
      if (!parsed.success) return
      const msg = parsed.data
      if (msg.type === 'pong') {
        clearTimeout(pongTimer)
        pongTimer = undefined
      } else if (msg.type === 'event') {
        for (const l of listeners.get(msg.topic) ?? []) l.onEvent(msg.event)
      } else if (msg.type === 'error' && msg.topic) {
        for (const l of listeners.get(msg.topic) ?? []) l.onRefused?.(msg.code)
      }
    }
    s.onerror = () => {}
    s.onclose = (ev) => {
      if (socket !== s) return
      if (ev.code === RealtimeCloseCode.sessionEnded) {
        stopped = true
        opts.onSessionEnded?.()
      }
      lost(s)
    }
  }

  function lost(s: SocketLike) {
    if (socket !== s) return
    socket = undefined
    clearTimers()
    scheduleReconnect()
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer || listeners.size === 0) return
    const delay = Math.min(maxDelay, baseDelay * 2 ** attempts) * (0.8 + 0.4 * random())
    attempts++
    reconnectTimer = setTimeout(connect, delay)
  }

  return {
    /** Listens to a topic; returns the function that stops listening. Starts the client again after close or a session end. */
    subscribe(topic: string, listener: TopicListener): () => void {
      clearTimeout(idleTimer)
      if (stopped) {
        stopped = false
        attempts = 0
        everOpened = false
      }
      let set = listeners.get(topic)
      if (!set) {
        listeners.set(topic, (set = new Set()))
        send({ type: 'subscribe', topic })
      }
      set.add(listener)
      if (!socket && !reconnectTimer) connect()
      return () => {
        if (!set.delete(listener) || set.size) return
        listeners.delete(topic)
        send({ type: 'unsubscribe', topic })
        if (listeners.size === 0)
          idleTimer = setTimeout(() => {
            if (listeners.size) return
            everOpened = false // the next connection starts afresh: nothing to resync
            socket?.close(1000, 'no topics')
          }, opts.idleCloseMs ?? 5000)
      }
    },

    /** Closes (sign-out); a later subscribe connects again. */
    close() {
      stopped = true
      clearTimeout(reconnectTimer)
      clearTimeout(idleTimer)
      clearTimers()
      const s = socket
      socket = undefined
      s?.close(1000, 'closed')
    },

    get connected() {
      return socket?.readyState === OPEN
    },
  }
}

export type RealtimeClient = ReturnType<typeof createRealtimeClient>
