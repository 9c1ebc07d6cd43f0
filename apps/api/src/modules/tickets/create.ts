// Creating a ticket: from the workbench (staff on behalf of a customer), from the portal (a
// customer contact for their own organisation), or from another module inside its transaction
// (device QR reports, inbound mail, webhooks) through `insertTicket`.
import {
  counterPeriod,
  numberTemplate,
  type CreateTicketBody,
  type CustomFieldValues,
  type TicketChannel,
  type TicketPriority,
} from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { findUserSummary, isActiveWithRole } from '../identity/index.ts'
import { validateCustomFields } from './custom-fields.ts'
import { priorityOf } from './priority.ts'
import { indexTokens, similarity } from './search.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import { createTicketRecorder, systemWho, whoOf, type TicketDeps, type Who } from './ticket-writes.ts'
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

  async function resolveType(tx: DbOrTx, input: NewTicketInput) {
    const types = await config.listTypes(tx)
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

  /**
   * Inserts a ticket with its number, timeline entry, audit entry and `ticket.created` event in the
   * caller's transaction. `audience: 'customer'` applies the customer's view of the category form.
   * Also returns what the ticket detail needs besides the row, so the answer costs no second read.
   */
  async function insertTicketWith(
    tx: DbOrTx,
    tenantId: string,
    input: NewTicketInput,
    who: Who,
    audience: 'staff' | 'customer',
  ): Promise<CreatedTicket> {
    const now = clock.now()
    const settings = await config.settings(tx, tenantId, now)
    const type = await resolveType(tx, input)
    const category = input.categoryId ? await config.findCategory(tx, input.categoryId) : undefined
    if (input.categoryId && (!category || !category.active)) throw ValidationError.field('categoryId', 'no such category')
    if (category?.typeId && category.typeId !== type.id)
      throw ValidationError.field('categoryId', `category ${category.name} does not belong to type ${type.name}`)
    const customer = await neighbours.findCustomer(tx, tenantId, input.customerId)
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
    const row = await repo.insert(tx, {
      tenantId,
      // drawn from the period's sequence and formatted inside the insert: one round trip fewer
      number: config.nextNumberSql(tenantId, counterPeriod(settings.numberFormat, now), numberTemplate(settings.numberFormat, now)),
      subject: input.subject,
      description,
      status: input.assigneeId ? 'assigned' : 'new',
      priority: input.priority ?? priorityOf(settings.priorityMatrix, impact, urgency),
      impact,
      urgency,
      tier: 'L1',
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
    })
    for (const id of watcherIds) await repo.addWatcher(tx, tenantId, row.id, id, now)
    await record.change(tx, row, who, {
      timeline: {
        kind: 'created',
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
        type: 'ticket.created',
        payload: {
          ticketId: row.id,
          number: row.number,
          status: row.status,
          priority: row.priority,
          typeId: row.typeId,
          categoryId: row.categoryId,
          customerId: row.customerId,
          customerTier: customer.tier,
          deviceId: row.deviceId,
          queueId: row.queueId,
          assigneeId: row.assigneeId,
          channel: row.channel,
          createdAt: now.toISOString(),
        },
      },
    })
    return { row, watcherIds, reopenDays: settings.reopenDays }
  }

  /** insertTicket for other modules: the row only. */
  async function insertTicket(
    tx: DbOrTx,
    tenantId: string,
    input: NewTicketInput,
    who: Who = systemWho,
    audience: 'staff' | 'customer' = 'staff',
  ): Promise<TicketRow> {
    return (await insertTicketWith(tx, tenantId, input, who, audience)).row
  }

  return {
    insertTicket,

    /** Creates a ticket through the API: staff for any customer, a customer contact for their own organisation. */
    async create(ctx: RequestContext, body: CreateTicketBody): Promise<CreatedTicket> {
      const a = ctx.actor
      return deps.database.withTenant(a.tenantId, async (tx) => {
        const who = await whoOf(tx, ctx)
        if (isCustomerContact(a)) {
          if (!a.customerOrgId) throw ValidationError.field('customerId', 'your account is not linked to a customer organisation')
          if (body.customerId && body.customerId !== a.customerOrgId) throw new NotFoundError('customer', body.customerId)
          for (const field of ['priority', 'queueId', 'assigneeId', 'watcherIds'] as const)
            if (body[field] !== undefined && !(Array.isArray(body[field]) && body[field].length === 0))
              throw ValidationError.field(field, 'is set by the service desk')
          const me = await findUserSummary(tx, a.tenantId, a.userId)
          return insertTicketWith(
            tx,
            a.tenantId,
            {
              ...body,
              customerId: a.customerOrgId,
              channel: body.channel ?? 'portal',
              requesterId: a.userId,
              requesterName: body.requesterName ?? me?.name,
              requesterEmail: body.requesterEmail ?? me?.email,
            },
            who,
            'customer',
          )
        }
        if (!body.customerId) throw ValidationError.field('customerId', 'is required')
        return insertTicketWith(
          tx,
          a.tenantId,
          { ...body, customerId: body.customerId, channel: body.channel ?? 'workbench' },
          who,
          'staff',
        )
      })
    },

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
