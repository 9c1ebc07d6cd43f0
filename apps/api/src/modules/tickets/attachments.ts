// Ticket attachments through the platform file storage: uploads limited per file and per ticket
// (tenant settings, 50 MB / 200 MB by default), type sniffed, names sanitised; downloads checked
// against the ticket's permissions (a customer never gets an internal attachment).
import { MessageVisibility } from '@aftercare/contracts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import { assertWithinQuota, discardUploads, receiveUploads, sendStoredFile } from '../../platform/files/index.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import { createTicketRecorder, readableTicket, ticketForWrite, whoOf, type TicketDeps } from './ticket-writes.ts'
import { canPostMessage, seesInternal } from './tickets.policy.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { TicketAttachmentRow } from './tickets.tables.ts'

export function createTicketAttachments(deps: TicketDeps) {
  const { database, clock, files: storage } = deps
  const record = createTicketRecorder(deps)

  return {
    /** Stores the files of a multipart request on the ticket (201 with what was stored). */
    async upload(ctx: RequestContext, ticketId: string, req: FastifyRequest): Promise<TicketAttachmentRow[]> {
      const a = ctx.actor
      // who may, and how much room is left, before a byte is stored
      const before = await database.withTenant(a.tenantId, async (tx) => {
        const t = await readableTicket(tx, a, ticketId)
        if (!canPostMessage(a, t, 'public')) throw new ForbiddenError('You may not add files to this ticket')
        return { settings: await config.settings(tx, a.tenantId, clock.now()), usedBytes: await repo.attachmentBytes(tx, ticketId) }
      })
      const received = await receiveUploads(req, {
        storage,
        keyPrefix: `${a.tenantId}/tickets/${ticketId}`,
        maxFileBytes: before.settings.maxAttachmentBytes,
        quota: { usedBytes: before.usedBytes, limitBytes: before.settings.maxTicketAttachmentBytes },
        field: 'file',
      })
      try {
        const visibility = MessageVisibility.safeParse(received.fields.visibility ?? 'public')
        if (!visibility.success) throw ValidationError.field('visibility', 'must be public or internal')
        return await database.withTenant(a.tenantId, async (tx) => {
          const t = await ticketForWrite(tx, a, ticketId)
          if (!canPostMessage(a, t, visibility.data)) throw new ForbiddenError('Only the service desk adds internal files')
          // two uploads at once: the second one re-checks the quota under the ticket's lock
          const used = await repo.attachmentBytes(tx, ticketId)
          const adding = received.files.reduce((n, x) => n + x.size, 0)
          assertWithinQuota(
            'file',
            used,
            adding,
            before.settings.maxTicketAttachmentBytes,
            received.files.map((f) => f.fileName).join(', '),
          )
          const who = await whoOf(tx, ctx)
          const now = clock.now()
          const rows: TicketAttachmentRow[] = []
          for (const file of received.files) {
            const row = await repo.insertAttachment(tx, {
              tenantId: a.tenantId,
              ticketId,
              messageId: null,
              visibility: visibility.data,
              file,
              uploadedBy: who.userId,
              now,
            })
            rows.push(row)
            await record.timeline(
              tx,
              t,
              who,
              'attachment_added',
              { attachmentId: row.id, fileName: row.fileName, size: row.size },
              visibility.data,
              now,
            )
            await record.audit(tx, t, who, 'ticket.attachment_added', undefined, {
              attachmentId: row.id,
              fileName: row.fileName,
              size: row.size,
              sha256: row.sha256,
            })
          }
          const updated = await repo.update(tx, t.id, { updatedAt: now })
          await record.publish(tx, updated, who, 'ticket.updated', { ticketId: t.id, fields: ['attachments'] })
          return rows
        })
      } catch (e) {
        await discardUploads(storage, received.files)
        throw e
      }
    },

    async list(ctx: RequestContext, ticketId: string): Promise<TicketAttachmentRow[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await readableTicket(tx, ctx.actor, ticketId)
        return repo.listAttachments(tx, ticketId, seesInternal(ctx.actor))
      })
    },

    /** Streams an attachment to someone who may read the ticket (and, if internal, internal notes). */
    async download(
      ctx: RequestContext,
      ticketId: string,
      attachmentId: string,
      req: FastifyRequest,
      reply: FastifyReply,
      forceDownload: boolean,
    ) {
      const file = await database.withTenant(ctx.actor.tenantId, async (tx) => {
        await readableTicket(tx, ctx.actor, ticketId)
        const row = await repo.findAttachment(tx, ticketId, attachmentId)
        if (!row || (row.visibility === 'internal' && !seesInternal(ctx.actor))) throw new NotFoundError('attachment', attachmentId)
        return row
      })
      return sendStoredFile(
        req,
        reply,
        storage,
        { key: file.storageKey, fileName: file.fileName, contentType: file.contentType, size: file.size, sha256: file.sha256 },
        { download: forceDownload },
      )
    },
  }
}
export type TicketAttachments = ReturnType<typeof createTicketAttachments>
