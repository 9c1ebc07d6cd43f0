// The audit hash chain on a real database: the worker seals entries per tenant in commit order, and
// verification finds the first entry that was edited, deleted, inserted or moved (tampering done as
// the owner: the application role may neither change nor remove entries).
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../clock.ts'
import { rows, type Database } from '../db/index.ts'
import { openTestDatabase } from '../../test/harness.ts'
import { createAuditLog } from './audit-log.ts'
import { AuditChainBrokenError, entryHash, GENESIS_HASH, sealAuditLog, verifyAuditChain } from './chain.ts'

const audit = createAuditLog()
const clock = manualClock(new Date())

describe('audit hash chain', () => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterAll(async () => {
    await database?.close()
  })

  async function createTenant() {
    const [row] = await database.query<{ id: string }>('insert into tenants (slug, name) values ($1, $2) returning id', [
      `au-${randomUUID().slice(0, 8)}`,
      '审计测试',
    ])
    return row!.id
  }

  async function record(tenantId: string, i: number) {
    await database.withTenant(tenantId, (tx) =>
      audit.record(tx, {
        tenantId,
        actorType: 'user',
        actorId: randomUUID(),
        action: 'ticket.updated',
        entityType: 'ticket',
        entityId: `T-${i}`,
        before: { status: 'open', 标题: '打印机卡纸' },
        after: { status: 'pending', amount: 12.5, tags: ['上门', i] },
        requestId: `req-${i}`,
        ip: '10.0.0.1',
      }),
    )
  }

  /** A tenant with `n` sealed entries. */
  async function sealedChain(n = 5) {
    const tenantId = await createTenant()
    for (let i = 1; i <= n; i++) await record(tenantId, i)
    expect(await sealAuditLog(database, clock, { tenantIds: [tenantId] })).toBe(n)
    return tenantId
  }

  const entryAt = async (tenantId: string, seq: number) => {
    const [row] = await database.query<{ id: string }>('select id::text as id from audit_log where tenant_id = $1 and seq = $2', [
      tenantId,
      seq,
    ])
    return Number(row!.id)
  }

  /** An entry as the sealer reads it (for forging hashes the way an attacker with the code could). */
  const loadEntry = async (id: string | number) => {
    const [e] = await rows<Parameters<typeof entryHash>[0]>(
      database.db,
      sql`select id::text as id, tenant_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at, actor_type, actor_id,
        action, entity_type, entity_id, before, after, request_id, ip, seq::text as seq, prev_hash, hash, sealed_at
        from audit_log where id = ${id}`,
    )
    return e!
  }

  const brokenOf = async (tenantId: string) => {
    const result = await verifyAuditChain(database, tenantId)
    if (result.ok) throw new Error('expected a broken chain')
    return result.broken
  }

  it('seals each tenant into its own chain and verifies it', async () => {
    const a = await sealedChain(12)
    const b = await sealedChain(2)
    const chainOf = (tenantId: string) =>
      database.query<{ seq: string; prev_hash: string; hash: string; entity_id: string }>(
        'select seq::text as seq, prev_hash, hash, entity_id from audit_log where tenant_id = $1 order by audit_log.seq',
        [tenantId],
      )
    const chainA = await chainOf(a)
    expect(chainA.map((e) => Number(e.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    // In insertion order (one transaction after the other here), linked hash to hash.
    expect(chainA.map((e) => e.entity_id)).toEqual(Array.from({ length: 12 }, (_, i) => `T-${i + 1}`))
    expect(chainA[0]!.prev_hash).toBe(GENESIS_HASH)
    for (let i = 1; i < 12; i++) expect(chainA[i]!.prev_hash).toBe(chainA[i - 1]!.hash)
    expect(chainA[11]!.hash).toMatch(/^[0-9a-f]{64}$/)
    expect((await chainOf(b)).map((e) => Number(e.seq))).toEqual([1, 2])

    await record(a, 4)
    const result = await verifyAuditChain(database, a)
    expect(result).toEqual({
      ok: true,
      tenants: [expect.objectContaining({ tenantId: a, sealed: 12, pending: 1, head: { seq: 12, hash: chainA[11]!.hash } })],
    })
    expect(await sealAuditLog(database, clock, { tenantIds: [a] })).toBe(1)
    expect(await verifyAuditChain(database, a)).toMatchObject({ ok: true, tenants: [{ sealed: 13, pending: 0 }] })
    expect(await sealAuditLog(database, clock, { tenantIds: [a] })).toBe(0)
  })

  it('keeps the application role from changing or removing entries', async () => {
    const tenantId = await sealedChain(1)
    await expect(database.withTenant(tenantId, (tx) => tx.execute(sql`update audit_log set action = 'x'`))).rejects.toThrow()
    await expect(database.withTenant(tenantId, (tx) => tx.execute(sql`delete from audit_log`))).rejects.toThrow()
  })

  it('finds an edited entry', async () => {
    const tenantId = await sealedChain()
    await database.query(`update audit_log set after = '{"status": "closed"}' where tenant_id = $1 and seq = 3`, [tenantId])
    expect(await brokenOf(tenantId)).toMatchObject({
      tenantId,
      seq: 3,
      id: await entryAt(tenantId, 3),
      reason: expect.stringMatching(/changed/),
    })
  })

  it('finds an edit that even recomputed the entry’s own hash', async () => {
    const tenantId = await sealedChain()
    await database.query(`update audit_log set actor_id = $2 where tenant_id = $1 and seq = 2`, [tenantId, randomUUID()])
    const e = await loadEntry(await entryAt(tenantId, 2))
    await database.query('update audit_log set hash = $2 where tenant_id = $1 and seq = 2', [tenantId, entryHash(e, 2, e.prev_hash!)])
    expect(await brokenOf(tenantId)).toMatchObject({ seq: 3, reason: expect.stringMatching(/previous hash/) })
  })

  it('finds a deleted entry, and a deleted last entry, and stops sealing after it', async () => {
    const middle = await sealedChain()
    const id = await entryAt(middle, 2)
    await database.query('delete from audit_log where tenant_id = $1 and seq = 2', [middle])
    expect(await brokenOf(middle)).toMatchObject({
      seq: 2,
      id: await entryAt(middle, 3),
      reason: expect.stringMatching(/entry 2 is missing/),
    })
    expect(id).not.toBe(await entryAt(middle, 3))

    const last = await sealedChain()
    await database.query('delete from audit_log where tenant_id = $1 and seq = 5', [last])
    expect(await brokenOf(last)).toMatchObject({ seq: 5, reason: expect.stringMatching(/missing/) })
    await record(last, 6)
    await expect(sealAuditLog(database, clock, { tenantIds: [last] })).rejects.toThrow(AuditChainBrokenError)
    expect(await brokenOf(last)).toMatchObject({ seq: 5 })
  })

  it('finds an inserted entry, in the middle or after the head', async () => {
    const middle = await sealedChain()
    // Make room at seq 3 and insert a forged entry that links correctly to entry 2.
    await database.query('update audit_log set seq = seq + 1000 where tenant_id = $1 and seq >= 3', [middle])
    await database.query('update audit_log set seq = seq - 999 where tenant_id = $1 and seq > 1000', [middle])
    const [prev] = await database.query<{ hash: string }>('select hash from audit_log where tenant_id = $1 and seq = 2', [middle])
    const [forged] = await database.query<{ id: string }>(
      `insert into audit_log (tenant_id, actor_type, action, entity_type, entity_id, seq, prev_hash, hash, sealed_at)
       values ($1, 'system', 'ticket.deleted', 'ticket', 'T-9', 3, $2, 'x', now()) returning id::text as id`,
      [middle, prev!.hash],
    )
    await database.query('update audit_log set hash = $2 where id = $1', [
      forged!.id,
      entryHash(await loadEntry(forged!.id), 3, prev!.hash),
    ])
    expect(await brokenOf(middle)).toMatchObject({ seq: 4, reason: expect.stringMatching(/previous hash/) })

    const after = await sealedChain(2)
    const [head] = await database.query<{ hash: string }>('select hash from audit_log where tenant_id = $1 and seq = 2', [after])
    const [appended] = await database.query<{ id: string }>(
      `insert into audit_log (tenant_id, actor_type, action, entity_type, seq, prev_hash, hash, sealed_at)
       values ($1, 'system', 'user.created', 'user', 3, $2, 'x', now()) returning id::text as id`,
      [after, head!.hash],
    )
    await database.query('update audit_log set hash = $2 where id = $1', [
      appended!.id,
      entryHash(await loadEntry(appended!.id), 3, head!.hash),
    ])
    expect(await brokenOf(after)).toMatchObject({ seq: 3, id: Number(appended!.id), reason: expect.stringMatching(/outside the sealer/) })
  })

  it('finds reordered entries', async () => {
    const tenantId = await sealedChain()
    await database.query('update audit_log set seq = -1 where tenant_id = $1 and seq = 2', [tenantId])
    await database.query('update audit_log set seq = 2 where tenant_id = $1 and seq = 3', [tenantId])
    await database.query('update audit_log set seq = 3 where tenant_id = $1 and seq = -1', [tenantId])
    expect(await brokenOf(tenantId)).toMatchObject({ seq: 2, reason: expect.stringMatching(/previous hash/) })
  })

  it('finds a sealed entry pushed back out of the chain', async () => {
    const tenantId = await sealedChain()
    await database.query('update audit_log set seq = null where tenant_id = $1 and seq = 4', [tenantId])
    expect(await brokenOf(tenantId)).toMatchObject({ seq: null, reason: expect.stringMatching(/lost its place/) })
  })

  it.runIf(!!process.env.TEST_DATABASE_URL)('seals entries in the order their transactions commit', async () => {
    const tenantId = await createTenant()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let recorded!: () => void
    const inserted = new Promise<void>((r) => (recorded = r))
    const slow = database.withTenant(tenantId, async (tx) => {
      await audit.record(tx, { tenantId, actorType: 'system', actorId: null, action: 'slow.first', entityType: 'x', entityId: null })
      recorded()
      await gate
    })
    await inserted
    await database.withTenant(tenantId, (tx) =>
      audit.record(tx, { tenantId, actorType: 'system', actorId: null, action: 'fast.second', entityType: 'x', entityId: null }),
    )
    expect(await sealAuditLog(database, clock, { tenantIds: [tenantId] })).toBe(1)
    release()
    await slow
    expect(await sealAuditLog(database, clock, { tenantIds: [tenantId] })).toBe(1)
    const chain = await database.query<{ action: string; id: string }>(
      'select action, id::text as id from audit_log where tenant_id = $1 order by seq',
      [tenantId],
    )
    expect(chain.map((e) => e.action)).toEqual(['fast.second', 'slow.first'])
    expect(Number(chain[0]!.id)).toBeGreaterThan(Number(chain[1]!.id))
    expect((await verifyAuditChain(database, tenantId)).ok).toBe(true)
  })
})
