// The audit hash chain. Entries are inserted unsealed in business transactions (no lock on "the
// last hash", so the chain never serialises the application's writes); the worker seals them, in
// the order their transactions became visible, into one SHA-256 chain per tenant: each entry's hash
// covers its canonical JSON (RFC 8785) and the previous entry's hash. verifyAuditChain walks a chain
// and reports the first entry that was changed, removed, inserted or moved.
// See docs/decisions/0004-audit-hash-chain.md.
import { createHash } from 'node:crypto'
import canonicalJson from 'canonicalize'
import { sql } from 'drizzle-orm'
import type { Clock } from '../clock.ts'
import { rows, type Database, type DbOrTx } from '../db/index.ts'

// RFC 8785 JSON canonicalization. A CommonJS module whose types declare an ES default: under NodeNext
// TypeScript sees `{ default }`, while Node hands over the function itself.
const canonicalize = canonicalJson as unknown as (input: unknown) => string | undefined

/** The previous hash of a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** An audit_log row as read with ENTRY_COLUMNS. */
export interface EntryRow {
  id: string
  tenant_id: string
  occurred_at: string
  actor_type: string
  actor_id: string | null
  action: string
  entity_type: string
  entity_id: string | null
  before: unknown
  after: unknown
  request_id: string | null
  ip: string | null
  seq: string | null
  prev_hash: string | null
  hash: string | null
  sealed_at: Date | string | null
}

// Text for the bigints (exact in JSON) and for the time (microseconds, which a Date would drop).
// The aliases shadow the columns in ORDER BY: order by `audit_log.seq`, never `seq` (text order).
export const ENTRY_COLUMNS =
  sql.raw(`id::text as id, tenant_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
  actor_type, actor_id, action, entity_type, entity_id, before, after, request_id, ip, seq::text as seq, prev_hash, hash, sealed_at`)

/** SHA-256 over the canonical JSON of the entry, its place in the chain and the previous hash. */
export function entryHash(e: EntryRow, seq: number, prevHash: string): string {
  const document = {
    v: 1,
    seq,
    prevHash,
    id: Number(e.id),
    tenantId: e.tenant_id,
    occurredAt: e.occurred_at,
    actorType: e.actor_type,
    actorId: e.actor_id,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.request_id,
    ip: e.ip,
  }
  return createHash('sha256').update(canonicalize(document)!).digest('hex')
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`

async function lockHead(tx: DbOrTx, tenantId: string) {
  await tx.execute(
    sql`insert into audit_chain_heads (tenant_id, seq, hash) values (${tenantId}, 0, ${GENESIS_HASH}) on conflict do nothing`,
  )
  const [head] = await rows<{ seq: string; hash: string }>(
    tx,
    sql`select seq::text as seq, hash from audit_chain_heads where tenant_id = ${tenantId} for update`,
  )
  return { seq: Number(head!.seq), hash: head!.hash }
}

export class AuditChainBrokenError extends Error {}

/**
 * Seals up to `batchSize` unsealed entries of each tenant that has some; returns how many were
 * sealed. Several workers may run it: each tenant's chain head is locked while its batch is sealed.
 */
export async function sealAuditLog(
  database: Database,
  clock: Clock,
  opts: { batchSize?: number; tenantIds?: readonly string[] } = {},
): Promise<number> {
  const tenantFilter = opts.tenantIds
    ? sql`and tenant_id in (select (jsonb_array_elements_text(${JSON.stringify(opts.tenantIds)}::jsonb))::uuid)`
    : sql``
  const tenants = await rows<{ tenant_id: string }>(
    database.db,
    sql`select distinct tenant_id from audit_log where seq is null ${tenantFilter}`,
  )
  let sealed = 0
  const refused: string[] = []
  for (const { tenant_id: tenantId } of tenants) {
    sealed += await sealTenant(database, clock, tenantId, opts.batchSize ?? 500).catch((e: unknown) => {
      if (!(e instanceof AuditChainBrokenError)) throw e
      refused.push(e.message)
      return 0
    })
  }
  // The other tenants' chains were sealed; report the broken ones.
  if (refused.length) throw new AuditChainBrokenError(refused.join('; '))
  return sealed
}

async function sealTenant(database: Database, clock: Clock, tenantId: string, batchSize: number): Promise<number> {
  return database.transaction(async (tx) => {
    const head = await lockHead(tx, tenantId)
    if (head.seq > 0) {
      // Never extend a chain whose last entry is not the one the head names: resealing after it
      // would hide the change. Verification reports it; an administrator investigates.
      const [last] = await rows<{ hash: string | null }>(
        tx,
        sql`select hash from audit_log where tenant_id = ${tenantId} and seq = ${head.seq}`,
      )
      if (last?.hash !== head.hash)
        throw new AuditChainBrokenError(`The audit chain of tenant ${tenantId} does not end at its head (seq ${head.seq}); not sealing`)
    }
    const entries = await rows<EntryRow>(
      tx,
      sql`select ${ENTRY_COLUMNS} from audit_log
          where tenant_id = ${tenantId} and seq is null and hash is null and prev_hash is null and sealed_at is null
          order by audit_log.id limit ${batchSize}`,
    )
    if (!entries.length) return 0
    let { seq, hash } = head
    const seals = entries.map((e) => {
      const prevHash = hash
      seq += 1
      hash = entryHash(e, seq, prevHash)
      return { id: Number(e.id), seq, prev_hash: prevHash, hash }
    })
    const now = clock.now()
    await tx.execute(sql`update audit_log a set seq = x.seq, prev_hash = x.prev_hash, hash = x.hash, sealed_at = ${ts(now)}
        from jsonb_to_recordset(${JSON.stringify(seals)}::jsonb) as x(id bigint, seq bigint, prev_hash text, hash text)
        where a.id = x.id`)
    await tx.execute(sql`update audit_chain_heads set seq = ${seq}, hash = ${hash}, updated_at = ${ts(now)} where tenant_id = ${tenantId}`)
    return entries.length
  })
}

export interface TenantChain {
  tenantId: string
  slug: string
  /** Sealed entries verified. */
  sealed: number
  /** Entries not sealed yet (the worker seals them shortly after they commit). */
  pending: number
  head: { seq: number; hash: string } | null
}

export interface BrokenEntry {
  tenantId: string
  slug: string
  /** The chain position where verification failed (null when the entry has none). */
  seq: number | null
  /** The audit_log id of the entry at fault, when there is one. */
  id: number | null
  reason: string
}

export type AuditVerification = { ok: true; tenants: TenantChain[] } | { ok: false; tenants: TenantChain[]; broken: BrokenEntry }

/** Walks each tenant's chain (or one tenant's) in order and stops at the first broken entry. */
export async function verifyAuditChain(database: Database, tenantId?: string): Promise<AuditVerification> {
  const tenants = await rows<{ id: string; slug: string }>(
    database.db,
    sql`select id, slug from tenants ${tenantId ? sql`where id = ${tenantId}` : sql``} order by created_at, id`,
  )
  const checked: TenantChain[] = []
  for (const t of tenants) {
    const result = await verifyTenant(database, t)
    checked.push(result.chain)
    if (result.broken) return { ok: false, tenants: checked, broken: result.broken }
  }
  return { ok: true, tenants: checked }
}

async function verifyTenant(database: Database, t: { id: string; slug: string }): Promise<{ chain: TenantChain; broken?: BrokenEntry }> {
  const [headRow] = await rows<{ seq: string; hash: string }>(
    database.db,
    sql`select seq::text as seq, hash from audit_chain_heads where tenant_id = ${t.id}`,
  )
  const head = headRow ? { seq: Number(headRow.seq), hash: headRow.hash } : null
  const [counts] = await rows<{ pending: string | number; half: string | number }>(
    database.db,
    sql`select count(*) filter (where seq is null and hash is null and prev_hash is null and sealed_at is null) as pending,
      min(id) filter (where seq < 1 or (seq is null and (hash is not null or prev_hash is not null or sealed_at is not null))) as half
      from audit_log where tenant_id = ${t.id}`,
  )
  const chain: TenantChain = { tenantId: t.id, slug: t.slug, sealed: 0, pending: Number(counts?.pending ?? 0), head }
  const broken = (seq: number | null, id: number | string | null, reason: string) => ({
    chain,
    broken: { tenantId: t.id, slug: t.slug, seq, id: id === null ? null : Number(id), reason },
  })
  if (counts?.half !== null && counts?.half !== undefined)
    return broken(null, counts.half, 'a sealed entry lost its place in the chain (its seq was removed or altered)')

  let expected = 1
  let prevHash = GENESIS_HASH
  for (;;) {
    const page = await rows<EntryRow>(
      database.db,
      sql`select ${ENTRY_COLUMNS} from audit_log where tenant_id = ${t.id} and audit_log.seq >= ${expected} order by audit_log.seq limit 1000`,
    )
    for (const e of page) {
      const seq = Number(e.seq)
      if (seq !== expected) return broken(expected, e.id, `entry ${expected} is missing (deleted?); the chain continues at ${seq}`)
      if (e.prev_hash !== prevHash)
        return broken(seq, e.id, 'its previous hash does not match the entry before it (an entry was inserted, removed or moved)')
      if (!e.hash || entryHash(e, seq, prevHash) !== e.hash)
        return broken(seq, e.id, 'its content does not match its hash (the entry was changed)')
      prevHash = e.hash
      expected += 1
      chain.sealed += 1
    }
    if (page.length < 1000) break
  }
  const last = expected - 1
  if (!head) return last > 0 ? broken(last, null, 'the chain head is missing') : { chain }
  if (head.seq > last)
    return broken(last + 1, null, `entries ${last + 1}–${head.seq} are missing (deleted?); the chain head is at ${head.seq}`)
  if (head.seq < last) {
    const [extra] = await rows<{ id: string }>(
      database.db,
      sql`select id::text as id from audit_log where tenant_id = ${t.id} and seq = ${head.seq + 1}`,
    )
    return broken(head.seq + 1, extra?.id ?? null, `the entry after the chain head (${head.seq}) was added outside the sealer`)
  }
  if (head.hash !== prevHash) return broken(last, null, 'the chain head does not match the last entry')
  return { chain }
}
