// RealtimePublisher over PostgreSQL NOTIFY: every server LISTENs and fans out to its own sockets.
import type { Database } from '../db/index.ts'
import { parseTopic } from './topics.ts'
import type { RealtimePublisher } from './types.ts'

/** The channel module-published messages travel on (domain events use the outbox's channel). */
export const REALTIME_CHANNEL = 'aftercare_realtime'

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay clear of the limit. */
export const MAX_NOTIFY_BYTES = 7900

/** A notification on REALTIME_CHANNEL: the message inline, or a reference to a stored one. */
export type RealtimeNotification = { t: string; topic: string; m: Record<string, unknown> } | { t: string; topic: string; ref: string }

/** Stored large messages are read within milliseconds; older ones are pruned when the next is stored. */
const STORED_MESSAGE_TTL = '10 minutes'

export function createRealtimePublisher(database: Database): RealtimePublisher {
  const inlineOf = (tenantId: string, topic: string, message: Record<string, unknown>) => {
    if (!parseTopic(topic)) throw new Error(`Invalid realtime topic "${topic}"`)
    const inline = JSON.stringify({ t: tenantId, topic, m: message } satisfies RealtimeNotification)
    return Buffer.byteLength(inline) <= MAX_NOTIFY_BYTES ? inline : undefined
  }
  async function publishMany(tenantId: string, messages: readonly { topic: string; message: Record<string, unknown> }[]) {
    const inline = messages.map((m) => inlineOf(tenantId, m.topic, m.message))
    const small = inline.filter((m): m is string => m !== undefined)
    // one statement (its NOTIFYs arrive in the order sent)
    if (small.length) await database.query(`select pg_notify($1, m) from unnest($2::text[]) as m`, [REALTIME_CHANNEL, small])
    for (const [i, m] of messages.entries()) if (!inline[i]) await publishStored(tenantId, m.topic, m.message)
  }
  return {
    publish: (tenantId, topic, message) => publishMany(tenantId, [{ topic, message }]),
    publishMany,
  }

  // Too large for NOTIFY: store it, send its id; each server reads it once if it has subscribers.
  async function publishStored(tenantId: string, topic: string, message: Record<string, unknown>) {
    await database.query(`delete from realtime_messages where created_at < now() - interval '${STORED_MESSAGE_TTL}'`)
    const [row] = await database.query<{ id: string }>(
      'insert into realtime_messages (tenant_id, topic, message) values ($1, $2, $3::jsonb) returning id',
      [tenantId, topic, JSON.stringify(message)],
    )
    await database.notify(REALTIME_CHANNEL, JSON.stringify({ t: tenantId, topic, ref: row!.id } satisfies RealtimeNotification))
  }
}

/** Reads a stored large message (undefined when pruned or of another tenant). */
export async function loadStoredMessage(database: Database, tenantId: string, id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await database.query<{ message: Record<string, unknown> }>(
    'select message from realtime_messages where id = $1 and tenant_id = $2',
    [id, tenantId],
  )
  return row?.message
}
