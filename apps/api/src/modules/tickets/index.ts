// Tickets (R2): service requests from creation to closure. Other modules create tickets in their
// own transaction (`createTicket`), read one (`findTicketSummary`), or listen to `ticket.*` events
// (payloads: packages/contracts/src/tickets.ts).
import type { RoutesPlugin } from '../../app.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { TopicAuthorizer } from '../../platform/realtime/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import type { NewTicketInput } from './create.ts'
import { ticketConfigRoutes } from './ticket-config.routes.ts'
import { systemWho, type TicketNeighbours, type Who } from './ticket-writes.ts'
import { canReadTicket, ticketScope } from './tickets.policy.ts'
import { ticketRepository } from './tickets.repository.ts'
import { ticketRoutes } from './tickets.routes.ts'
import { createTicketService, type TicketService } from './tickets.service.ts'
import type { TicketRow } from './tickets.tables.ts'

export type { NewTicketInput } from './create.ts'
export type { TicketNeighbours } from './ticket-writes.ts'

/** What other modules may know about a ticket. */
export type TicketSummary = Pick<
  TicketRow,
  | 'id'
  | 'number'
  | 'subject'
  | 'status'
  | 'priority'
  | 'tier'
  | 'channel'
  | 'typeId'
  | 'categoryId'
  | 'customerId'
  | 'deviceId'
  | 'queueId'
  | 'assigneeId'
  | 'createdAt'
  | 'updatedAt'
  | 'firstResponseAt'
  | 'resolvedAt'
  | 'closedAt'
>

/** A ticket by id in the caller's tenant transaction, or undefined (listeners tolerate tickets that are gone). */
export async function findTicketSummary(tx: DbOrTx, ticketId: string): Promise<TicketSummary | undefined> {
  const t = await ticketRepository.findById(tx, ticketId)
  if (!t) return undefined
  const {
    id,
    number,
    subject,
    status,
    priority,
    tier,
    channel,
    typeId,
    categoryId,
    customerId,
    deviceId,
    queueId,
    assigneeId,
    createdAt,
    updatedAt,
    firstResponseAt,
    resolvedAt,
    closedAt,
  } = t
  return {
    id,
    number,
    subject,
    status,
    priority,
    tier,
    channel,
    typeId,
    categoryId,
    customerId,
    deviceId,
    queueId,
    assigneeId,
    createdAt,
    updatedAt,
    firstResponseAt,
    resolvedAt,
    closedAt,
  }
}

/** Who creates a ticket from another module: the system (default), or a customer reporting without an account. */
export interface TicketAuthor {
  type: 'system' | 'customer'
  userId?: string | null
  name?: string | null
}

export interface TicketsModule {
  service: TicketService
  routes: RoutesPlugin
  /** Realtime: `ticket:<id>` for those who may read the ticket; `ticket` (every ticket) for staff who read all. */
  topics: TopicAuthorizer[]
  /**
   * Creates a ticket inside the caller's tenant transaction (device QR reports, inbound mail,
   * webhooks): number, timeline, audit entry and `ticket.created` in that transaction. Validation
   * failures throw ValidationError naming the field.
   */
  createTicket(tx: DbOrTx, tenantId: string, input: NewTicketInput, author?: TicketAuthor): Promise<TicketSummary & { id: string }>
}

export function createTicketsModule(deps: ModuleDeps, neighbours: TicketNeighbours): TicketsModule {
  const service = createTicketService({ ...deps, neighbours })
  const ticketsPlugin = ticketRoutes(service)
  const configPlugin = ticketConfigRoutes(service.config)
  return {
    service,
    routes: (app) => {
      configPlugin(app)
      ticketsPlugin(app)
    },
    topics: [
      {
        family: 'ticket',
        async authorize(actor, id) {
          if (id === null) return ticketScope(actor).kind === 'all'
          if (!/^[0-9a-f-]{36}$/i.test(id)) return false
          return deps.database.withTenant(actor.tenantId, async (tx) => {
            const t = await ticketRepository.findById(tx, id)
            if (!t) return false
            const watching = (await ticketRepository.watcherIds(tx, id)).includes(actor.userId)
            return canReadTicket(actor, t, watching)
          })
        },
      },
    ],
    async createTicket(tx, tenantId, input, author) {
      const who: Who =
        author && author.type === 'customer'
          ? { type: 'customer', userId: author.userId ?? null, name: author.name ?? null, auditType: 'customer' }
          : systemWho
      const row = await service.insertTicket(tx, tenantId, input, who, author?.type === 'customer' ? 'customer' : 'staff')
      return (await findTicketSummary(tx, row.id))!
    },
  }
}

/**
 * What notifications read about a ticket and one of its messages (recipients and template variables);
 * the composition root hands this to the notifications module.
 */
export const ticketFacts = {
  async findTicket(tx: DbOrTx, ticketId: string) {
    const t = await ticketRepository.findById(tx, ticketId)
    if (!t) return undefined
    return {
      id: t.id,
      number: t.number,
      subject: t.subject,
      description: t.description,
      status: t.status,
      priority: t.priority,
      customerId: t.customerId,
      assigneeId: t.assigneeId,
      requesterId: t.requesterId,
      requesterName: t.requesterName,
      requesterEmail: t.requesterEmail,
      requesterPhone: t.requesterPhone,
      watcherIds: await ticketRepository.watcherIds(tx, ticketId),
    }
  },
  async findMessage(tx: DbOrTx, ticketId: string, messageId: string) {
    const [m] = await ticketRepository.messagesByIds(tx, ticketId, [messageId])
    return m && { body: m.body, authorId: m.authorId, authorName: m.authorName, visibility: m.visibility }
  },
}
