// The tickets service: one facade over the use cases, each in the file named by its verb
// (create, lifecycle, conversation, merge, list, ticket-config.service).
import type { CreateTicketBody, TicketResolutionInput, TicketStatus, UpdateTicketBody } from '@aftercare/contracts'
import type { RequestContext } from '../../platform/http/access.ts'
import { createTicketAttachments } from './attachments.ts'
import { createTicketConversation } from './conversation.ts'
import { createTicketCreation } from './create.ts'
import { createTicketLifecycle } from './lifecycle.ts'
import { createTicketFinder } from './list.ts'
import { createTicketRelations } from './merge.ts'
import { createTicketConfigService } from './ticket-config.service.ts'
import { readableTicket, type TicketDeps } from './ticket-writes.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { TicketRow } from './tickets.tables.ts'

export type TicketDetail = TicketRow & { watcherIds: string[] }

export function createTicketService(deps: TicketDeps) {
  const creation = createTicketCreation(deps)
  const lifecycle = createTicketLifecycle(deps)
  const conversation = createTicketConversation(deps)
  const relations = createTicketRelations(deps, lifecycle, creation)
  const finder = createTicketFinder(deps, lifecycle)

  /** The ticket with its watchers, read after a write committed. */
  const detail = async (ctx: RequestContext, row: TicketRow): Promise<TicketDetail> => ({
    ...row,
    watcherIds: await deps.database.withTenant(ctx.actor.tenantId, (tx) => repo.watcherIds(tx, row.id)),
  })

  return {
    insertTicket: creation.insertTicket,
    attachments: createTicketAttachments(deps),
    config: createTicketConfigService(deps),

    /** A ticket the actor may read (404 otherwise). */
    get: (ctx: RequestContext, id: string): Promise<TicketDetail> =>
      deps.database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await readableTicket(tx, ctx.actor, id)
        return { ...row, watcherIds: await repo.watcherIds(tx, id) }
      }),
    create: async (ctx: RequestContext, body: CreateTicketBody) => detail(ctx, await creation.create(ctx, body)),
    similar: creation.similar,
    update: async (ctx: RequestContext, id: string, body: UpdateTicketBody, ifMatch?: number) =>
      detail(ctx, await lifecycle.update(ctx, id, body, ifMatch)),
    transition: async (
      ctx: RequestContext,
      id: string,
      body: { to: TicketStatus; reason?: string; resolution?: TicketResolutionInput },
      ifMatch?: number,
    ) => detail(ctx, await lifecycle.transition(ctx, id, body, ifMatch)),
    confirm: async (ctx: RequestContext, id: string, comment?: string) => detail(ctx, await lifecycle.confirm(ctx, id, comment)),
    reopen: async (ctx: RequestContext, id: string, reason: string) => detail(ctx, await lifecycle.reopen(ctx, id, reason)),
    assign: async (
      ctx: RequestContext,
      id: string,
      body: { assigneeId?: string | null; queueId?: string | null; note?: string },
      ifMatch?: number,
    ) => detail(ctx, await lifecycle.assign(ctx, id, body, ifMatch)),
    escalate: async (ctx: RequestContext, id: string, body: { reason: string; queueId?: string; assigneeId?: string }, ifMatch?: number) =>
      detail(ctx, await lifecycle.escalate(ctx, id, body, ifMatch)),
    merge: async (ctx: RequestContext, id: string, intoId: string) => detail(ctx, await relations.merge(ctx, id, intoId)),
    split: async (ctx: RequestContext, id: string, body: { subject: string; description: string; messageIds: string[] }) =>
      detail(ctx, await relations.split(ctx, id, body)),
    links: relations.links,
    link: relations.link,
    unlink: relations.unlink,
    messages: conversation.messages,
    addMessage: conversation.addMessage,
    timeline: conversation.timeline,
    watch: conversation.watch,
    unwatch: conversation.unwatch,
    list: finder.list,
    counts: finder.counts,
    listViews: finder.listViews,
    createView: finder.createView,
    updateView: finder.updateView,
    deleteView: finder.deleteView,
    bulk: finder.bulk,
  }
}
export type TicketService = ReturnType<typeof createTicketService>
