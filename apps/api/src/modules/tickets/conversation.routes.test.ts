import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, outboxOf, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-05-06T03:00:00Z') })
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

/** A multipart body as a browser's FormData encodes it. */
async function multipart(files: { name: string; bytes: Buffer; type?: string }[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name)
  const req = new Request('http://local/upload', { method: 'POST', body: form })
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } }
}
const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e0e1d60000000049454e44ae426082',
  'hex',
)

async function upload(
  client: TicketWorld['agent'],
  ticketId: string,
  files: Parameters<typeof multipart>[0],
  fields?: Record<string, string>,
) {
  const body = await multipart(files, fields)
  return client.request({ method: 'POST', url: `/api/tickets/${ticketId}/attachments`, payload: body.payload, headers: body.headers })
}

describe('conversation', () => {
  it('publishes ticket.message_added and ticket.mentioned; the first public reply is the first response', async () => {
    const t = await newTicket(w)
    const note = await ok<{ id: string }>(
      w.agent.post(`/api/tickets/${t.id}/messages`, {
        body: '@刘洋 请协助判断是否需要更换压缩机',
        visibility: 'internal',
        mentionUserIds: [w.agent2.user.id],
      }),
      201,
    )
    const reply = await ok<{ id: string; authorType: string; authorName: string }>(
      w.agent.post(`/api/tickets/${t.id}/messages`, { body: '您好，已安排工程师' }),
      201,
    )
    expect(reply).toMatchObject({ authorType: 'agent', authorName: '一线客服 张丽' })
    const events = await outboxOf(rt, t.id)
    expect(events.filter((e) => e.type === 'ticket.message_added').map((e) => e.payload)).toEqual([
      { ticketId: t.id, messageId: note.id, visibility: 'internal', authorType: 'agent', at: '2026-05-06T03:00:00.000Z' },
      { ticketId: t.id, messageId: reply.id, visibility: 'public', authorType: 'agent', at: '2026-05-06T03:00:00.000Z' },
    ])
    expect(events.find((e) => e.type === 'ticket.mentioned')?.payload).toEqual({
      ticketId: t.id,
      messageId: note.id,
      userIds: [w.agent2.user.id],
    })
    expect((await ok<TicketJson>(w.agent.get(`/api/tickets/${t.id}`))).firstResponseAt).toBe('2026-05-06T03:00:00.000Z')
    // only staff can be mentioned
    const bad = await w.agent.post(`/api/tickets/${t.id}/messages`, { body: '@客户', mentionUserIds: [w.contactA.user.id] })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('mentionUserIds')
  })

  it("a customer's reply ends the wait for the customer", async () => {
    const t = await ok<TicketJson>(w.contactA.post('/api/tickets', { subject: '发票抬头需要修改', typeId: w.types.consult }), 201)
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'pending_customer', reason: '请提供新的开票信息' }))
    const m = await ok<{ authorType: string }>(
      w.contactA.post(`/api/tickets/${t.id}/messages`, { body: '新的抬头：华东精密制造有限公司' }),
      201,
    )
    expect(m.authorType).toBe('customer')
    const after = await ok<TicketJson>(w.agent.get(`/api/tickets/${t.id}`))
    expect(after.status).toBe('in_progress')
    const change = (await outboxOf(rt, t.id)).filter((e) => e.type === 'ticket.status_changed').at(-1)?.payload
    expect(change).toMatchObject({ from: 'pending_customer', to: 'in_progress', reason: 'customer replied' })
  })

  it('watchers: self-watch, adding a colleague, removing; the tab counts follow', async () => {
    const t = await newTicket(w)
    const before = await ok<{ watching: number }>(w.agent2.get('/api/tickets/counts'))
    expect((await ok<{ watcherIds: string[] }>(w.agent2.post(`/api/tickets/${t.id}/watchers`, {}))).watcherIds).toEqual([w.agent2.user.id])
    await ok(w.agent2.post(`/api/tickets/${t.id}/watchers`, { userId: w.agent.user.id }))
    expect((await ok<TicketJson>(w.agent2.get(`/api/tickets/${t.id}`))).watching).toBe(true)
    expect((await ok<{ watching: number }>(w.agent2.get('/api/tickets/counts'))).watching).toBe(before.watching + 1)
    expect((await ok<{ watcherIds: string[] }>(w.agent2.delete(`/api/tickets/${t.id}/watchers/${w.agent2.user.id}`))).watcherIds).toEqual([
      w.agent.user.id,
    ])
    expect((await w.contactA.post(`/api/tickets/${t.id}/watchers`, {})).statusCode).toBe(403)
  })
})

describe('attachments', () => {
  it('stores files on the ticket with sniffed types, shows them to who may see them, and enforces the limits', async () => {
    const t = await ok<TicketJson>(
      w.contactA.post('/api/tickets', {
        subject: '屏幕有裂痕',
        typeId: w.types.repair,
        categoryId: w.category,
        customFields: { model: 'X1' },
      }),
      201,
    )
    const res = await upload(w.contactA, t.id, [{ name: '../../故障照片.png', bytes: png, type: 'text/plain' }])
    expect(res.statusCode, res.body).toBe(201)
    const [photo] = res.json().items
    expect(photo).toMatchObject({
      fileName: '故障照片.png',
      contentType: 'image/png',
      size: png.length,
      visibility: 'public',
      messageId: null,
    })
    const internal = (
      await upload(w.agent, t.id, [{ name: '内部检测报告.txt', bytes: Buffer.from('主板电容鼓包') }], { visibility: 'internal' })
    ).json().items[0]
    expect((await upload(w.contactA, t.id, [{ name: 'x.txt', bytes: Buffer.from('x') }], { visibility: 'internal' })).statusCode).toBe(403)

    const dl = await w.contactA.get(photo.downloadUrl)
    expect(dl.statusCode).toBe(200)
    expect(dl.headers['content-type']).toBe('image/png')
    expect(dl.rawPayload.equals(png)).toBe(true)
    expect((await w.contactA.get(internal.downloadUrl)).statusCode).toBe(404)
    expect((await w.agent.get(internal.downloadUrl)).statusCode).toBe(200)
    expect((await w.contactB.get(photo.downloadUrl)).statusCode).toBe(404)
    expect((await ok<{ items: unknown[] }>(w.contactA.get(`/api/tickets/${t.id}/attachments`))).items).toHaveLength(1)

    // a reply carries an uploaded file; a file is used by one message only
    const m = await ok<{ attachments: { id: string }[] }>(
      w.contactA.post(`/api/tickets/${t.id}/messages`, { body: '补充照片', attachmentIds: [photo.id] }),
      201,
    )
    expect(m.attachments.map((a) => a.id)).toEqual([photo.id])
    expect((await w.contactA.post(`/api/tickets/${t.id}/messages`, { body: '再发一次', attachmentIds: [photo.id] })).statusCode).toBe(422)
    const timeline = await ok<{ items: { kind: string }[] }>(w.agent.get(`/api/tickets/${t.id}/timeline`))
    expect(timeline.items.filter((e) => e.kind === 'attachment_added')).toHaveLength(2)

    // limits come from the tenant settings: per file, and per ticket
    await ok(w.admin.patch('/api/tickets/settings', { maxAttachmentBytes: 100, maxTicketAttachmentBytes: png.length + 150 }))
    try {
      const big = await upload(w.agent, t.id, [{ name: 'big.bin', bytes: Buffer.alloc(101, 1) }])
      expect(big.statusCode).toBe(413)
      expect(big.json().issues[0].path).toBe('file')
      const over = await upload(w.agent, t.id, [
        { name: 'a.bin', bytes: Buffer.alloc(90, 1) },
        { name: 'b.bin', bytes: Buffer.alloc(90, 2) },
      ])
      expect(over.statusCode).toBe(422)
      expect(over.json().code).toBe('quota_exceeded')
    } finally {
      await ok(
        w.admin.patch('/api/tickets/settings', { maxAttachmentBytes: 50 * 1024 * 1024, maxTicketAttachmentBytes: 200 * 1024 * 1024 }),
      )
    }
    expect((await ok<{ items: unknown[] }>(w.agent.get(`/api/tickets/${t.id}/attachments`))).items).toHaveLength(2)
  })
})

describe('merge, split and links', () => {
  it('merges a duplicate: messages and attachments move, the duplicate is closed and points at the survivor', async () => {
    const keep = await newTicket(w, { subject: '会议室投影仪无信号' })
    const dup = await newTicket(w, { subject: '投影仪没有信号' })
    await ok(w.agent.post(`/api/tickets/${dup.id}/messages`, { body: '客户补充：HDMI线已更换仍无信号' }), 201)
    await upload(w.agent, dup.id, [{ name: 'photo.png', bytes: png }])
    const merged = await ok<TicketJson>(w.agent.post(`/api/tickets/${dup.id}/merge`, { intoId: keep.id }))
    expect(merged.id).toBe(keep.id)
    const old = await ok<TicketJson>(w.agent.get(`/api/tickets/${dup.id}`))
    expect(old).toMatchObject({ status: 'closed', mergedIntoId: keep.id })
    expect((await ok<{ items: { body: string }[] }>(w.agent.get(`/api/tickets/${keep.id}/messages`))).items.map((m) => m.body)).toEqual([
      '客户补充：HDMI线已更换仍无信号',
    ])
    const files = await ok<{ items: { downloadUrl: string }[] }>(w.agent.get(`/api/tickets/${keep.id}/attachments`))
    expect(files.items).toHaveLength(1)
    expect((await w.agent.get(files.items[0]!.downloadUrl)).statusCode).toBe(200)
    // the survivor is found by the duplicate's words (and the closed duplicate still by its own)
    const found = await ok<{ items: { id: string }[] }>(w.agent.get(`/api/tickets?q=${encodeURIComponent('HDMI')}`))
    expect(found.items.map((t) => t.id).sort()).toEqual([keep.id, dup.id].sort())
    const open = await ok<{ items: { id: string }[] }>(
      w.agent.get(`/api/tickets?q=${encodeURIComponent('HDMI')}&status=new,assigned,in_progress`),
    )
    expect(open.items.map((t) => t.id)).toEqual([keep.id])
    expect((await w.agent.post(`/api/tickets/${dup.id}/merge`, { intoId: keep.id })).statusCode).toBe(409)
    const other = await ok<TicketJson>(
      w.agent.post('/api/tickets', { subject: '别家', typeId: w.types.repair, customerId: w.customerB }),
      201,
    )
    const cross = await w.agent.post(`/api/tickets/${other.id}/merge`, { intoId: keep.id })
    expect(cross.statusCode).toBe(422)
    expect(cross.json().issues[0].path).toBe('intoId')
  })

  it('splits chosen messages into a new related ticket', async () => {
    const t = await newTicket(w, { subject: '空调和打印机都有问题' })
    const m1 = await ok<{ id: string }>(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '空调：不制冷' }), 201)
    const m2 = await ok<{ id: string }>(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '打印机：卡纸' }), 201)
    const created = await ok<TicketJson>(w.agent.post(`/api/tickets/${t.id}/split`, { subject: '打印机卡纸', messageIds: [m2.id] }), 201)
    expect(created).toMatchObject({ customerId: w.customerA, subject: '打印机卡纸', typeId: w.types.repair })
    expect(created.number).not.toBe(t.number)
    expect((await ok<{ items: { id: string }[] }>(w.agent.get(`/api/tickets/${t.id}/messages`))).items.map((m) => m.id)).toEqual([m1.id])
    expect((await ok<{ items: { id: string }[] }>(w.agent.get(`/api/tickets/${created.id}/messages`))).items.map((m) => m.id)).toEqual([
      m2.id,
    ])
    expect(
      (await ok<{ items: { kind: string; ticket: { id: string } }[] }>(w.agent.get(`/api/tickets/${t.id}/links`))).items,
    ).toMatchObject([{ kind: 'related', ticket: { id: created.id } }])
    const foreign = await w.agent.post(`/api/tickets/${t.id}/split`, { subject: 'x', messageIds: [m2.id] })
    expect(foreign.statusCode).toBe(422)
  })

  it('links parent and child (one parent, no cycles) and related tickets', async () => {
    const [a, b, c] = [await newTicket(w), await newTicket(w), await newTicket(w)]
    const links = await ok<{ items: { id: string; kind: string; ticket: { id: string } }[] }>(
      w.agent.post(`/api/tickets/${a.id}/links`, { ticketId: b.id, kind: 'child' }),
      201,
    )
    expect(links.items).toMatchObject([{ kind: 'child', ticket: { id: b.id } }])
    expect((await ok<{ items: { kind: string }[] }>(w.agent.get(`/api/tickets/${b.id}/links`))).items).toMatchObject([{ kind: 'parent' }])
    await ok(w.agent.post(`/api/tickets/${b.id}/links`, { ticketId: c.id, kind: 'child' }), 201)
    const cycle = await w.agent.post(`/api/tickets/${c.id}/links`, { ticketId: a.id, kind: 'child' })
    expect(cycle.json()).toMatchObject({ code: 'link_cycle' })
    expect((await w.agent.post(`/api/tickets/${c.id}/links`, { ticketId: a.id, kind: 'parent' })).json().code).toBe('already_has_parent')
    expect((await w.agent.post(`/api/tickets/${a.id}/links`, { ticketId: b.id, kind: 'related' })).json().code).toBe('already_linked')
    expect((await w.agent.post(`/api/tickets/${a.id}/links`, { ticketId: a.id, kind: 'related' })).statusCode).toBe(422)
    const removed = await ok<{ items: unknown[] }>(w.agent.delete(`/api/tickets/${a.id}/links/${links.items[0]!.id}`))
    expect(removed.items).toEqual([])
  })
})
