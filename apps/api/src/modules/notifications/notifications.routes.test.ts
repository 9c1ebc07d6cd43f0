// The notification center through the HTTP API: ticket events reach the right people in their
// language, staff and customers each get their own templates, preferences and quiet hours apply,
// templates are edited and previewed, and the bell is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginAs } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'
import { deliveredEvents, emitSla, hear, hearNew } from './notifications.fixture.ts'

interface Bell {
  items: { id: string; eventType: string; title: string; body: string; link: string | null; readAt: string | null }[]
  nextCursor: string | null
  unread: number
}

let rt: TestRuntime
let w: TicketWorld
const seen = new Set<string>()
const bell = (c: TicketWorld['agent'], query = '') => ok<Bell>(c.get(`/api/notifications${query}`))
const deliveriesOf = (eventType: string) =>
  rt.database.query<{
    channel: string
    address: string | null
    subject: string
    body: string
    next_attempt_at: Date | string
    status: string
  }>(
    'select channel, address, subject, body, next_attempt_at, status from notification_deliveries where tenant_id = $1 and event_type = $2 order by created_at',
    [w.tenant.id, eventType],
  )

beforeAll(async () => {
  rt = await createTestRuntime({ config: { SMTP_URL: 'smtp://127.0.0.1:2', WEBHOOK_ALLOW_PRIVATE: 'true' } })
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

describe('ticket events in the bell', () => {
  it('the assignee hears of an assignment, in their language, with a link to the ticket; the actor does not', async () => {
    const t = await newTicket(w)
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent2.user.id }))
    await hearNew(rt, w.tenant.id, seen)
    const b = await bell(w.agent2)
    const n = b.items.find((i) => i.eventType === 'ticket.assigned')!
    expect(n.title).toBe(`工单 ${t.number} 已分派给您`)
    expect(n.body).toContain('华东精密制造有限公司')
    expect(n.link).toBe(`/tickets/${t.id}`)
    expect(b.unread).toBeGreaterThanOrEqual(1)
    expect((await bell(w.admin)).items.filter((i) => i.eventType === 'ticket.assigned')).toEqual([])
    // email too (staff default), through SMTP_URL since the tenant has no email channel
    const mail = (await deliveriesOf('ticket.assigned')).find((d) => d.channel === 'email')!
    expect(mail.address).toBe(w.agent2.user.email)
    expect(mail.subject).toBe(`工单 ${t.number} 已分派给您`)
  })

  it('hearing the same event twice adds nothing (dedupe per event, recipient and channel)', async () => {
    const t = await newTicket(w, { assigneeId: w.agent2.user.id })
    const events = await hearNew(rt, w.tenant.id, seen)
    const before = (await bell(w.agent2)).items.length
    const deliveries = (await deliveriesOf('ticket.created')).length
    await hear(rt, events)
    expect((await bell(w.agent2)).items.length).toBe(before)
    expect((await deliveriesOf('ticket.created')).length).toBe(deliveries)
    expect((await bell(w.agent2)).items.filter((i) => i.link === `/tickets/${t.id}` && i.eventType === 'ticket.created')).toHaveLength(1)
  })

  it('a customer contact gets the customer template only, linking to the portal; staff never see customer text', async () => {
    const t = await ok<{ id: string; number: string }>(
      w.contactA.post('/api/tickets', { subject: '空调漏水', typeId: w.types.repair }),
      201,
    )
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent.user.id }))
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '工程师明天上午上门。', visibility: 'public' }), 201)
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '内部：备件在途', visibility: 'internal' }), 201)
    await hearNew(rt, w.tenant.id, seen)
    const mine = (await bell(w.contactA)).items.filter((i) => i.link === `/portal/tickets/${t.id}`)
    expect(mine.map((i) => i.title).sort()).toEqual([`您的服务请求 ${t.number} 有新回复`, `我们已收到您的服务请求 ${t.number}`].sort())
    const reply = mine.find((i) => i.eventType === 'ticket.message_added')!
    expect(reply.body).toContain('工程师明天上午上门。')
    expect(JSON.stringify(mine)).not.toContain('内部')
    // the other organisation's contact hears nothing
    expect((await bell(w.contactB)).items.filter((i) => i.link?.includes(t.id))).toEqual([])
  })

  it("a customer's reply reaches the assignee; an @mention reaches the mentioned colleague", async () => {
    const t = await ok<{ id: string; number: string }>(
      w.contactA.post('/api/tickets', { subject: '门禁失灵', typeId: w.types.repair }),
      201,
    )
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent.user.id }))
    await ok(w.contactA.post(`/api/tickets/${t.id}/messages`, { body: '今天下午有人在。' }), 201)
    await ok(
      w.agent.post(`/api/tickets/${t.id}/messages`, { body: '请二线看看日志', visibility: 'internal', mentionUserIds: [w.agent2.user.id] }),
      201,
    )
    await hearNew(rt, w.tenant.id, seen)
    const agentBell = (await bell(w.agent)).items.filter((i) => i.link === `/tickets/${t.id}`)
    expect(agentBell.find((i) => i.eventType === 'ticket.message_added')?.body).toContain('今天下午有人在。')
    const mention = (await bell(w.agent2)).items.find((i) => i.eventType === 'ticket.mentioned' && i.link === `/tickets/${t.id}`)!
    expect(mention.title).toContain(`在工单 ${t.number} 中提到了您`)
    expect(mention.body).toContain('请二线看看日志')
  })

  it('sla.breached reaches the assignee and every supervisor', async () => {
    const supervisor = await loginAs(rt, w.tenant, 'supervisor', { name: '主管 陈静' })
    const t = await newTicket(w, { assigneeId: w.agent2.user.id })
    await hearNew(rt, w.tenant.id, seen)
    await emitSla(rt, w.tenant.id, 'sla.breached', t.id, { target: 'first_response', dueAt: '2026-05-06T06:30:00.000Z' })
    for (const c of [supervisor, w.agent2]) {
      const n = (await bell(c)).items.find((i) => i.eventType === 'sla.breached')!
      expect(n.title).toBe(`SLA 超时：${t.number} 首次响应已违约`)
      expect(n.body).toContain('2026-05-06 14:30')
    }
  })
})

describe('events heard together', () => {
  it('the worker hands the listener a batch: each recipient is notified as one by one, and hearing the batch again adds nothing', async () => {
    const watcher = await loginAs(rt, w.tenant, 'agent_l1', { name: '关注者 周敏' })
    const tickets = [
      await newTicket(w, { assigneeId: w.agent2.user.id, subject: '批量一：打印机卡纸' }),
      await newTicket(w, { assigneeId: w.agent2.user.id, subject: '批量二：空调漏水', watcherIds: [watcher.user.id] }),
      await ok<{ id: string; number: string }>(
        w.contactA.post('/api/tickets', { subject: '批量三：门禁失灵', typeId: w.types.repair }),
        201,
      ),
    ]
    const events = await deliveredEvents(rt, `type = 'ticket.created' and aggregate_id = any($1::text[])`, [tickets.map((t) => t.id)])
    expect(events).toHaveLength(3)
    events.forEach((e) => seen.add(e.id))
    const listener = rt.modules.listeners.find((l) => l.name === 'notifications.dispatch')!
    await listener.handleMany!(events)
    const titles = async () =>
      (await bell(w.agent2)).items.filter((i) => i.eventType === 'ticket.created' && i.title.includes('批量')).map((i) => i.title)
    expect((await titles()).sort()).toEqual(
      [`新工单 ${tickets[0]!.number}：批量一：打印机卡纸`, `新工单 ${tickets[1]!.number}：批量二：空调漏水`].sort(),
    )
    // the tickets of a batch are read together, each with its own watchers
    expect((await bell(watcher)).items.filter((i) => i.eventType === 'ticket.created').map((i) => i.title)).toEqual([
      `新工单 ${tickets[1]!.number}：批量二：空调漏水`,
    ])
    const contact = (await bell(w.contactA)).items.filter((i) => i.link === `/portal/tickets/${tickets[2]!.id}`)
    expect(contact.map((i) => i.title)).toEqual([`我们已收到您的服务请求 ${tickets[2]!.number}`])
    // email: the customer's confirmation (staff get ticket.created in the bell only, by default)
    const mails = async () =>
      (await deliveriesOf('ticket.created')).filter((d) => d.channel === 'email' && tickets.some((t) => d.subject.includes(t.number)))
    expect((await mails()).map((d) => d.address)).toEqual([w.contactA.user.email])
    await listener.handleMany!(events)
    expect(await titles()).toHaveLength(2)
    expect(await mails()).toHaveLength(1)
  })
})

describe('the bell', () => {
  it('lists newest first with a cursor, counts unread, marks read (one, then all), and only the caller’s', async () => {
    const reader = await loginAs(rt, w.tenant, 'agent_l2', { name: '读者' })
    for (let i = 0; i < 3; i++) await newTicket(w, { assigneeId: reader.user.id, subject: `第${i}单` })
    await hearNew(rt, w.tenant.id, seen)
    const first = await bell(reader, '?limit=2')
    expect(first.items).toHaveLength(2)
    expect(first.unread).toBe(3)
    const second = await bell(reader, `?limit=2&cursor=${first.nextCursor}`)
    expect(second.items).toHaveLength(1)
    expect(second.nextCursor).toBeNull()
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(3)

    // someone else's ids are ignored
    const other = await ok<{ updated: number }>(w.agent2.post('/api/notifications/read', { ids: [first.items[0]!.id] }))
    expect(other.updated).toBe(0)
    const one = await ok<{ updated: number; unread: number }>(reader.post('/api/notifications/read', { ids: [first.items[0]!.id] }))
    expect(one).toEqual({ updated: 1, unread: 2 })
    expect((await ok<{ unread: number }>(reader.get('/api/notifications/unread-count'))).unread).toBe(2)
    expect((await bell(reader, '?unreadOnly=true')).items.map((i) => i.id)).not.toContain(first.items[0]!.id)
    expect(await ok(reader.post('/api/notifications/read', { all: true }))).toEqual({ updated: 2, unread: 0 })
    const bad = await reader.post('/api/notifications/read', {})
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('ids')
  })
})

describe('preferences', () => {
  it('defaults per audience; muting an event stops it; quiet hours hold email until they end but not the bell', async () => {
    const p = await loginAs(rt, w.tenant, 'agent_l2', { name: '夜猫子' })
    const prefs = await ok<{ events: Record<string, string[]>; quietHours: unknown; version: number }>(
      p.get('/api/notifications/preferences'),
    )
    expect(prefs.events['ticket.assigned']).toEqual(['in_app', 'email'])
    expect(prefs.quietHours).toBeNull()

    const bad = await p.patch('/api/notifications/preferences', { quietHours: { start: '22:00', end: '08:00', timeZone: 'Mars/Olympus' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('quietHours.timeZone')
    expect((await p.patch('/api/notifications/preferences', { events: { 'ticket.assigned': ['sms', 'pager'] } })).statusCode).toBe(400)

    // quiet hours around "now" in Shanghai, and no bell for ticket.created
    const now = rt.clock.now()
    const hh = (offsetMin: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        new Date(now.getTime() + offsetMin * 60_000),
      )
    const updated = await ok<{ version: number; events: Record<string, string[]> }>(
      p.patch('/api/notifications/preferences', {
        events: { 'ticket.created': [] },
        quietHours: { start: hh(-60), end: hh(120), timeZone: 'Asia/Shanghai' },
      }),
    )
    expect(updated.events['ticket.created']).toEqual([])
    expect((await p.patch('/api/notifications/preferences', { events: {} }, { 'if-match': '"v99"' })).statusCode).toBe(412)

    const t = await newTicket(w, { assigneeId: p.user.id })
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent.user.id }))
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: p.user.id }))
    await hearNew(rt, w.tenant.id, seen)
    const items = (await bell(p)).items.filter((i) => i.link === `/tickets/${t.id}`)
    expect(items.map((i) => i.eventType)).toEqual(['ticket.assigned'])
    const mail = (await deliveriesOf('ticket.assigned')).find((d) => d.address === p.user.email)!
    const held = new Date(mail.next_attempt_at).getTime() - now.getTime()
    expect(held).toBeGreaterThan(118 * 60_000)
    expect(held).toBeLessThanOrEqual(120 * 60_000)
  })
})

describe('templates', () => {
  it('admins list defaults, override one (unknown variables refused, naming the field), preview it, and reset it', async () => {
    const list = await ok<{
      items: {
        eventType: string
        channel: string
        locale: string
        audience: string
        isDefault: boolean
        subject: string
        variables: string[]
      }[]
    }>(w.admin.get('/api/notifications/templates?eventType=ticket.assigned&locale=en-US'))
    const inApp = list.items.find((i) => i.channel === 'in_app')!
    expect(inApp).toMatchObject({ isDefault: true, audience: 'staff', subject: 'Ticket {{ticket.number}} was assigned to you' })
    expect(inApp.variables).toContain('assignee.name')
    expect((await w.agent.get('/api/notifications/templates')).statusCode).toBe(403)

    const typo = await w.admin.put('/api/notifications/templates', {
      eventType: 'ticket.assigned',
      channel: 'in_app',
      locale: 'zh-CN',
      audience: 'staff',
      subject: '派单 {{ticket.number}}',
      body: '{{ticket.subjct}}',
    })
    expect(typo.statusCode).toBe(422)
    expect(typo.json().issues[0].path).toBe('body')
    const wrongAudience = await w.admin.put('/api/notifications/templates', {
      eventType: 'sla.breached',
      channel: 'in_app',
      locale: 'zh-CN',
      audience: 'customer',
      body: 'x',
    })
    expect(wrongAudience.json().issues[0].path).toBe('audience')

    const saved = await ok<{ id: string; version: number; isDefault: boolean }>(
      w.admin.put('/api/notifications/templates', {
        eventType: 'ticket.assigned',
        channel: 'in_app',
        locale: 'zh-CN',
        audience: 'staff',
        subject: '【派单】{{ticket.number}} · {{ticket.priority}}',
        body: '{{recipient.name}}，请处理：{{ticket.subject}}',
      }),
    )
    expect(saved).toMatchObject({ isDefault: false, version: 1 })
    const t = await newTicket(w, { subject: '冷库温度报警' })
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent2.user.id }))
    await hearNew(rt, w.tenant.id, seen)
    const n = (await bell(w.agent2)).items.find((i) => i.link === `/tickets/${t.id}` && i.eventType === 'ticket.assigned')!
    expect(n.title).toBe(`【派单】${t.number} · ${t.priority}`)
    expect(n.body).toBe('二线支持 刘洋，请处理：冷库温度报警')

    const preview = await ok<{ subject: string; body: string; unknownVariables: string[] }>(
      w.admin.post('/api/notifications/templates/preview', {
        eventType: 'ticket.assigned',
        locale: 'zh-CN',
        subject: '{{ticket.number}} {{nope}}',
        body: '{{ticket.subject}} / {{assignee.name}}',
        values: { 'ticket.subject': '自定义示例' },
      }),
    )
    expect(preview).toMatchObject({ subject: 'SR-2026-000123 ', body: '自定义示例 / 王强', unknownVariables: ['nope'] })

    expect(
      (
        await w.admin.put(
          '/api/notifications/templates',
          { eventType: 'ticket.assigned', channel: 'in_app', locale: 'zh-CN', audience: 'staff', body: 'x' },
          { 'if-match': '"v7"' },
        )
      ).statusCode,
    ).toBe(412)
    await ok(w.admin.delete(`/api/notifications/templates/${saved.id}`))
    const back = await ok<{ items: { isDefault: boolean }[] }>(
      w.admin.get('/api/notifications/templates?eventType=ticket.assigned&locale=zh-CN&channel=in_app'),
    )
    expect(back.items).toEqual([expect.objectContaining({ isDefault: true })])
  })
})
