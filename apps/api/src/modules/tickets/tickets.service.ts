// The tickets service: one facade over the use cases, each in the file named by its verb
// (create, lifecycle, conversation, merge, list, ticket-config.service).
import type { CreateTicketBody, TicketResolutionInput, TicketStatus, UpdateTicketBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { Actor, RequestContext } from '../../platform/http/access.ts'
import { createTicketAgents } from './agents.ts'
import { createTicketAttachments } from './attachments.ts'
import { assignableRoles } from './create.ts'
import { createTicketConversation } from './conversation.ts'
import { createTicketCreation } from './create.ts'
import { createTicketLifecycle } from './lifecycle.ts'
import { createTicketFinder } from './list.ts'
import { createTicketMacros } from './macros.ts'
import { createTicketRelations } from './merge.ts'
import { createTicketConfigService } from './ticket-config.service.ts'
import { offeredTransitions, type Mover } from './status.ts'
import { ticketConfigRepository } from './ticket-config.repository.ts'
import { readableTicket, type TicketDeps } from './ticket-writes.ts'
import { canConfirmTicket, canWatchSelf, canWorkTicket, isCustomerContact } from './tickets.policy.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { TicketRow } from './tickets.tables.ts'

export type TicketDetail = TicketRow & { watcherIds: string[]; allowedTransitions: TicketStatus[]; mayWatch: boolean }

function moverOf(actor: Actor, t: TicketRow): Mover {
  if (isCustomerContact(actor)) return canConfirmTicket(actor, t) ? { kind: 'customer' } : { kind: 'none' }
  if (!canWorkTicket(actor, t)) return { kind: 'none' }
  return { kind: 'staff', takesUnowned: actor.roles.some((r) => assignableRoles.includes(r)) }
}

export function createTicketService(deps: TicketDeps) {
  const creation = createTicketCreation(deps)
  const lifecycle = createTicketLifecycle(deps)
  const conversation = createTicketConversation(deps)
  const relations = createTicketRelations(deps, lifecycle, creation)
  const finder = createTicketFinder(deps, lifecycle)

  /** The ticket with its watchers and the moves this actor may make now. */
  const detailOf = (actor: Actor, row: TicketRow, watcherIds: string[], reopenDays: number): TicketDetail => {
    const allowedTransitions = offeredTransitions(
      row.status,
      {
        hasAssignee: row.assigneeId !== null,
        hasResolution: true,
        resolvedAt: row.resolvedAt,
        closedAt: row.closedAt,
        now: deps.clock.now(),
        reopenDays,
      },
      moverOf(actor, row),
    )
    return { ...row, watcherIds, allowedTransitions, mayWatch: canWatchSelf(actor) }
  }
  const enrich = async (tx: DbOrTx, actor: Actor, row: TicketRow): Promise<TicketDetail> => {
    const settings = await ticketConfigRepository.settings(tx, row.tenantId, deps.clock.now())
    return detailOf(actor, row, await repo.watcherIds(tx, row.id), settings.reopenDays)
  }
  /** The ticket detail, read after a write committed. */
  const detail = (ctx: RequestContext, row: TicketRow): Promise<TicketDetail> =>
    deps.database.withTenant(ctx.actor.tenantId, (tx) => enrich(tx, ctx.actor, row))

  return {
    insertTicket: creation.insertTicket,
    attachments: createTicketAttachments(deps),
    agents: createTicketAgents(deps),
    macros: createTicketMacros(deps, lifecycle),
    /** The ticket detail for the actor after a write. */
    detail,
    config: createTicketConfigService(deps),

    /** A ticket the actor may read (404 otherwise). */
    get: (ctx: RequestContext, id: string): Promise<TicketDetail> =>
      deps.database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await readableTicket(tx, ctx.actor, id)
        return enrich(tx, ctx.actor, row)
      }),
    create: async (ctx: RequestContext, body: CreateTicketBody): Promise<TicketDetail> => {
      const created = await creation.create(ctx, body)
      return detailOf(ctx.actor, created.row, created.watcherIds, created.reopenDays)
    },
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
