// Duplicates and relations: merge a duplicate into another ticket, split a ticket in two, and
// link tickets (parent/child, related).
import type { TicketStatus } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { Actor, RequestContext } from '../../platform/http/access.ts'
import type { createTicketCreation } from './create.ts'
import type { TicketLifecycle } from './lifecycle.ts'
import { unionTokens } from './search.ts'
import { createTicketRecorder, readableTicket, whoOf, type TicketDeps, type Who } from './ticket-writes.ts'
import { canReadTicket } from './tickets.policy.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { TicketRow } from './tickets.tables.ts'

export type LinkKind = 'parent' | 'child' | 'related'
export interface LinkView {
  id: string
  kind: LinkKind
  ticket: { id: string; number: string; subject: string; status: TicketStatus }
}

const finished = (s: TicketStatus) => s === 'closed' || s === 'cancelled'

export function createTicketRelations(deps: TicketDeps, lifecycle: TicketLifecycle, creation: ReturnType<typeof createTicketCreation>) {
  const { database, clock } = deps
  const record = createTicketRecorder(deps)

  /** Both tickets locked in id order (two merges crossing each other must not deadlock), both writable by the actor. */
  async function lockPair(tx: DbOrTx, actor: Actor, a: string, b: string): Promise<[TicketRow, TicketRow]> {
    if (a === b) throw ValidationError.field('ticketId', 'a ticket cannot be related to itself')
    const [first, second] = a < b ? [a, b] : [b, a]
    const r1 = await readableTicket(tx, actor, first, { lock: true })
    const r2 = await readableTicket(tx, actor, second, { lock: true })
    const [ra, rb] = a < b ? [r1, r2] : [r2, r1]
    lifecycle.assertWork(actor, ra)
    return [ra, rb]
  }

  async function recordLink(tx: DbOrTx, who: Who, a: TicketRow, b: TicketRow, kind: 'linked' | 'unlinked', linkKind: string) {
    await record.timeline(tx, a, who, kind, { ticketId: b.id, number: b.number, kind: linkKind }, 'internal')
    await record.timeline(tx, b, who, kind, { ticketId: a.id, number: a.number, kind: linkKind }, 'internal')
    await record.audit(tx, a, who, `ticket.${kind}`, undefined, { ticketId: b.id, kind: linkKind })
    await record.publish(tx, a, who, 'ticket.updated', { ticketId: a.id, fields: ['links'] })
    await record.publish(tx, b, who, 'ticket.updated', { ticketId: b.id, fields: ['links'] })
  }

  return {
    /**
     * Merges duplicate `id` into `intoId` (same customer): its messages, attachments and watchers
     * move, it is closed with a pointer to the surviving ticket. Returns the surviving ticket.
     */
    async merge(ctx: RequestContext, id: string, intoId: string): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        if (id === intoId) throw ValidationError.field('intoId', 'a ticket cannot be merged into itself')
        const [source, target] = await lockPair(tx, ctx.actor, id, intoId)
        lifecycle.assertWork(ctx.actor, target)
        if (source.customerId !== target.customerId)
          throw ValidationError.field('intoId', 'tickets of different customers cannot be merged')
        if (source.mergedIntoId || finished(source.status))
          throw new ConflictError('ticket_finished', `Ticket ${source.number} is already ${source.mergedIntoId ? 'merged' : source.status}`)
        if (finished(target.status))
          throw new ConflictError('ticket_finished', `Ticket ${target.number} is ${target.status}; merge into an open ticket`)
        const who = await whoOf(tx, ctx)
        const now = clock.now()
        await repo.moveMessages(tx, source.id, target.id)
        for (const userId of await repo.watcherIds(tx, source.id)) await repo.addWatcher(tx, target.tenantId, target.id, userId, now)
        const merged = await repo.update(tx, target.id, {
          updatedAt: now,
          searchPublic: unionTokens(target.searchPublic, source.searchPublic),
          searchInternal: unionTokens(target.searchInternal, source.searchInternal),
          tags: [...new Set([...target.tags, ...source.tags])],
        })
        const reason = `merged into ${target.number}`
        const closed = await repo.update(tx, source.id, { status: 'closed', closedAt: now, mergedIntoId: target.id, updatedAt: now })
        await record.timeline(tx, closed, who, 'merged', { intoId: target.id, number: target.number }, 'public', now)
        await record.timeline(tx, closed, who, 'status_changed', { from: source.status, to: 'closed', reason }, 'public', now)
        await record.timeline(tx, merged, who, 'merged', { fromId: source.id, number: source.number }, 'public', now)
        await record.audit(tx, closed, who, 'ticket.merged', { status: source.status }, { status: 'closed', mergedIntoId: target.id })
        await record.publish(tx, closed, who, 'ticket.status_changed', {
          ticketId: closed.id,
          from: source.status,
          to: 'closed',
          reason,
          at: now.toISOString(),
        })
        await record.publish(tx, closed, who, 'ticket.updated', { ticketId: closed.id, fields: ['mergedIntoId'] })
        await record.publish(tx, merged, who, 'ticket.updated', { ticketId: merged.id, fields: ['messages', 'tags'] })
        return merged
      })
    },

    /** Splits part of a ticket into a new one for the same customer (linked as related); chosen messages move. */
    async split(ctx: RequestContext, id: string, body: { subject: string; description: string; messageIds: string[] }): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const source = await readableTicket(tx, ctx.actor, id, { lock: true })
        lifecycle.assertWork(ctx.actor, source)
        if (source.mergedIntoId || finished(source.status))
          throw new ConflictError('ticket_finished', `Ticket ${source.number} is ${source.status}`)
        const messageIds = [...new Set(body.messageIds)]
        const found = await repo.messagesByIds(tx, source.id, messageIds)
        if (found.length !== messageIds.length)
          throw ValidationError.field('messageIds', 'every message must belong to the ticket being split')
        const who = await whoOf(tx, ctx)
        const created = await creation.insertTicket(
          tx,
          source.tenantId,
          {
            subject: body.subject,
            description: body.description,
            typeId: source.typeId,
            customerId: source.customerId,
            channel: source.channel,
            impact: source.impact,
            urgency: source.urgency,
            priority: source.priority,
            tags: source.tags,
            ...(source.categoryId ? { categoryId: source.categoryId, customFields: source.customFields } : {}),
            ...(source.deviceId ? { deviceId: source.deviceId } : {}),
            ...(source.queueId ? { queueId: source.queueId } : {}),
            ...(source.assigneeId ? { assigneeId: source.assigneeId } : {}),
            ...(source.requesterId ? { requesterId: source.requesterId } : {}),
            ...(source.requesterName ? { requesterName: source.requesterName } : {}),
            ...(source.requesterPhone ? { requesterPhone: source.requesterPhone } : {}),
            ...(source.requesterEmail ? { requesterEmail: source.requesterEmail } : {}),
          },
          who,
        )
        await repo.moveMessages(tx, source.id, created.id, messageIds)
        const now = clock.now()
        await repo.insertLink(tx, {
          tenantId: source.tenantId,
          fromTicketId: source.id,
          toTicketId: created.id,
          kind: 'related',
          createdBy: who.userId,
          createdAt: now,
        })
        const updated = await repo.update(tx, source.id, { updatedAt: now })
        await record.timeline(tx, updated, who, 'split', { toId: created.id, number: created.number, messageIds }, 'public', now)
        await record.timeline(tx, created, who, 'split', { fromId: source.id, number: source.number, messageIds }, 'public', now)
        await record.audit(tx, updated, who, 'ticket.split', undefined, { toId: created.id, messageIds })
        await record.publish(tx, updated, who, 'ticket.updated', { ticketId: updated.id, fields: ['messages', 'links'] })
        return created
      })
    },

    /** Tickets linked to this one that the actor may see, with what each is to this ticket. */
    async links(ctx: RequestContext, id: string): Promise<LinkView[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await readableTicket(tx, ctx.actor, id)
        const links = await repo.links(tx, id)
        const others = await repo.summariesByIds(
          tx,
          links.map((l) => (l.fromTicketId === id ? l.toTicketId : l.fromTicketId)),
        )
        return links.flatMap((l) => {
          const otherId = l.fromTicketId === id ? l.toTicketId : l.fromTicketId
          const other = others.find((o) => o.id === otherId)
          if (!other || !canReadTicket(ctx.actor, other, false)) return []
          const kind: LinkKind = l.kind === 'related' ? 'related' : l.fromTicketId === id ? 'child' : 'parent'
          return [{ id: l.id, kind, ticket: { id: other.id, number: other.number, subject: other.subject, status: other.status } }]
        })
      })
    },

    /** Links `ticketId` to this ticket as its parent, child, or a related ticket. */
    async link(ctx: RequestContext, id: string, body: { ticketId: string; kind: LinkKind }): Promise<void> {
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const [self, other] = await lockPair(tx, ctx.actor, id, body.ticketId)
        if (await repo.findLinkBetween(tx, self.id, other.id))
          throw new ConflictError('already_linked', `Tickets ${self.number} and ${other.number} are already linked`)
        const [parent, child] = body.kind === 'parent' ? [other, self] : [self, other]
        if (body.kind !== 'related') {
          if (await repo.parentOf(tx, child.id))
            throw new ConflictError('already_has_parent', `Ticket ${child.number} already has a parent`)
          // the parent must not descend from the child
          for (let at: string | undefined = parent.id, depth = 0; at && depth < 100; at = await repo.parentOf(tx, at), depth++)
            if (at === child.id) throw new ConflictError('link_cycle', `Ticket ${parent.number} descends from ${child.number}`)
        }
        const who = await whoOf(tx, ctx)
        await repo.insertLink(tx, {
          tenantId: self.tenantId,
          fromTicketId: body.kind === 'related' ? self.id : parent.id,
          toTicketId: body.kind === 'related' ? other.id : child.id,
          kind: body.kind === 'related' ? 'related' : 'parent_child',
          createdBy: who.userId,
          createdAt: clock.now(),
        })
        await recordLink(tx, who, self, other, 'linked', body.kind)
      })
    },

    async unlink(ctx: RequestContext, id: string, linkId: string): Promise<void> {
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const link = await repo.findLink(tx, linkId)
        if (!link || (link.fromTicketId !== id && link.toTicketId !== id)) throw new NotFoundError('link', linkId)
        const otherId = link.fromTicketId === id ? link.toTicketId : link.fromTicketId
        const [self, other] = await lockPair(tx, ctx.actor, id, otherId)
        const who = await whoOf(tx, ctx)
        await repo.deleteLink(tx, link.id)
        await recordLink(tx, who, self, other, 'unlinked', link.kind)
      })
    },
  }
}
