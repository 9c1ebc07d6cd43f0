// Test data for the tickets tests: a tenant with its desk staff, ticket types, a category with a
// form, a queue, and customer organisations with a contact each. Everything through the HTTP API.
import { expect } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import type { TestRuntime } from '../../test/harness.ts'

export interface TicketWorld {
  tenant: TestTenant
  admin: Client
  agent: Client
  agent2: Client
  types: { repair: string; consult: string }
  category: string
  queue: string
  customerA: string
  customerB: string
  contactA: Client
  contactB: Client
}

export async function ok<T = Record<string, unknown>>(
  res: Promise<{ statusCode: number; body: string; json(): unknown }>,
  status = 200,
): Promise<T> {
  const r = await res
  expect(r.statusCode, r.body).toBe(status)
  return r.json() as T
}

export async function buildTicketWorld(rt: TestRuntime): Promise<TicketWorld> {
  const tenant = await buildTenant(rt)
  const admin = await loginAs(rt, tenant, 'admin', { name: '管理员' })
  const agent = await loginAs(rt, tenant, 'agent_l1', { name: '一线客服 张丽' })
  const agent2 = await loginAs(rt, tenant, 'agent_l2', { name: '二线支持 刘洋' })
  const repair = (await ok<{ id: string }>(admin.post('/api/tickets/types', { code: 'repair', name: '报修' }), 201)).id
  const consult = (await ok<{ id: string }>(admin.post('/api/tickets/types', { code: 'consult', name: '咨询', sortOrder: 1 }), 201)).id
  const queue = (
    await ok<{ id: string }>(admin.post('/api/tickets/queues', { name: '一线服务组', tier: 'L1', memberIds: [agent.user.id] }), 201)
  ).id
  const category = (
    await ok<{ id: string }>(
      admin.post('/api/tickets/categories', {
        name: '空调故障',
        typeId: repair,
        defaultQueueId: queue,
        form: [
          { key: 'model', label: '型号', type: 'text', required: true },
          {
            key: 'symptom',
            label: '故障现象',
            type: 'select',
            options: [
              { value: 'no_cooling', label: '不制冷' },
              { value: 'noise', label: '噪音大' },
            ],
          },
          { key: 'units', label: '台数', type: 'number', min: 1, max: 100 },
          { key: 'internal_code', label: '内部编码', type: 'text', visibleToCustomer: false },
        ],
      }),
      201,
    )
  ).id
  const customerA = (await ok<{ id: string }>(admin.post('/api/customers', { name: '华东精密制造有限公司', tier: 'gold' }), 201)).id
  const customerB = (await ok<{ id: string }>(admin.post('/api/customers', { name: '星河连锁酒店管理集团', tier: 'standard' }), 201)).id
  const contactA = await loginAs(rt, tenant, 'customer_contact', { customerOrgId: customerA, name: '吴娜' })
  const contactB = await loginAs(rt, tenant, 'customer_contact', { customerOrgId: customerB, name: '郑明' })
  return { tenant, admin, agent, agent2, types: { repair, consult }, category, queue, customerA, customerB, contactA, contactB }
}

export interface TicketJson {
  id: string
  number: string
  status: string
  priority: string
  version: number
  assigneeId: string | null
  queueId: string | null
  tier: string
  [k: string]: unknown
}

/** A repair ticket for customer A by the agent (overrides go into the body). */
export function newTicket(w: TicketWorld, body: Record<string, unknown> = {}) {
  return ok<TicketJson>(
    w.agent.post('/api/tickets', { subject: '空调不制冷', typeId: w.types.repair, customerId: w.customerA, ...body }),
    201,
  )
}

export async function outboxOf(rt: TestRuntime, ticketId: string) {
  return rt.database.query<{ type: string; payload: Record<string, unknown> }>(
    `select type, payload from outbox where aggregate_type = 'ticket' and aggregate_id = $1 order by created_at, id`,
    [ticketId],
  )
}
