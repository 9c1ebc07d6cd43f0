// The realtime hub of one server process: its WebSocket connections, their topic subscriptions,
// and the LISTEN side of the fan-out. Any process (server or worker) may publish; every server
// hears every notification and delivers it to its own subscribers of that tenant only.
import {
  CREDENTIALS_CHANGED,
  RealtimeClientMessage,
  RealtimeCloseCode,
  type RealtimeDomainEvent,
  type RealtimeServerMessage,
} from '@aftercare/contracts'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import type { Database } from '../db/index.ts'
import { OUTBOX_CHANNEL, type OutboxNotification } from '../events/outbox.ts'
import type { Actor, Authenticator } from '../http/access.ts'
import { REALTIME_CHANNEL, loadStoredMessage, type RealtimeNotification } from './publisher.ts'
import { parseTopic, topicsOfEvent } from './topics.ts'
import type { TopicAuthorizer } from './types.ts'

export interface RealtimeHubOptions {
  database: Database
  authenticator: Authenticator
  /** Topic families and who may subscribe to them; a topic of any other family is refused. */
  topics: readonly TopicAuthorizer[]
  log: FastifyBaseLogger
  /** A protocol ping this often; a connection that did not answer the previous one is dropped. */
  heartbeatMs?: number
  /**
   * Every connection's credentials are checked again this often (an expired session). Revocations
   * through the app are announced (CREDENTIALS_CHANGED) and checked at once.
   */
  recheckMs?: number
  maxTopicsPerConnection?: number
}

interface Connection {
  socket: WebSocket
  /** The upgrade request, kept to authenticate the connection again. */
  req: FastifyRequest
  actor: Actor
  topics: Set<string>
  alive: boolean
  /** Messages of one connection are handled in order (authorisation is asynchronous). */
  queue: Promise<void>
}

/** A client that stops reading is dropped rather than buffered without limit. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024

export function createRealtimeHub(opts: RealtimeHubOptions) {
  const { database, authenticator, log } = opts
  const maxTopics = opts.maxTopicsPerConnection ?? 200
  const authorizers = new Map<string, TopicAuthorizer>()
  /** `family|eventType` of the events before which a `family:id` topic's subscribers are authorised again. */
  const reauthorizing = new Set(opts.topics.flatMap((a) => (a.reauthorizeOn ?? []).map((type) => `${a.family}|${type}`)))
  for (const a of opts.topics) {
    if (authorizers.has(a.family)) throw new Error(`Realtime topic family "${a.family}" is declared twice`)
    authorizers.set(a.family, a)
  }
  const connections = new Set<Connection>()
  /** tenant → topic → connections: a tenant's events are only ever looked up among its own sockets. */
  const byTenant = new Map<string, Map<string, Set<Connection>>>()
  const timers: NodeJS.Timeout[] = []
  const unlisteners: (() => Promise<void>)[] = []

  function sendText(conn: Connection, text: string) {
    if (conn.socket.readyState !== conn.socket.OPEN) return
    if (conn.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      conn.socket.close(RealtimeCloseCode.tooSlow, 'client too slow')
      return
    }
    conn.socket.send(text)
  }
  const send = (conn: Connection, msg: RealtimeServerMessage) => sendText(conn, JSON.stringify(msg))

  function addSubscription(conn: Connection, topic: string) {
    conn.topics.add(topic)
    let topics = byTenant.get(conn.actor.tenantId)
    if (!topics) byTenant.set(conn.actor.tenantId, (topics = new Map()))
    let subs = topics.get(topic)
    if (!subs) topics.set(topic, (subs = new Set()))
    subs.add(conn)
  }

  function removeSubscription(conn: Connection, topic: string) {
    conn.topics.delete(topic)
    const topics = byTenant.get(conn.actor.tenantId)
    const subs = topics?.get(topic)
    if (!topics || !subs) return
    subs.delete(conn)
    if (!subs.size) topics.delete(topic)
    if (!topics.size) byTenant.delete(conn.actor.tenantId)
  }

  async function mayReceive(actor: Actor, topic: string): Promise<'ok' | 'forbidden' | 'unknown_topic'> {
    const parsed = parseTopic(topic)
    const authorizer = parsed && authorizers.get(parsed.family)
    if (!parsed || !authorizer) return 'unknown_topic'
    try {
      return (await authorizer.authorize(actor, parsed.id)) ? 'ok' : 'forbidden'
    } catch (err) {
      log.warn({ err, topic }, 'realtime topic authorisation failed')
      return 'forbidden'
    }
  }

  async function handle(conn: Connection, msg: RealtimeClientMessage) {
    switch (msg.type) {
      case 'ping':
        return send(conn, { type: 'pong' })
      case 'unsubscribe':
        removeSubscription(conn, msg.topic)
        return send(conn, { type: 'unsubscribed', topic: msg.topic })
      case 'subscribe': {
        const { topic } = msg
        if (conn.topics.has(topic)) return send(conn, { type: 'subscribed', topic })
        if (conn.topics.size >= maxTopics)
          return send(conn, { type: 'error', topic, code: 'too_many_topics', message: `At most ${maxTopics} topics per connection` })
        const verdict = await mayReceive(conn.actor, topic)
        if (verdict === 'unknown_topic')
          return send(conn, {
            type: 'error',
            topic,
            code: 'unknown_topic',
            message: `No such topic: ${topic} (expected family or family:id of a known family)`,
          })
        if (verdict === 'forbidden')
          return send(conn, { type: 'error', topic, code: 'forbidden', message: `You may not subscribe to ${topic}` })
        if (!connections.has(conn)) return // closed while authorising
        addSubscription(conn, topic)
        return send(conn, { type: 'subscribed', topic })
      }
    }
  }

  function onMessage(conn: Connection, data: RawData, isBinary: boolean) {
    let parsed: ReturnType<typeof RealtimeClientMessage.safeParse> | undefined
    try {
      parsed = isBinary ? undefined : RealtimeClientMessage.safeParse(JSON.parse(data.toString()))
    } catch {
      parsed = undefined
    }
    if (!parsed?.success) {
      send(conn, {
        type: 'error',
        code: 'invalid_message',
        message: 'Send JSON text: {"type":"subscribe"|"unsubscribe","topic":"…"} or {"type":"ping"}',
      })
      return
    }
    const msg = parsed.data
    conn.queue = conn.queue.then(() => handle(conn, msg)).catch((err: unknown) => log.error({ err }, 'realtime message failed'))
  }

  const eventText = (topic: string, event: Record<string, unknown>) =>
    JSON.stringify({ type: 'event', topic, event } satisfies RealtimeServerMessage)

  function deliver(tenantId: string, topic: string, event: Record<string, unknown>) {
    const subs = byTenant.get(tenantId)?.get(topic)
    if (!subs?.size) return
    const text = eventText(topic, event)
    for (const conn of subs) sendText(conn, text)
  }

  /** Authorises a subscription again; one the actor lost is dropped, and the client told. */
  async function stillMay(conn: Connection, topic: string): Promise<boolean> {
    if ((await mayReceive(conn.actor, topic)) === 'ok') return true
    removeSubscription(conn, topic)
    send(conn, { type: 'error', topic, code: 'forbidden', message: `You may no longer subscribe to ${topic}` })
    return false
  }

  function onOutboxNotification(payload: string) {
    let n: OutboxNotification
    try {
      n = JSON.parse(payload) as OutboxNotification
    } catch {
      return
    }
    if (n.type === CREDENTIALS_CHANGED && n.aggregateId) {
      const userId = n.aggregateId
      authenticator.forget?.(n.tenantId, userId)
      const theirs = [...connections].filter((c) => c.actor.tenantId === n.tenantId && c.actor.userId === userId)
      if (theirs.length) recheckConnections(theirs).catch((err: unknown) => log.error({ err }, 'realtime recheck failed'))
    }
    if (!byTenant.has(n.tenantId)) return
    const event: RealtimeDomainEvent = { id: n.id, type: n.type, aggregateType: n.aggregateType, aggregateId: n.aggregateId }
    const recheck = n.aggregateType && n.aggregateId && reauthorizing.has(`${n.aggregateType}|${n.type}`)
    for (const topic of topicsOfEvent(n.aggregateType, n.aggregateId))
      if (recheck) deliverAfterAuthorizing(n.tenantId, topic, event)
      else deliver(n.tenantId, topic, event)
  }

  async function onRealtimeNotification(payload: string) {
    let n: RealtimeNotification
    try {
      n = JSON.parse(payload) as RealtimeNotification
    } catch {
      return
    }
    if (!byTenant.get(n.t)?.get(n.topic)?.size) return
    const message = 'm' in n ? n.m : await loadStoredMessage(database, n.t, n.ref)
    if (message) deliver(n.t, n.topic, message)
  }

  /** Each subscriber is authorised again (in its connection's order) and told only if it still may be. */
  function deliverAfterAuthorizing(tenantId: string, topic: string, event: Record<string, unknown>) {
    const subs = byTenant.get(tenantId)?.get(topic)
    if (!subs?.size) return
    const text = eventText(topic, event)
    for (const conn of [...subs])
      conn.queue = conn.queue
        .then(async () => {
          if (conn.topics.has(topic) && (await stillMay(conn, topic))) sendText(conn, text)
        })
        .catch((err: unknown) => log.error({ err }, 'realtime delivery failed'))
  }

  function heartbeat() {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.socket.terminate()
        continue
      }
      conn.alive = false
      conn.socket.ping()
    }
  }

  /** Authenticates connections again: ended sessions are closed, lost permissions drop their topics. */
  async function recheckConnections(conns: readonly Connection[]) {
    for (const conn of conns) {
      if (!connections.has(conn)) continue
      const actor = await authenticator.authenticate(conn.req).catch(() => null)
      if (!actor || actor.userId !== conn.actor.userId || actor.tenantId !== conn.actor.tenantId) {
        conn.socket.close(RealtimeCloseCode.sessionEnded, 'session ended')
        continue
      }
      conn.actor = actor
      for (const topic of [...conn.topics]) await stillMay(conn, topic)
    }
  }

  /** Every connection, now and then (the event-driven check above covers the changes made through the app). */
  const recheck = () => recheckConnections([...connections])

  return {
    /** Starts listening for notifications and the keepalive / recheck timers. */
    async start() {
      // Announcements (CREDENTIALS_CHANGED) sent while the listen connection was down are lost: check everyone again.
      const onReconnect = () => {
        log.info('realtime: the listen connection is back, checking every connection again')
        for (const c of connections) authenticator.forget?.(c.actor.tenantId, c.actor.userId)
        recheck().catch((err: unknown) => log.error({ err }, 'realtime recheck failed'))
      }
      unlisteners.push(await database.listen(OUTBOX_CHANNEL, onOutboxNotification, { onReconnect }))
      unlisteners.push(
        await database.listen(REALTIME_CHANNEL, (p) => {
          onRealtimeNotification(p).catch((err: unknown) => log.error({ err }, 'realtime delivery failed'))
        }),
      )
      timers.push(setInterval(heartbeat, opts.heartbeatMs ?? 30_000).unref())
      timers.push(
        setInterval(() => {
          recheck().catch((err: unknown) => log.error({ err }, 'realtime recheck failed'))
        }, opts.recheckMs ?? 60_000).unref(),
      )
    },

    /** Takes over an upgraded connection of an authenticated request. */
    accept(socket: WebSocket, req: FastifyRequest) {
      if (!req.actor) {
        socket.close(RealtimeCloseCode.sessionEnded, 'not authenticated')
        return
      }
      const conn: Connection = { socket, req, actor: req.actor, topics: new Set(), alive: true, queue: Promise.resolve() }
      connections.add(conn)
      socket.on('pong', () => {
        conn.alive = true
      })
      socket.on('message', (data, isBinary) => onMessage(conn, data, isBinary))
      socket.on('close', () => {
        connections.delete(conn)
        for (const topic of [...conn.topics]) removeSubscription(conn, topic)
      })
    },

    recheck,

    /** Connections and subscriptions of this process (for readiness and tests). */
    stats() {
      let subscriptions = 0
      for (const c of connections) subscriptions += c.topics.size
      return { connections: connections.size, subscriptions }
    },

    /** Stops listening and closes every connection with "going away" (clients reconnect elsewhere). */
    async close() {
      for (const t of timers.splice(0)) clearInterval(t)
      for (const unlisten of unlisteners.splice(0)) await unlisten().catch(() => {})
      for (const conn of connections) conn.socket.close(1001, 'server shutting down')
    },
  }
}

export type RealtimeHub = ReturnType<typeof createRealtimeHub>
