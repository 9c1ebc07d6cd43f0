// The runtime's worker: what a write through the API leaves behind (audit entries) is sealed by the
// worker, drained by hand in tests or by its own loops in a real process; the backlogs show on
// /metrics; close() stops everything.
import { randomUUID } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock, systemClock } from '../clock.ts'
import type { Database } from '../db/index.ts'
import { openTestDatabase, testConfig } from '../../test/harness.ts'
import { startRuntime, type Runtime } from '../../runtime.ts'
import { verifyAuditChain } from '../audit/chain.ts'

const logger = pino({ level: 'silent' })

async function createTenant(database: Database) {
  const [row] = await database.query<{ id: string }>('insert into tenants (slug, name) values ($1, $2) returning id', [
    `wk-${randomUUID().slice(0, 8)}`,
    '工作进程测试',
  ])
  return row!.id
}

const unsealed = async (database: Database, tenantId: string) =>
  Number(
    (
      await database.query<{ n: string | number }>('select count(*) as n from audit_log where tenant_id = $1 and seq is null', [tenantId])
    )[0]!.n,
  )

describe('runtime worker', () => {
  let database: Database
  const runtimes: Runtime[] = []

  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterAll(async () => {
    for (const rt of runtimes) await rt.close()
    await database?.close()
  })

  it('seals what a request wrote when drained, and reports the backlogs on /metrics', async () => {
    const tenantId = await createTenant(database)
    const rt = await startRuntime({
      config: testConfig(),
      http: true,
      worker: { autorun: false, tenantIds: [tenantId] },
      database,
      clock: manualClock(new Date()),
      logger,
    })
    runtimes.push(rt)
    await rt.modules.identity.createUser(tenantId, {
      email: `a-${randomUUID().slice(0, 6)}@example.com`,
      name: '李雷',
      password: 'Long-enough-pass',
      roles: ['admin'],
    })
    expect(await unsealed(database, tenantId)).toBeGreaterThan(0)

    const metrics = await rt.app!.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/^aftercare_audit_unsealed_entries [1-9]\d*$/m)
    expect(metrics.body).toMatch(/^aftercare_outbox_pending_events \d+$/m)
    expect(metrics.body).toMatch(/^aftercare_outbox_dead_deliveries \d+$/m)
    expect(metrics.body).toMatch(/^aftercare_jobs_dead \d+$/m)

    const drained = await rt.worker!.drain()
    expect(drained.sealed).toBeGreaterThan(0)
    expect(await unsealed(database, tenantId)).toBe(0)
    expect(await verifyAuditChain(database, tenantId)).toMatchObject({ ok: true, tenants: [{ tenantId, pending: 0 }] })
  })

  it('runs by itself in a worker process, and stops when closed', async () => {
    const tenantId = await createTenant(database)
    const server = await startRuntime({ config: testConfig(), http: false, worker: false, database, clock: systemClock, logger })
    runtimes.push(server)
    expect(server.worker).toBeUndefined()
    const worker = await startRuntime({
      config: testConfig(),
      http: false,
      worker: { tenantIds: [tenantId], sealIntervalMs: 100 },
      database,
      clock: systemClock,
      logger,
    })
    await server.modules.identity.createUser(tenantId, {
      email: `b-${randomUUID().slice(0, 6)}@example.com`,
      name: '韩梅梅',
      password: 'Long-enough-pass',
      roles: ['agent_l1'],
    })
    const until = Date.now() + 15_000
    while ((await unsealed(database, tenantId)) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    expect(await unsealed(database, tenantId)).toBe(0)

    const closing = Date.now()
    await worker.close()
    expect(Date.now() - closing).toBeLessThan(15_000)
  })
})
