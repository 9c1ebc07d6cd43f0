// Rows → API shapes (contracts). No database types leave the module.
import type {
  PriorityMatrix,
  SavedView,
  Ticket,
  TicketAttachment,
  TicketCategory,
  TicketListItem,
  TicketMacro,
  TicketMessage,
  TicketQueue,
  TicketSettings,
  TicketType,
  TimelineEntry,
  TimelineKind,
} from '@aftercare/contracts'
import { TicketFilterValues } from '@aftercare/contracts'
import type { MessageWithAttachments } from './conversation.ts'
import type { QueueWithMembers } from './ticket-config.repository.ts'
import type { TicketListRow } from './tickets.repository.ts'
import type { TicketDetail } from './tickets.service.ts'
import type {
  TicketAttachmentRow,
  TicketCategoryRow,
  TicketMacroRow,
  TicketSettingsRow,
  TicketTimelineRow,
  TicketTypeRow,
  TicketViewRow,
} from './tickets.tables.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function toTicketListItem(r: TicketListRow): TicketListItem {
  return {
    id: r.id,
    number: r.number,
    subject: r.subject,
    status: r.status,
    priority: r.priority,
    tier: r.tier,
    channel: r.channel,
    typeId: r.typeId,
    categoryId: r.categoryId,
    customerId: r.customerId,
    deviceId: r.deviceId,
    queueId: r.queueId,
    assigneeId: r.assigneeId,
    tags: r.tags,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  }
}

export function toTicketDto(r: TicketDetail, viewerId: string): Ticket {
  return {
    ...toTicketListItem(r),
    description: r.description,
    impact: r.impact,
    urgency: r.urgency,
    requesterId: r.requesterId,
    requesterName: r.requesterName,
    requesterPhone: r.requesterPhone,
    requesterEmail: r.requesterEmail,
    customFields: r.customFields,
    resolution: r.resolution,
    mergedIntoId: r.mergedIntoId,
    reopenCount: r.reopenCount,
    createdBy: r.createdBy,
    firstResponseAt: iso(r.firstResponseAt),
    resolvedAt: iso(r.resolvedAt),
    closedAt: iso(r.closedAt),
    watching: r.watcherIds.includes(viewerId),
    mayWatch: r.mayWatch,
    watcherIds: r.watcherIds,
    allowedTransitions: r.allowedTransitions,
  }
}

export function toAttachmentDto(a: TicketAttachmentRow): TicketAttachment {
  return {
    id: a.id,
    ticketId: a.ticketId,
    messageId: a.messageId,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    visibility: a.visibility,
    uploadedBy: a.uploadedBy,
    createdAt: a.createdAt.toISOString(),
    downloadUrl: `/api/tickets/${a.ticketId}/attachments/${a.id}`,
  }
}

export function toMessageDto(m: MessageWithAttachments): TicketMessage {
  return {
    id: m.id,
    ticketId: m.ticketId,
    body: m.body,
    visibility: m.visibility,
    authorType: m.authorType,
    authorId: m.authorId,
    authorName: m.authorName,
    mentionUserIds: m.mentionUserIds,
    attachments: m.attachments.map(toAttachmentDto),
    createdAt: m.createdAt.toISOString(),
  }
}

export function toTimelineDto(e: TicketTimelineRow): TimelineEntry {
  return {
    id: e.id,
    kind: e.kind as TimelineKind,
    visibility: e.visibility,
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: e.actorName,
    data: e.data,
    at: e.at.toISOString(),
  }
}

export const toTypeDto = (t: TicketTypeRow): TicketType => ({
  id: t.id,
  code: t.code,
  name: t.name,
  description: t.description,
  active: t.active,
  sortOrder: t.sortOrder,
})

export const toCategoryDto = (c: TicketCategoryRow): TicketCategory => ({
  id: c.id,
  parentId: c.parentId,
  name: c.name,
  typeId: c.typeId,
  defaultQueueId: c.defaultQueueId,
  form: c.form,
  active: c.active,
  sortOrder: c.sortOrder,
  version: c.version,
})

export const toQueueDto = (q: QueueWithMembers): TicketQueue => ({
  id: q.id,
  name: q.name,
  description: q.description,
  tier: q.tier,
  memberIds: q.memberIds,
  active: q.active,
})

export const toSettingsDto = (s: TicketSettingsRow): TicketSettings => ({
  numberFormat: s.numberFormat,
  reopenDays: s.reopenDays,
  maxAttachmentBytes: s.maxAttachmentBytes,
  maxTicketAttachmentBytes: s.maxTicketAttachmentBytes,
})

export const toMatrixDto = (s: TicketSettingsRow): PriorityMatrix => ({ matrix: s.priorityMatrix })

export const toViewDto = (v: TicketViewRow): SavedView => ({
  id: v.id,
  name: v.name,
  ownerId: v.ownerId,
  shared: v.shared,
  filters: TicketFilterValues.parse(v.filters),
  sort: v.sort as SavedView['sort'],
  order: v.sortOrder,
  createdAt: v.createdAt.toISOString(),
})

export const toMacroDto = (m: TicketMacroRow): TicketMacro => ({
  id: m.id,
  name: m.name,
  body: m.body,
  actions: m.actions,
  shared: m.ownerId === null,
  ownerId: m.ownerId,
  updatedAt: m.updatedAt.toISOString(),
  version: m.version,
})
