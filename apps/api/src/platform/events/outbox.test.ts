// An event and the other inserts of its change (audit entry, timeline entry) in one statement.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuditLog } from '../audit/audit-log.ts'
import type { Database } from '../db/index.ts'
import { openTestDatabase } from '../../test/harness.ts'
import { createOutbox } from './outbox.ts'

const outbox = createOutbox()
const audit = createAuditLog()
let database: Database
let tenantId: string

beforeAll(async () => {
  database = await openTestDatabase()
  const [row] = await database.query<{ id: string }>('insert into tenants (slug, name) values ($1, $2) returning id', [
    `ob-${randomUUID().slice(0, 8)}`,
    '发件箱测试',
  ])
  tenantId = row!.id
})
afterAll(() => database?.close())

async function publishWithEntry(entityId: string, opts: { rollback?: boolean; longType?: boolean } = {}) {
  await database
    .withTenant(tenantId, async (tx) => {
      const entry = audit.entrySql({
        tenantId,
        actorType: 'system',
        actorId: null,
        action: 'ticket.created',
        entityType: 'ticket',
        entityId,
        after: { subject: '打印机卡纸' },
      })
      // a type too long for the NOTIFY envelope takes the statement without it
      const type = opts.longType ? `ticket.${'x'.repeat(7000)}` : 'ticket.created'
      await outbox.publish(tx, { tenantId, type, aggregateType: 'ticket', aggregateId: entityId }, { alongside: [entry] })
      if (opts.rollback) throw new Error('rolled back on purpose')
    })
    .catch((e: Error) => {
      if (!opts.rollback) throw e
    })
  const events = await database.query('select id from outbox where tenant_id = $1 and aggregate_id = $2', [tenantId, entityId])
  const entries = await database.query('select id from audit_log where tenant_id = $1 and entity_id = $2', [tenantId, entityId])
  return { events: events.length, entries: entries.length }
}

describe('outbox.publish with inserts alongside', () => {
  it('writes the event and its audit entry in one statement, both committed', async () => {
    expect(await publishWithEntry(randomUUID())).toEqual({ events: 1, entries: 1 })
  })

  it('rolls both back with the transaction', async () => {
    expect(await publishWithEntry(randomUUID(), { rollback: true })).toEqual({ events: 0, entries: 0 })
  })

  it('also when the event is published without its notification', async () => {
    expect(await publishWithEntry(randomUUID(), { longType: true })).toEqual({ events: 1, entries: 1 })
  })
})
