// The service report end to end: close a ticket over HTTP, let the outbox delivery run the tickets
// listener, and the PDF is on the ticket — once, however often the event is delivered.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOutboxDelivery } from '../../platform/events/delivery.ts'
import { readPdf, squash } from '../../platform/pdf/pdf-text.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { SERVICE_REPORT_LISTENER, timelineSummary } from './service-report.ts'
import { buildTicketWorld, ok, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld

beforeAll(async () => {
  rt = await createTestRuntime()
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

interface Attachment {
  id: string
  fileName: string
  contentType: string
  visibility: string
  downloadUrl: string
}

const resolution = {
  cause: '压缩机启动电容老化',
  actions: '更换启动电容，清洗滤网，测试制冷 30 分钟正常',
  suggestions: '每年入夏前保养一次',
}

describe('service report on close', () => {
  it('attaches one PDF report to a closed ticket, readable by the customer and no one else', async () => {
    const listeners = rt.modules.tickets.listeners.filter((l) => l.name === SERVICE_REPORT_LISTENER)
    expect(listeners).toHaveLength(1)
    const delivery = createOutboxDelivery({
      database: rt.database,
      clock: rt.clock,
      log: pino({ level: 'silent' }),
      listeners,
      tenantIds: [w.tenant.id],
    })
    const t = await ok<TicketJson>(w.contactA.post('/api/tickets', { subject: '会议室投影仪无信号', typeId: w.types.consult }), 201)
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '请问是哪一个会议室？' }), 201)
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved', resolution }))
    await delivery.drain()
    // not closed yet: no report
    expect((await ok<{ items: Attachment[] }>(w.agent.get(`/api/tickets/${t.id}/attachments`))).items).toEqual([])
    await ok(w.contactA.post(`/api/tickets/${t.id}/confirm`, { comment: '已正常，谢谢' }))
    await delivery.drain()
    await delivery.drain()
    const { items } = await ok<{ items: Attachment[] }>(w.contactA.get(`/api/tickets/${t.id}/attachments`))
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ fileName: `服务报告-${t.number}.pdf`, contentType: 'application/pdf', visibility: 'public' })
    const pdf = await w.contactA.get(items[0]!.downloadUrl)
    expect(pdf.statusCode).toBe(200)
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(pdf.headers['content-type']).toContain('application/pdf')
    const text = squash((await readPdf(pdf.rawPayload)).text.join(''))
    for (const expected of [
      '服务报告',
      t.number,
      '华东精密制造有限公司',
      '压缩机启动电容老化',
      '每年入夏前保养一次',
      '处理中→已解决',
      '吴娜确认解决',
    ])
      expect(text).toContain(squash(expected))
    // another customer's contact: as if it did not exist
    expect((await w.contactB.get(items[0]!.downloadUrl)).statusCode).toBe(404)
    // the same event delivered again attaches nothing more
    const [event] = await rt.database.query<{ id: string; tenant_id: string; payload: Record<string, unknown> }>(
      `select id, tenant_id, payload from outbox where aggregate_id = $1 and type = 'ticket.status_changed' and payload->>'to' = 'closed'`,
      [t.id],
    )
    await listeners[0]!.handle({
      id: event!.id,
      tenantId: event!.tenant_id,
      type: 'ticket.status_changed',
      aggregateType: 'ticket',
      aggregateId: t.id,
      payload: event!.payload,
      actorId: null,
      createdAt: new Date(),
    })
    expect((await ok<{ items: Attachment[] }>(w.agent.get(`/api/tickets/${t.id}/attachments`))).items).toHaveLength(1)
    const timeline = await ok<{ items: { kind: string; data: { report?: boolean } }[] }>(w.contactA.get(`/api/tickets/${t.id}/timeline`))
    expect(timeline.items.filter((e) => e.kind === 'attachment_added' && e.data.report)).toHaveLength(1)
  })

  it('summarises the public timeline in Chinese', () => {
    const at = new Date('2026-05-03T01:20:00Z')
    const entry = (kind: string, data: Record<string, unknown>, actorName: string | null = '张丽') =>
      ({
        id: kind,
        tenantId: 't',
        ticketId: 'x',
        kind,
        visibility: 'public',
        actorType: 'agent',
        actorId: null,
        actorName,
        data,
        at,
        seq: 1,
      }) as never
    expect(
      timelineSummary([
        entry('created', {}, '吴娜'),
        entry('status_changed', { from: 'new', to: 'in_progress', reason: null }),
        entry('message', {}),
        entry('status_changed', { from: 'in_progress', to: 'resolved', reason: null }),
        entry('confirmed', {}, '吴娜'),
      ]),
    ).toBe(
      [
        '2026-05-03 09:20  吴娜 创建工单',
        '2026-05-03 09:20  张丽：待分配 → 处理中',
        '2026-05-03 09:20  张丽：处理中 → 已解决',
        '2026-05-03 09:20  吴娜 确认解决',
        '沟通记录共 1 条',
      ].join('\n'),
    )
  })
})
