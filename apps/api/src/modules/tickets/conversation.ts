// The conversation around a ticket: public replies and internal notes (with @mentions), watchers,
// and the timeline. Customers see public replies and the public part of the timeline only.
import type { MessageVisibility } from '@aftercare/contracts'
import { ConflictError, ForbiddenError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { isActiveWithRole } from '../identity/index.ts'
import { staffRoles } from './create.ts'
import { appendTokens } from './search.ts'
import { statusAfterCustomerReply } from './status.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { createTicketRecorder, readableTicket, ticketForWrite, whoOf, type TicketDeps, type Who } from './ticket-writes.ts'
import { canPostMessage, canWatchSelf, canWorkTicket, isStaff, seesInternal } from './tickets.policy.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { NewTicketRow, TicketAttachmentRow, TicketMessageRow, TicketRow, TicketTimelineRow } from './tickets.tables.ts'

export type MessageWithAttachments = TicketMessageRow & { attachments: TicketAttachmentRow[] }

export function createTicketConversation(deps: TicketDeps) {
  const { database, clock } = deps
  const record = createTicketRecorder(deps)

  /**
   * Adds a public reply or an internal note in the caller's transaction (the checks of who may post
   * are the caller's). A customer's reply ends a wait for the customer; the first public reply of an
   * agent is the first response; mentioned users are notified.
   */
  async function applyMessage(
    tx: DbOrTx,
    t: TicketRow,
    who: Who,
    body: { body: string; visibility: MessageVisibility; mentionUserIds: string[]; attachmentIds?: string[] },
  ): Promise<{ message: MessageWithAttachments; ticket: TicketRow }> {
    if (who.type === 'customer' && (t.status === 'closed' || t.status === 'cancelled'))
      throw new ConflictError('ticket_finished', `Ticket ${t.number} is ${t.status}; reopen it to continue the conversation`)
    const mentions = [...new Set(body.mentionUserIds)]
    if (mentions.length && who.type === 'customer') throw ValidationError.field('mentionUserIds', 'customers cannot mention users')
    for (const userId of mentions)
      if (!(await isActiveWithRole(tx, t.tenantId, userId, staffRoles)))
        throw ValidationError.field('mentionUserIds', `user ${userId} cannot be mentioned`)
    const now = clock.now()
    const message = await repo.insertMessage(tx, {
      tenantId: t.tenantId,
      ticketId: t.id,
      body: body.body,
      visibility: body.visibility,
      authorType: who.type,
      authorId: who.userId,
      authorName: who.name,
      mentionUserIds: mentions,
      createdAt: now,
    })
    const attachmentIds = [...new Set(body.attachmentIds ?? [])]
    if ((await repo.attachToMessage(tx, t.id, message.id, body.visibility, attachmentIds)) !== attachmentIds.length)
      throw ValidationError.field('attachmentIds', 'attach files uploaded to this ticket and not yet used by another message')
    const patch: Partial<NewTicketRow> = { updatedAt: now }
    if (body.visibility === 'public') patch.searchPublic = appendTokens(t.searchPublic, body.body)
    else patch.searchInternal = appendTokens(t.searchInternal, body.body)
    if (who.type === 'agent' && body.visibility === 'public' && !t.firstResponseAt) patch.firstResponseAt = now
    const status = who.type === 'customer' ? statusAfterCustomerReply(t.status) : t.status
    if (status !== t.status) patch.status = status
    const row = await repo.update(tx, t.id, patch)
    await record.timeline(tx, row, who, 'message', { messageId: message.id, visibility: body.visibility }, body.visibility, now)
    await record.audit(tx, row, who, 'ticket.message_added', undefined, {
      messageId: message.id,
      visibility: body.visibility,
      mentionUserIds: mentions,
    })
    await record.publish(tx, row, who, 'ticket.message_added', {
      ticketId: row.id,
      messageId: message.id,
      visibility: body.visibility,
      authorType: who.type,
      at: now.toISOString(),
    })
    if (mentions.length)
      await record.publish(tx, row, who, 'ticket.mentioned', { ticketId: row.id, messageId: message.id, userIds: mentions })
    if (status !== t.status) {
      const reason = 'customer replied'
      await record.timeline(tx, row, who, 'status_changed', { from: t.status, to: status, reason }, 'public', now)
      await record.audit(tx, row, who, 'ticket.status_changed', { status: t.status }, { status, reason })
      await record.publish(tx, row, who, 'ticket.status_changed', {
        ticketId: row.id,
        from: t.status,
        to: status,
        reason,
        at: now.toISOString(),
      })
    }
    const attachments = attachmentIds.length ? (await repo.listAttachments(tx, t.id, true)).filter((x) => x.messageId === message.id) : []
    return { message: { ...message, attachments }, ticket: row }
  }

  return {
    applyMessage,
    /**
     * Adds a public reply or an internal note. A customer's reply ends a wait for the customer;
     * the first public reply of an agent is the first response; mentioned users are notified.
     */
    async addMessage(
      ctx: RequestContext,
      id: string,
      body: { body: string; visibility: MessageVisibility; mentionUserIds: string[]; attachmentIds?: string[] },
    ): Promise<{ message: MessageWithAttachments; ticket: TicketRow }> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id)
        if (!canPostMessage(ctx.actor, t, body.visibility))
          throw new ForbiddenError(
            body.visibility === 'internal' ? 'Only the service desk writes internal notes' : 'You may not reply on this ticket',
          )
        return applyMessage(tx, t, await whoOf(tx, ctx), body)
      })
    },

    /** The conversation, oldest first; customers get public replies only. */
    async messages(ctx: RequestContext, id: string): Promise<MessageWithAttachments[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await readableTicket(tx, ctx.actor, id)
        const internal = seesInternal(ctx.actor)
        const [messages, attachments] = await Promise.all([repo.listMessages(tx, id, internal), repo.listAttachments(tx, id, internal)])
        return messages.map((m) => ({ ...m, attachments: attachments.filter((a) => a.messageId === m.id) }))
      })
    },

    async timeline(ctx: RequestContext, id: string): Promise<TicketTimelineRow[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await readableTicket(tx, ctx.actor, id)
        return repo.listTimeline(tx, id, seesInternal(ctx.actor))
      })
    },

    /** Adds a watcher (the caller by default, if canWatchSelf; someone else only by those who may work the ticket). */
    async watch(ctx: RequestContext, id: string, userId = ctx.actor.userId): Promise<string[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await readableTicket(tx, ctx.actor, id)
        if (!isStaff(ctx.actor)) throw new ForbiddenError('Customers are kept informed without watching')
        if (userId === ctx.actor.userId && !canWatchSelf(ctx.actor))
          throw new ForbiddenError('The service desk adds engineers and service providers as watchers')
        if (userId !== ctx.actor.userId && !canWorkTicket(ctx.actor, t))
          throw new ForbiddenError('Only the service desk adds other watchers')
        if (!(await isActiveWithRole(tx, t.tenantId, userId, staffRoles)))
          throw ValidationError.field('userId', 'this user cannot watch tickets')
        const who = await whoOf(tx, ctx)
        if (await repo.addWatcher(tx, t.tenantId, t.id, userId, clock.now())) {
          await record.timeline(tx, t, who, 'watcher_added', { userId }, 'internal')
          await record.audit(tx, t, who, 'ticket.watcher_added', undefined, { userId })
          await record.publish(tx, t, who, 'ticket.updated', { ticketId: t.id, fields: ['watcherIds'] })
        }
        return repo.watcherIds(tx, t.id)
      })
    },

    async unwatch(ctx: RequestContext, id: string, userId: string): Promise<string[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await readableTicket(tx, ctx.actor, id)
        if (!isStaff(ctx.actor)) throw new ForbiddenError()
        if (userId !== ctx.actor.userId && !canWorkTicket(ctx.actor, t))
          throw new ForbiddenError('Only the service desk removes other watchers')
        const who = await whoOf(tx, ctx)
        if (await repo.removeWatcher(tx, t.id, userId)) {
          await record.timeline(tx, t, who, 'watcher_removed', { userId }, 'internal')
          await record.audit(tx, t, who, 'ticket.watcher_removed', { userId }, undefined)
          await record.publish(tx, t, who, 'ticket.updated', { ticketId: t.id, fields: ['watcherIds'] })
        }
        return repo.watcherIds(tx, t.id)
      })
    },
  }
}
export type TicketConversation = ReturnType<typeof createTicketConversation>
