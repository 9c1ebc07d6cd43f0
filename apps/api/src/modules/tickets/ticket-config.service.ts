// Ticket configuration an administrator edits: types, the category tree with its form templates,
// queues and their members, the priority matrix, and the tenant's ticket settings.
import type { CustomFieldDefInput, SupportTier, TicketPriority, TicketSettings } from '@aftercare/contracts'
import { CustomFieldDef } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { isActiveWithRole } from '../identity/index.ts'
import { assignableRoles } from './create.ts'
import { formTemplateIssues } from './custom-fields.ts'
import { ticketConfigRepository as repo, type QueueWithMembers } from './ticket-config.repository.ts'
import type { TicketDeps } from './ticket-writes.ts'
import type { TicketCategoryRow, TicketSettingsRow, TicketTypeRow } from './tickets.tables.ts'

interface CategoryInput {
  parentId?: string | null
  name?: string
  typeId?: string | null
  defaultQueueId?: string | null
  form?: CustomFieldDefInput[]
  active?: boolean
  sortOrder?: number
}

export function createTicketConfigService({ database, audit, clock }: TicketDeps) {
  async function audited(
    tx: DbOrTx,
    ctx: RequestContext,
    action: string,
    entityType: string,
    entityId: string,
    before: unknown,
    after: unknown,
  ) {
    await audit.record(tx, {
      tenantId: ctx.actor.tenantId,
      actorType: ctx.actor.kind === 'token' ? 'token' : 'user',
      actorId: ctx.actor.userId,
      action,
      entityType,
      entityId,
      before,
      after,
      requestId: ctx.requestId,
      ip: ctx.ip,
    })
  }

  async function checkCategoryRefs(tx: DbOrTx, input: CategoryInput, before?: TicketCategoryRow) {
    const selfId = before?.id
    const name = input.name ?? before?.name
    const parentId = input.parentId === undefined ? (before?.parentId ?? null) : input.parentId
    if (
      name &&
      (await repo.listCategories(tx)).some(
        (c) => c.id !== selfId && (c.parentId ?? null) === parentId && c.name.toLowerCase() === name.toLowerCase(),
      )
    )
      throw ValidationError.field('name', `a category named ${name} exists at this level`)
    if (input.parentId) {
      const parent = await repo.findCategory(tx, input.parentId)
      if (!parent) throw ValidationError.field('parentId', 'no such category')
      if (selfId && (await repo.ancestorIds(tx, input.parentId)).includes(selfId))
        throw ValidationError.field('parentId', 'a category cannot move under itself')
    }
    if (input.typeId && !(await repo.findType(tx, input.typeId))) throw ValidationError.field('typeId', 'no such ticket type')
    if (input.defaultQueueId && !(await repo.findQueue(tx, input.defaultQueueId)))
      throw ValidationError.field('defaultQueueId', 'no such queue')
    if (input.form) {
      const issues = formTemplateIssues(input.form.map((f) => CustomFieldDef.parse(f)))
      if (issues.length) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
    }
  }

  async function checkMembers(tx: DbOrTx, tenantId: string, memberIds: readonly string[]) {
    for (const id of memberIds)
      if (!(await isActiveWithRole(tx, tenantId, id, assignableRoles)))
        throw ValidationError.field('memberIds', `user ${id} is not an active agent`)
  }

  const tx = <T>(ctx: RequestContext, fn: (tx: DbOrTx) => Promise<T>) => database.withTenant(ctx.actor.tenantId, fn)

  return {
    listTypes: (ctx: RequestContext): Promise<TicketTypeRow[]> => tx(ctx, (t) => repo.listTypes(t)),

    async createType(
      ctx: RequestContext,
      body: { code: string; name: string; description?: string; sortOrder: number },
    ): Promise<TicketTypeRow> {
      return tx(ctx, async (t) => {
        const existing = (await repo.listTypes(t)).find((x) => x.code === body.code)
        if (existing) throw ValidationError.field('code', `type code ${body.code} is taken`)
        const row = await repo.insertType(t, {
          tenantId: ctx.actor.tenantId,
          code: body.code,
          name: body.name,
          description: body.description ?? null,
          active: true,
          sortOrder: body.sortOrder,
          createdAt: clock.now(),
        })
        await audited(t, ctx, 'ticket_type.created', 'ticket_type', row.id, undefined, body)
        return row
      })
    },

    async updateType(
      ctx: RequestContext,
      id: string,
      body: { name?: string; description?: string | null; active?: boolean; sortOrder?: number },
    ): Promise<TicketTypeRow> {
      return tx(ctx, async (t) => {
        const before = await repo.findType(t, id)
        if (!before) throw new NotFoundError('ticket type', id)
        const row = (await repo.updateType(t, id, body))!
        await audited(t, ctx, 'ticket_type.updated', 'ticket_type', id, before, row)
        return row
      })
    },

    listCategories: (ctx: RequestContext): Promise<TicketCategoryRow[]> => tx(ctx, (t) => repo.listCategories(t)),

    async createCategory(ctx: RequestContext, body: CategoryInput & { name: string }): Promise<TicketCategoryRow> {
      return tx(ctx, async (t) => {
        await checkCategoryRefs(t, body)
        const now = clock.now()
        const row = await repo.insertCategory(t, {
          tenantId: ctx.actor.tenantId,
          parentId: body.parentId ?? null,
          name: body.name,
          typeId: body.typeId ?? null,
          defaultQueueId: body.defaultQueueId ?? null,
          form: (body.form ?? []).map((f) => CustomFieldDef.parse(f)),
          active: true,
          sortOrder: body.sortOrder ?? 0,
          createdAt: now,
          updatedAt: now,
          version: 1,
        })
        await audited(t, ctx, 'ticket_category.created', 'ticket_category', row.id, undefined, {
          name: row.name,
          parentId: row.parentId,
          form: row.form,
        })
        return row
      })
    },

    /** Edits a category and its form template (If-Match honoured). */
    async updateCategory(ctx: RequestContext, id: string, body: CategoryInput, ifMatch?: number): Promise<TicketCategoryRow> {
      return tx(ctx, async (t) => {
        const before = await repo.findCategory(t, id)
        if (!before) throw new NotFoundError('ticket category', id)
        if (ifMatch !== undefined && ifMatch !== before.version)
          throw new PreconditionFailedError(`Category ${before.name} was changed by someone else; reload it and try again`)
        await checkCategoryRefs(t, body, before)
        const { form, ...rest } = body
        const row = (await repo.updateCategory(t, id, {
          ...rest,
          ...(form ? { form: form.map((f) => CustomFieldDef.parse(f)) } : {}),
          updatedAt: clock.now(),
        }))!
        await audited(t, ctx, 'ticket_category.updated', 'ticket_category', id, before, row)
        return row
      })
    },

    listQueues: (ctx: RequestContext): Promise<QueueWithMembers[]> => tx(ctx, (t) => repo.listQueues(t)),

    async createQueue(
      ctx: RequestContext,
      body: { name: string; description?: string; tier: SupportTier; memberIds: string[] },
    ): Promise<QueueWithMembers> {
      return tx(ctx, async (t) => {
        if ((await repo.listQueues(t)).some((q) => q.name.toLowerCase() === body.name.toLowerCase()))
          throw ValidationError.field('name', `a queue named ${body.name} exists`)
        await checkMembers(t, ctx.actor.tenantId, body.memberIds)
        const row = await repo.insertQueue(t, {
          tenantId: ctx.actor.tenantId,
          name: body.name,
          description: body.description ?? null,
          tier: body.tier,
          active: true,
          createdAt: clock.now(),
        })
        await repo.setQueueMembers(t, ctx.actor.tenantId, row.id, body.memberIds)
        await audited(t, ctx, 'ticket_queue.created', 'ticket_queue', row.id, undefined, body)
        return (await repo.findQueue(t, row.id))!
      })
    },

    async updateQueue(
      ctx: RequestContext,
      id: string,
      body: { name?: string; description?: string | null; tier?: SupportTier; memberIds?: string[]; active?: boolean },
    ): Promise<QueueWithMembers> {
      return tx(ctx, async (t) => {
        const before = await repo.findQueue(t, id)
        if (!before) throw new NotFoundError('queue', id)
        const { memberIds, ...fields } = body
        if (fields.name && (await repo.listQueues(t)).some((q) => q.id !== id && q.name.toLowerCase() === fields.name!.toLowerCase()))
          throw ValidationError.field('name', `a queue named ${fields.name} exists`)
        await repo.updateQueue(t, id, fields)
        if (memberIds) {
          await checkMembers(t, ctx.actor.tenantId, memberIds)
          await repo.setQueueMembers(t, ctx.actor.tenantId, id, memberIds)
        }
        const after = (await repo.findQueue(t, id))!
        await audited(t, ctx, 'ticket_queue.updated', 'ticket_queue', id, before, after)
        return after
      })
    },

    settings: (ctx: RequestContext): Promise<TicketSettingsRow> => tx(ctx, (t) => repo.settings(t, ctx.actor.tenantId, clock.now())),

    /** `ifMatch`: the settings' version the change was made on (412 when someone saved since). */
    async updateSettings(
      ctx: RequestContext,
      body: Partial<TicketSettings> & { priorityMatrix?: TicketPriority[][] },
      ifMatch?: number,
    ): Promise<TicketSettingsRow> {
      return tx(ctx, async (t) => {
        await repo.settings(t, ctx.actor.tenantId, clock.now())
        const before = await repo.lockSettings(t, ctx.actor.tenantId)
        if (ifMatch !== undefined && ifMatch !== before.version) throw new PreconditionFailedError()
        const after = await repo.updateSettings(t, ctx.actor.tenantId, { ...body, updatedAt: clock.now() })
        await audited(t, ctx, 'ticket_settings.updated', 'ticket_settings', ctx.actor.tenantId, before, after)
        return after
      })
    },
  }
}
export type TicketConfigService = ReturnType<typeof createTicketConfigService>
