// Test helpers: publish a domain event through the outbox and hand it to the listeners that hear it,
// as the worker does after commit; vendors' fakes configured as channels of a tenant.
import type { DomainEvent } from '../../platform/events/outbox.ts'
import type { DeliveredEvent } from '../../platform/events/types.ts'
import type { Client } from '../../test/factories.ts'
import type { TestRuntime } from '../../test/harness.ts'
import { VENDOR, type FakeVendors } from './adapters/vendors.fixture.ts'

/** Writes an event in its own transaction and returns it as delivered to listeners. */
export async function publish(rt: TestRuntime, e: DomainEvent): Promise<DeliveredEvent> {
  const id = await rt.database.withTenant(e.tenantId, (tx) => rt.modules.deps.outbox.publish(tx, e))
  return (await deliveredEvents(rt, 'id = $1', [id]))[0]!
}

/** An SLA event on a ticket as the SLA module publishes it, heard at once. */
export async function emitSla(
  rt: TestRuntime,
  tenantId: string,
  type: 'sla.warning' | 'sla.breached',
  ticketId: string,
  payload: Record<string, unknown> = {},
) {
  await hear(rt, [
    await publish(rt, {
      tenantId,
      type,
      aggregateType: 'ticket',
      aggregateId: ticketId,
      payload: { ticketId, subjectType: 'ticket', subjectId: ticketId, ...payload },
    }),
  ])
}

/** Outbox rows as DeliveredEvents (owner connection), oldest first. */
export async function deliveredEvents(rt: TestRuntime, where: string, params: unknown[] = []): Promise<DeliveredEvent[]> {
  const found = await rt.database.query<{
    id: string
    tenant_id: string
    type: string
    aggregate_type: string | null
    aggregate_id: string | null
    payload: Record<string, unknown>
    actor_id: string | null
    created_at: Date | string
  }>(`select * from outbox where ${where} order by created_at, id`, params)
  return found.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    type: r.type,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    payload: r.payload,
    actorId: r.actor_id,
    createdAt: new Date(r.created_at),
  }))
}

/** Hands events to every listener that hears them (what the outbox worker does). */
export async function hear(rt: TestRuntime, events: DeliveredEvent[]) {
  for (const e of events) for (const l of rt.modules.listeners) if (l.events === '*' || l.events.includes(e.type)) await l.handle(e)
}

/** Hears every outbox event of a tenant not heard yet by this helper (`seen` keeps track). */
export async function hearNew(rt: TestRuntime, tenantId: string, seen: Set<string>) {
  const events = (await deliveredEvents(rt, 'tenant_id = $1', [tenantId])).filter((e) => !seen.has(e.id))
  for (const e of events) seen.add(e.id)
  await hear(rt, events)
  return events
}

/** Channel bodies pointing at the fakes. */
export function fakeChannels(fakes: FakeVendors, smtpUrl?: string) {
  return {
    email: {
      kind: 'email',
      name: '客服邮箱',
      settings: { from: '售后服务 <service@aftercare.example.com>' },
      secrets: { smtpUrl: smtpUrl ?? 'smtp://127.0.0.1:1' },
    },
    sms: {
      kind: 'sms',
      name: '阿里云短信',
      settings: { accessKeyId: VENDOR.aliyun.accessKeyId, signName: VENDOR.aliyun.signName, endpoint: `${fakes.url}/aliyun/` },
      secrets: { accessKeySecret: VENDOR.aliyun.accessKeySecret },
    },
    wechat: {
      kind: 'wechat_mp',
      name: '服务号',
      settings: { appId: VENDOR.wechat.appId, endpoint: fakes.url },
      secrets: { appSecret: VENDOR.wechat.appSecret },
    },
    wecom: {
      kind: 'wecom_robot',
      name: '企业微信群',
      settings: { endpoint: `${fakes.url}/cgi-bin/webhook/send` },
      secrets: { key: VENDOR.wecom.key },
    },
    dingtalk: {
      kind: 'dingtalk_robot',
      name: '钉钉群',
      settings: { endpoint: `${fakes.url}/robot/send` },
      secrets: { accessToken: VENDOR.dingtalk.accessToken, signSecret: VENDOR.dingtalk.signSecret },
    },
    webhook: {
      kind: 'webhook',
      name: '值班系统',
      settings: { url: `${fakes.url}/hook` },
      secrets: { signingSecret: VENDOR.webhook.signingSecret },
    },
  } as const
}

/** Adds a channel through the API and returns its id. */
export async function addChannel(admin: Client, body: Record<string, unknown>): Promise<string> {
  const res = await admin.post('/api/notifications/channels', body)
  if (res.statusCode !== 201) throw new Error(`channel not created: ${res.body}`)
  return (res.json() as { id: string }).id
}
