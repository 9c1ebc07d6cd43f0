// Tickets (R2): service requests from creation to closure. Other modules create tickets in their
// own transaction (`createTicket`), read one (`findTicketSummary`), or listen to `ticket.*` events
// (payloads: packages/contracts/src/tickets.ts).
import type { RoutesPlugin } from '../../app.ts'
import type { SupportTier, TicketPriority } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { nameUniqueConstraint } from '../../platform/http/error-handler.ts'
import type { EventListener } from '../../platform/events/types.ts'
import type { TopicAuthorizer } from '../../platform/realtime/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import type { NewTicketInput } from './create.ts'
import { createTicketLifecycle } from './lifecycle.ts'
import { serviceReportListener } from './service-report.ts'
import { seedDemoTickets, type DemoTicketInput } from './tickets.demo.ts'
import { ticketConfigRoutes } from './ticket-config.routes.ts'
import { createTicketRecorder, systemWho, type TicketNeighbours, type Who } from './ticket-writes.ts'
import { canReadTicket, ticketScope } from './tickets.policy.ts'
import { ticketRepository } from './tickets.repository.ts'
import { ticketRoutes } from './tickets.routes.ts'
import { createTicketService, type TicketService } from './tickets.service.ts'
import type { TicketRow } from './tickets.tables.ts'

export type { NewTicketInput } from './create.ts'
export type { TicketNeighbours } from './ticket-writes.ts'
export type { DemoTicketInput, DemoTicketPeople } from './tickets.demo.ts'

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
  /** Changes the system makes to a ticket on its own (SLA escalation rules), in the caller's transaction. */
  systemActions: TicketSystemActions
  /** Reactions run by the worker: the PDF service report attached when a ticket closes. */
  listeners: EventListener[]
  /** First-run demo data: configuration, macros and ~200 tickets in every status; nothing when the tenant has tickets. Returns how many were made. */
  seedDemo(input: DemoTicketInput): Promise<number>
}

/** A change that happened, or null when there was nothing to do (already there, ticket finished or gone). */
export type SystemChange<T> = { from: T; to: T } | null

/**
 * Each call locks the ticket and writes as the system: timeline entry, audit entry and `ticket.*`
 * event in the caller's transaction, exactly as the same change made by a person. Validation
 * failures (an inactive queue) throw ValidationError naming the field.
 */
export interface TicketSystemActions {
  /** One step up (P4 → … → P0), never above `max` (a field change on the timeline, like a person's). */
  raisePriority(tx: DbOrTx, ticketId: string, opts: { max: TicketPriority }): Promise<SystemChange<TicketPriority>>
  /** To the next support tier (L1 → L2 → L3); the assignee lets go, the queue stays unless `queueId`. */
  raiseTier(tx: DbOrTx, ticketId: string, opts: { reason: string; queueId?: string }): Promise<SystemChange<SupportTier>>
  /** Into another queue (the assignee stays). */
  reassignQueue(tx: DbOrTx, ticketId: string, opts: { queueId: string; reason: string }): Promise<SystemChange<string | null>>
  /** An internal note by the system @mentioning staff (they get an in-app notification through `ticket.mentioned`). */
  notify(tx: DbOrTx, ticketId: string, opts: { userIds: string[]; body: string }): Promise<{ messageId: string } | null>
}

const FINISHED = ['resolved', 'closed', 'cancelled']
const PRIORITIES: readonly TicketPriority[] = ['P0', 'P1', 'P2', 'P3', 'P4']
const NEXT_TIER: Record<SupportTier, SupportTier | undefined> = { L1: 'L2', L2: 'L3', L3: undefined }

// what a duplicate answers (409) names, when the database's unique index catches it
nameUniqueConstraint('ticket_macros_owner_name', ['name'])
nameUniqueConstraint('ticket_types_tenant_id_code_key', ['code'])
nameUniqueConstraint('ticket_queues_tenant_name', ['name'])
nameUniqueConstraint('ticket_categories_sibling_name', ['name'])

export function createTicketsModule(deps: ModuleDeps, neighbours: TicketNeighbours): TicketsModule {
  const service = createTicketService({ ...deps, neighbours })
  const ticketsPlugin = ticketRoutes(service)
  const configPlugin = ticketConfigRoutes(service.config)
  const lifecycle = createTicketLifecycle({ ...deps, neighbours })
  const record = createTicketRecorder(deps)
  const openTicket = async (tx: DbOrTx, id: string) => {
    const t = await ticketRepository.lock(tx, id)
    return t && !FINISHED.includes(t.status) ? t : undefined
  }
  const systemActions: TicketSystemActions = {
    async raisePriority(tx, id, { max }) {
      const t = await openTicket(tx, id)
      const to = t && PRIORITIES[PRIORITIES.indexOf(t.priority) - 1]
      if (!t || !to || PRIORITIES.indexOf(to) < PRIORITIES.indexOf(max)) return null
      await lifecycle.applyUpdate(tx, t, systemWho, { priority: to })
      return { from: t.priority, to }
    },
    async raiseTier(tx, id, { reason, queueId }) {
      const t = await openTicket(tx, id)
      const to = t && NEXT_TIER[t.tier]
      if (!t || !to) return null
      const row = await lifecycle.applyAssignment(tx, t, systemWho, { assigneeId: null, queueId: queueId ?? t.queueId }, { tier: to })
      await record.timeline(tx, row, systemWho, 'escalated', { from: t.tier, to, reason }, 'internal')
      await record.audit(tx, row, systemWho, 'ticket.escalated', { tier: t.tier }, { tier: to, reason })
      await record.publish(tx, row, systemWho, 'ticket.updated', { ticketId: row.id, fields: ['tier'] })
      return { from: t.tier, to }
    },
    async reassignQueue(tx, id, { queueId, reason }) {
      const t = await openTicket(tx, id)
      if (!t || t.queueId === queueId) return null
      await lifecycle.applyAssignment(tx, t, systemWho, { queueId, note: reason })
      return { from: t.queueId, to: queueId }
    },
    async notify(tx, id, { userIds, body }) {
      const t = await ticketRepository.lock(tx, id)
      if (!t || userIds.length === 0) return null
      const now = deps.clock.now()
      const message = await ticketRepository.insertMessage(tx, {
        tenantId: t.tenantId,
        ticketId: t.id,
        body,
        visibility: 'internal',
        authorType: 'system',
        authorId: null,
        authorName: null,
        mentionUserIds: userIds,
        createdAt: now,
      })
      await record.timeline(tx, t, systemWho, 'message', { messageId: message.id, visibility: 'internal' }, 'internal', now)
      await record.audit(tx, t, systemWho, 'ticket.message_added', undefined, {
        messageId: message.id,
        visibility: 'internal',
        mentionUserIds: userIds,
      })
      await record.publish(tx, t, systemWho, 'ticket.message_added', {
        ticketId: t.id,
        messageId: message.id,
        visibility: 'internal',
        authorType: 'system',
        at: now.toISOString(),
      })
      await record.publish(tx, t, systemWho, 'ticket.mentioned', { ticketId: t.id, messageId: message.id, userIds })
      return { messageId: message.id }
    },
  }
  return {
    systemActions,
    listeners: [serviceReportListener({ ...deps, neighbours })],
    seedDemo: (input) => seedDemoTickets({ ...deps, neighbours }, input),
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
        // who may see a ticket follows its assignee, watchers and customer
        reauthorizeOn: ['ticket.assigned', 'ticket.updated'],
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
  /** Several tickets (those not found are left out), read together for a batch of events. */
  findTickets: (tx: DbOrTx, ticketIds: readonly string[]) => ticketRepository.factsByIds(tx, ticketIds),
  async findMessage(tx: DbOrTx, ticketId: string, messageId: string) {
    const [m] = await ticketRepository.messagesByIds(tx, ticketId, [messageId])
    return m && { body: m.body, authorId: m.authorId, authorName: m.authorName, visibility: m.visibility }
  },
}
