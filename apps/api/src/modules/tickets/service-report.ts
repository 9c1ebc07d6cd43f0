// The service report (服务报告): when a ticket closes, a worker listener renders the PDF (number,
// customer, device, resolution notes, a summary of the timeline, in Chinese) and attaches it to the
// ticket as a public attachment — downloadable by whoever may read the ticket. The close request
// itself stays fast; the listener's effect is exactly-once (processedOnce in the attaching transaction).
import { randomUUID } from 'node:crypto'
import { ticketEvents, type TicketStatus } from '@aftercare/contracts'
import { sql } from 'drizzle-orm'
import { rows, type DbOrTx } from '../../platform/db/index.ts'
import { processedOnce } from '../../platform/events/idempotency.ts'
import type { DeliveredEvent, EventListener } from '../../platform/events/types.ts'
import { renderServiceReport, type ServiceReportInput } from '../../platform/pdf/index.ts'
import { findUserSummary } from '../identity/index.ts'
import { createTicketRecorder, systemWho, type TicketDeps } from './ticket-writes.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { TicketRow, TicketTimelineRow } from './tickets.tables.ts'

export const SERVICE_REPORT_LISTENER = 'tickets.serviceReport'

const statusZh: Record<TicketStatus, string> = {
  new: '待分配',
  assigned: '已分配',
  in_progress: '处理中',
  pending_customer: '待客户反馈',
  pending_parts: '待备件',
  pending_third_party: '待第三方',
  resolved: '已解决',
  closed: '已关闭',
  cancelled: '已取消',
}
const warrantyZh: Record<string, string> = { in_warranty: '保内', under_contract: '服务合同保障', expired: '已过保', unknown: '未知' }

const shanghai = (d: Date) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d)

/** The public timeline as a few lines: created, status moves, assignments, replies counted. */
export function timelineSummary(entries: readonly TicketTimelineRow[]): string {
  const lines: string[] = []
  let replies = 0
  for (const e of entries) {
    const who = e.actorName ?? (e.actorType === 'system' ? '系统' : e.actorType === 'customer' ? '客户' : '客服')
    const data = e.data as { from?: TicketStatus; to?: TicketStatus; reason?: string | null }
    if (e.kind === 'created') lines.push(`${shanghai(e.at)}  ${who} 创建工单`)
    else if (e.kind === 'status_changed' && data.from && data.to)
      lines.push(`${shanghai(e.at)}  ${who}：${statusZh[data.from]} → ${statusZh[data.to]}${data.reason ? `（${data.reason}）` : ''}`)
    else if (e.kind === 'confirmed') lines.push(`${shanghai(e.at)}  ${who} 确认解决`)
    else if (e.kind === 'message') replies++
  }
  if (replies) lines.push(`沟通记录共 ${replies} 条`)
  // the report stays one or two pages: the first moves and the last ones
  return (lines.length > 14 ? [...lines.slice(0, 6), '……', ...lines.slice(-7)] : lines).join('\n')
}

export function serviceReportListener(deps: TicketDeps): EventListener {
  const { database, files, clock, neighbours } = deps
  const record = createTicketRecorder(deps)

  async function reportInput(tx: DbOrTx, t: TicketRow): Promise<ServiceReportInput> {
    const [tenant] = await rows<{ name: string }>(tx, sql`select name from tenants where id = ${t.tenantId}`)
    const customer = await neighbours.findCustomer(tx, t.tenantId, t.customerId)
    const device = t.deviceId ? await neighbours.findDevice(tx, t.tenantId, t.deviceId) : undefined
    const engineer = t.assigneeId ? await findUserSummary(tx, t.tenantId, t.assigneeId) : undefined
    const timeline = await repo.listTimeline(tx, t.id, false)
    const confirmed = [...timeline].reverse().find((e) => e.kind === 'confirmed')
    const summary = timelineSummary(timeline)
    return {
      locale: 'zh-CN',
      generatedAt: clock.now(),
      company: { name: tenant?.name ?? '售后服务' },
      ticketNumber: t.number,
      customer: {
        name: customer?.name ?? '—',
        ...(t.requesterName ? { contact: t.requesterName } : {}),
      },
      ...(device
        ? {
            device: {
              ...(device.product ? { name: device.product.name, model: device.product.model } : {}),
              ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}),
              ...(device.warrantyState ? { warranty: warrantyZh[device.warrantyState] ?? device.warrantyState } : {}),
            },
          }
        : {}),
      problem: [t.subject, t.description].filter((s) => s.trim()).join('\n'),
      ...(t.resolution ? { cause: t.resolution.cause, actions: t.resolution.actions, suggestions: t.resolution.suggestions } : {}),
      ...(engineer ? { engineer: { name: engineer.name } } : {}),
      times: {
        reportedAt: t.createdAt,
        ...(t.resolvedAt ? { resolvedAt: t.resolvedAt } : {}),
        ...(t.closedAt ? { closedAt: t.closedAt } : {}),
      },
      ...(summary ? { extraFields: [{ label: '处理过程', value: summary }] } : {}),
      ...(confirmed
        ? {
            confirmation: {
              ...(confirmed.actorName ? { name: confirmed.actorName } : {}),
              at: confirmed.at,
              ...((confirmed.data as { comment?: string }).comment ? { comment: (confirmed.data as { comment: string }).comment } : {}),
            },
          }
        : {}),
    }
  }

  return {
    name: SERVICE_REPORT_LISTENER,
    events: ['ticket.status_changed'],
    async handle(event: DeliveredEvent) {
      const payload = ticketEvents['ticket.status_changed'].parse(event.payload)
      if (payload.to !== 'closed') return
      const prepared = await database.withTenant(event.tenantId, async (tx) => {
        const t = await repo.findById(tx, payload.ticketId)
        // gone, reopened meanwhile, or closed by a merge (the surviving ticket gets the report)
        if (!t || t.status !== 'closed' || t.mergedIntoId) return undefined
        return { ticket: t, input: await reportInput(tx, t) }
      })
      if (!prepared) return
      const { ticket, input } = prepared
      const pdf = await renderServiceReport(input)
      const key = `${ticket.tenantId}/tickets/${ticket.id}/${randomUUID()}`
      const stored = await files.put(key, pdf, { contentType: 'application/pdf' })
      let attached = false
      try {
        attached = await database.withTenant(event.tenantId, async (tx) => {
          if (!(await processedOnce(tx, SERVICE_REPORT_LISTENER, event))) return false
          const t = await repo.lock(tx, ticket.id)
          if (!t) return false
          const now = clock.now()
          const fileName = `服务报告-${t.number}.pdf`
          const row = await repo.insertAttachment(tx, {
            tenantId: t.tenantId,
            ticketId: t.id,
            messageId: null,
            visibility: 'public',
            file: { key, fileName, contentType: 'application/pdf', size: stored.size, sha256: stored.sha256 },
            uploadedBy: null,
            now,
          })
          await record.timeline(
            tx,
            t,
            systemWho,
            'attachment_added',
            { attachmentId: row.id, fileName, size: row.size, report: true },
            'public',
            now,
          )
          await record.audit(tx, t, systemWho, 'ticket.service_report_attached', undefined, {
            attachmentId: row.id,
            fileName,
            size: row.size,
            sha256: row.sha256,
          })
          await record.publish(tx, t, systemWho, 'ticket.updated', { ticketId: t.id, fields: ['attachments'] })
          return true
        })
      } finally {
        if (!attached) await files.delete(key)
      }
    },
  }
}
