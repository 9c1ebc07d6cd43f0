import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../db/index.ts'
import { openTestDatabase } from '../../test/harness.ts'
import { fileRecords } from './file-records.ts'

const hex = (c: string) => c.repeat(64)

describe('files table', () => {
  let database: Database
  let tenantA: string
  let tenantB: string
  const ticket = { type: 'ticket', id: randomUUID() }
  const other = { type: 'ticket', id: randomUUID() }

  const record = (tenantId: string, owner: { type: string; id: string }, size: number, name = '报告.pdf') =>
    database.withTenant(tenantId, (tx) =>
      fileRecords.insert(tx, {
        tenantId,
        owner,
        file: {
          key: `${tenantId}/tickets/${owner.id}/${randomUUID()}`,
          fileName: name,
          contentType: 'application/pdf',
          size,
          sha256: hex('a'),
        },
        createdAt: new Date(),
      }),
    )

  beforeAll(async () => {
    database = await openTestDatabase()
    const tenant = async () => {
      const slug = `files-${randomUUID().slice(0, 8)}`
      const [row] = await database.query<{ id: string }>('insert into tenants (slug, name) values ($1, $2) returning id', [
        slug,
        '文件测试',
      ])
      return row!.id
    }
    tenantA = await tenant()
    tenantB = await tenant()
  })
  afterAll(async () => database.close())

  it("records an owner's files, sums its usage, lists them oldest first", async () => {
    const first = await record(tenantA, ticket, 1000, '照片1.jpg')
    await record(tenantA, ticket, 2500, '照片2.jpg')
    await record(tenantA, other, 7)
    await database.withTenant(tenantA, async (tx) => {
      expect(await fileRecords.usageBytes(tx, ticket)).toBe(3500)
      expect((await fileRecords.listByOwner(tx, ticket)).map((f) => f.fileName)).toEqual(['照片1.jpg', '照片2.jpg'])
      expect(await fileRecords.findById(tx, first.id)).toMatchObject({
        fileName: '照片1.jpg',
        sizeBytes: 1000,
        ownerType: 'ticket',
        ownerId: ticket.id,
      })
    })
  })

  it("never shows one tenant another tenant's files (row-level security)", async () => {
    const a = await record(tenantA, { type: 'ticket', id: randomUUID() }, 42)
    await database.withTenant(tenantB, async (tx) => {
      expect(await fileRecords.findById(tx, a.id)).toBeUndefined()
      expect(await fileRecords.usageBytes(tx, { type: a.ownerType, id: a.ownerId })).toBe(0)
      expect(await fileRecords.delete(tx, a.id)).toBeUndefined()
    })
    // Writing a row for tenant A from tenant B's scope is refused by the policy's WITH CHECK.
    const forged = database.withTenant(tenantB, (tx) =>
      fileRecords.insert(tx, {
        tenantId: tenantA,
        owner: ticket,
        file: { key: `x/${randomUUID()}`, fileName: 'x', contentType: 'text/plain', size: 1, sha256: hex('b') },
        createdAt: new Date(),
      }),
    )
    await expect(forged).rejects.toSatisfy((e: Error) =>
      /row-level security/.test(String((e.cause as Error | undefined)?.message ?? e.message)),
    )
    await database.withTenant(tenantA, async (tx) => expect(await fileRecords.findById(tx, a.id)).toBeDefined())
  })

  it('moves files to another owner (merge) and deletes a record, returning it', async () => {
    const from = { type: 'ticket', id: randomUUID() }
    const to = { type: 'ticket', id: randomUUID() }
    const f1 = await record(tenantA, from, 10)
    const f2 = await record(tenantA, from, 20)
    await database.withTenant(tenantA, async (tx) => {
      expect(await fileRecords.moveToOwner(tx, from, to, [f1.id])).toBe(1)
      expect(await fileRecords.usageBytes(tx, to)).toBe(10)
      expect(await fileRecords.moveToOwner(tx, from, to)).toBe(1)
      expect(await fileRecords.usageBytes(tx, from)).toBe(0)
      expect(await fileRecords.usageBytes(tx, to)).toBe(30)
      expect((await fileRecords.delete(tx, f2.id))?.storageKey).toBe(f2.storageKey)
      expect(await fileRecords.findById(tx, f2.id)).toBeUndefined()
    })
  })
})
