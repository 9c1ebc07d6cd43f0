// Creating a ticket: from the workbench (staff on behalf of a customer), from the portal (a
// customer contact for their own organisation), or from another module inside its transaction
// (device QR reports, inbound mail, webhooks) through `insertTicket`.
import { randomUUID } from 'node:crypto'
import {
  counterPeriod,
  numberTemplate,
  type CreateTicketBody,
  type CustomerTier,
  type CustomFieldValues,
  type TicketChannel,
  type TicketPriority,
} from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { createGroupCommit, type Settled } from '../../platform/db/group-commit.ts'
import { AppError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { findUserSummary, isActiveWithRole } from '../identity/index.ts'
import { validateCustomFields } from './custom-fields.ts'
import { priorityOf } from './priority.ts'
import { indexTokens, similarity } from './search.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import { createTicketRecorder, systemWho, whoOf, type ChangeParts, type TicketDeps, type Who } from './ticket-writes.ts'
import { isCustomerContact, ticketScope } from './tickets.policy.ts'
import { ticketRepository as repo, type TicketListRow } from './tickets.repository.ts'
import type { TicketRow } from './tickets.tables.ts'

/** Roles a ticket may be assigned to (people who work tickets). */
export const assignableRoles = ['admin', 'supervisor', 'agent_l1', 'agent_l2', 'agent_l3', 'dispatcher', 'engineer']
/** Staff who may watch or be @mentioned on tickets. */
export const staffRoles = [...assignableRoles, 'warehouse_keeper', 'provider_admin']

/** A ticket as another module creates it. Without a type, the tenant's first active type is used. */
export interface NewTicketInput {
  subject: string
  description?: string
  typeId?: string
  /** Alternative to typeId: the type's code, e.g. `repair`. */
  typeCode?: string
  categoryId?: string
  customerId: string
  deviceId?: string
  impact?: number
  urgency?: number
  /** Overrides impact × urgency. */
  priority?: TicketPriority
  queueId?: string
  assigneeId?: string
  channel: TicketChannel
  tags?: string[]
  customFields?: CustomFieldValues
  requesterId?: string
  requesterName?: string
  requesterPhone?: string
  requesterEmail?: string
  watcherIds?: string[]
}

/** A ticket just inserted, with its watchers and the tenant's reopen window (for the detail answer). */
export interface CreatedTicket {
  row: TicketRow
  watcherIds: string[]
  reopenDays: number
}

export function createTicketCreation(deps: TicketDeps) {
  const { clock, neighbours } = deps
  const record = createTicketRecorder(deps)

  function resolveType(types: BatchContext['types'], input: NewTicketInput) {
    const type = input.typeId
      ? types.find((t) => t.id === input.typeId)
      : input.typeCode
        ? types.find((t) => t.code === input.typeCode)
        : types.find((t) => t.active)
    const field = input.typeCode && !input.typeId ? 'typeCode' : 'typeId'
    if (!type)
      throw ValidationError.field(field, input.typeId || input.typeCode ? 'no such ticket type' : 'the tenant has no ticket type yet')
    if (!type.active) throw ValidationError.field(field, `ticket type ${type.name} is no longer in use`)
    return type
  }

  /** One ticket of a batch: what to insert and who asks, for staff or the customer's view of the form. */
  interface Creation {
    input: NewTicketInput
    who: Who
    audience: 'staff' | 'customer'
  }

  /** What a batch looks up once for all its tickets. */
  interface BatchContext {
    now: Date
    settings: Awaited<ReturnType<typeof config.settings>>
    types: Awaited<ReturnType<typeof config.listTypes>>
    customers: Awaited<ReturnType<TicketDeps['neighbours']['findCustomers']>>
  }

  /** Validates one ticket against the batch's lookups and its own (device, queue, people); the row to insert. */
  async function prepare(tx: DbOrTx, tenantId: string, b: BatchContext, { input, who, audience }: Creation) {
    const { now, settings } = b
    const type = resolveType(b.types, input)
    const category = input.categoryId ? await config.findCategory(tx, input.categoryId) : undefined
    if (input.categoryId && (!category || !category.active)) throw ValidationError.field('categoryId', 'no such category')
    if (category?.typeId && category.typeId !== type.id)
      throw ValidationError.field('categoryId', `category ${category.name} does not belong to type ${type.name}`)
    const customer = b.customers.get(input.customerId)
    if (!customer) throw ValidationError.field('customerId', 'no such customer')
    if (input.deviceId) {
      const device = await neighbours.findDevice(tx, tenantId, input.deviceId)
      if (!device) throw ValidationError.field('deviceId', 'no such device')
      if (device.customerId !== customer.id) throw ValidationError.field('deviceId', 'the device belongs to another customer')
    }
    const queueId = input.queueId ?? category?.defaultQueueId ?? null
    if (queueId) {
      const queue = await config.findQueue(tx, queueId)
      if (!queue || !queue.active) throw ValidationError.field('queueId', 'no such queue')
    }
    if (input.assigneeId && !(await isActiveWithRole(tx, tenantId, input.assigneeId, assignableRoles)))
      throw ValidationError.field('assigneeId', 'the assignee is not an active agent')
    const { values: customFields, issues } = validateCustomFields(category?.form ?? [], input.customFields ?? {}, audience)
    if (issues.length) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
    const watcherIds = [...new Set(input.watcherIds ?? [])]
    for (const id of watcherIds)
      if (!(await isActiveWithRole(tx, tenantId, id, staffRoles)))
        throw ValidationError.field('watcherIds', `user ${id} cannot watch tickets`)

    const impact = input.impact ?? 3
    const urgency = input.urgency ?? 2
    const description = input.description ?? ''
    const values = {
      id: randomUUID(),
      tenantId,
      // drawn from the period's sequence and formatted inside the insert: one round trip fewer
      number: config.nextNumberSql(tenantId, counterPeriod(settings.numberFormat, now), numberTemplate(settings.numberFormat, now)),
      subject: input.subject,
      description,
      status: input.assigneeId ? ('assigned' as const) : ('new' as const),
      priority: input.priority ?? priorityOf(settings.priorityMatrix, impact, urgency),
      impact,
      urgency,
      tier: 'L1' as const,
      channel: input.channel,
      typeId: type.id,
      categoryId: category?.id ?? null,
      customerId: customer.id,
      deviceId: input.deviceId ?? null,
      queueId,
      assigneeId: input.assigneeId ?? null,
      requesterId: input.requesterId ?? null,
      requesterName: input.requesterName ?? null,
      requesterPhone: input.requesterPhone ?? null,
      requesterEmail: input.requesterEmail ?? null,
      tags: [...new Set(input.tags ?? [])],
      customFields,
      resolution: null,
      mergedIntoId: null,
      reopenCount: 0,
      createdBy: who.userId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      searchPublic: indexTokens(`${input.subject}\n${description}`),
      searchInternal: '',
    }
    return { values, watcherIds, customer, who }
  }

  /** The timeline entry, audit entry and event of a new ticket. */
  const createdChange = (row: TicketRow, customerTier: CustomerTier, now: Date): ChangeParts<'ticket.created'> => ({
    timeline: {
      kind: 'created' as const,
      data: { number: row.number, channel: row.channel, status: row.status, priority: row.priority },
      at: now,
    },
    audit: {
      action: 'ticket.created',
      after: {
        number: row.number,
        subject: row.subject,
        customerId: row.customerId,
        typeId: row.typeId,
        categoryId: row.categoryId,
        priority: row.priority,
        assigneeId: row.assigneeId,
        queueId: row.queueId,
      },
    },
    event: {
      type: 'ticket.created' as const,
      payload: {
        ticketId: row.id,
        number: row.number,
        status: row.status,
        priority: row.priority,
        typeId: row.typeId,
        categoryId: row.categoryId,
        customerId: row.customerId,
        customerTier,
        deviceId: row.deviceId,
        queueId: row.queueId,
        assigneeId: row.assigneeId,
        channel: row.channel,
        createdAt: now.toISOString(),
      },
    },
  })

  /**
   * Inserts tickets with their numbers, timeline entries, audit entries and `ticket.created` events in
   * the caller's transaction: the lookups they share once, then one multi-row statement for the
   * tickets and one for the rest, whatever their number. A ticket that fails validation is answered
   * with its error and the others go on; a database error fails them all (the caller's transaction
   * is then unusable). `audience: 'customer'` applies the customer's view of the category form. Each
   * result also holds what the ticket detail needs besides the row, so the answer costs no second read.
   */
  async function insertTickets(tx: DbOrTx, tenantId: string, items: readonly Creation[]): Promise<Settled<CreatedTicket>[]> {
    if (!items.length) return []
    const now = clock.now()
    const b: BatchContext = {
      now,
      settings: await config.settings(tx, tenantId, now),
      types: await config.listTypes(tx),
      customers: await neighbours.findCustomers(
        tx,
        tenantId,
        items.map((i) => i.input.customerId),
      ),
    }
    const outcomes: Settled<CreatedTicket>[] = []
    const prepared: (Awaited<ReturnType<typeof prepare>> & { index: number })[] = []
    for (const [index, item] of items.entries()) {
      try {
        prepared.push({ ...(await prepare(tx, tenantId, b, item)), index })
      } catch (error) {
        // a rule of this ticket, not a database failure: the others go on
        if (!(error instanceof AppError)) throw error
        outcomes[index] = { ok: false, error }
      }
    }
    const rows = await repo.insertAll(
      tx,
      prepared.map((p) => p.values),
    )
    for (const [i, p] of prepared.entries()) for (const id of p.watcherIds) await repo.addWatcher(tx, tenantId, rows[i]!.id, id, now)
    await record.changes(
      tx,
      prepared.map((p, i) => ({ t: rows[i]!, who: p.who, parts: createdChange(rows[i]!, p.customer.tier, now) })),
    )
    for (const [i, p] of prepared.entries())
      outcomes[p.index] = { ok: true, value: { row: rows[i]!, watcherIds: p.watcherIds, reopenDays: b.settings.reopenDays } }
    return outcomes
  }

  /** One ticket in the caller's transaction; its validation error is thrown. */
  async function insertTicketWith(tx: DbOrTx, tenantId: string, creation: Creation): Promise<CreatedTicket> {
    const [outcome] = await insertTickets(tx, tenantId, [creation])
    if (!outcome!.ok) throw outcome!.error
    return outcome!.value
  }

  /** insertTicket for other modules: the row only. */
  async function insertTicket(
    tx: DbOrTx,
    tenantId: string,
    input: NewTicketInput,
    who: Who = systemWho,
    audience: 'staff' | 'customer' = 'staff',
  ): Promise<TicketRow> {
    return (await insertTicketWith(tx, tenantId, { input, who, audience })).row
  }

  /** Who creates the ticket through the API and what it holds, checked against the actor's rights. */
  async function creationOf(tx: DbOrTx, ctx: RequestContext, body: CreateTicketBody): Promise<Creation> {
    const a = ctx.actor
    const who = await whoOf(tx, ctx)
    if (isCustomerContact(a)) {
      if (!a.customerOrgId) throw ValidationError.field('customerId', 'your account is not linked to a customer organisation')
      if (body.customerId && body.customerId !== a.customerOrgId) throw new NotFoundError('customer', body.customerId)
      for (const field of ['priority', 'queueId', 'assigneeId', 'watcherIds'] as const)
        if (body[field] !== undefined && !(Array.isArray(body[field]) && body[field].length === 0))
          throw ValidationError.field(field, 'is set by the service desk')
      const me = await findUserSummary(tx, a.tenantId, a.userId)
      const input = {
        ...body,
        customerId: a.customerOrgId,
        channel: body.channel ?? ('portal' as const),
        requesterId: a.userId,
        requesterName: body.requesterName ?? me?.name,
        requesterEmail: body.requesterEmail ?? me?.email,
      }
      return { input, who, audience: 'customer' }
    }
    if (!body.customerId) throw ValidationError.field('customerId', 'is required')
    return { input: { ...body, customerId: body.customerId, channel: body.channel ?? 'workbench' }, who, audience: 'staff' }
  }

  // API creations of one tenant arriving together are inserted in one transaction
  const creations = createGroupCommit<{ ctx: RequestContext; body: CreateTicketBody }, CreatedTicket>((tenantId, requests) =>
    deps.database.withTenant(tenantId, async (tx) => {
      const outcomes: Settled<CreatedTicket>[] = []
      const valid: { creation: Creation; index: number }[] = []
      for (const [index, r] of requests.entries()) {
        try {
          valid.push({ creation: await creationOf(tx, r.ctx, r.body), index })
        } catch (error) {
          if (!(error instanceof AppError)) throw error
          outcomes[index] = { ok: false, error }
        }
      }
      const inserted = await insertTickets(
        tx,
        tenantId,
        valid.map((v) => v.creation),
      )
      valid.forEach((v, i) => (outcomes[v.index] = inserted[i]!))
      return outcomes
    }),
  )

  return {
    insertTicket,

    /**
     * Creates a ticket through the API: staff for any customer, a customer contact for their own
     * organisation. Concurrent creations of a tenant share a transaction (group commit).
     */
    create: (ctx: RequestContext, body: CreateTicketBody): Promise<CreatedTicket> => creations.submit(ctx.actor.tenantId, { ctx, body }),

    /** Open tickets of the same customer that look like the one being written (score 0–1, best first). */
    async similar(
      ctx: RequestContext,
      q: { customerId?: string; subject: string; description?: string; deviceId?: string },
    ): Promise<{ ticket: TicketListRow; score: number }[]> {
      const a = ctx.actor
      const scope = ticketScope(a)
      const customerId = scope.kind === 'customer' ? scope.customerId : q.customerId
      if (!customerId || (scope.kind === 'customer' && q.customerId && q.customerId !== customerId)) return []
      const open = await deps.database.withTenant(a.tenantId, (tx) => repo.openOfCustomer(tx, customerId, 200))
      const text = `${q.subject} ${q.description ?? ''}`
      return open
        .filter((t) => scope.kind !== 'assigned' || t.assigneeId === a.userId)
        .map(({ description, ...t }) => ({
          ticket: t,
          // the same device makes a duplicate likelier
          score: Math.min(1, similarity(text, `${t.subject} ${description}`) + (q.deviceId && t.deviceId === q.deviceId ? 0.1 : 0)),
        }))
        .filter((s) => s.score >= 0.2)
        .sort((x, y) => y.score - x.score)
        .slice(0, 5)
    },
  }
}
