// Finding tickets: the filtered, sorted, cursor-paginated list (keyword in Chinese and English),
// the workbench tab counts, saved views, and bulk actions over a selection.
import type { TicketFilters, TicketResolutionInput, TicketStatus, TicketTabCounts } from '@aftercare/contracts'
import { TicketFilters as TicketFiltersSchema } from '@aftercare/contracts'
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { withCustomPlans } from '../../platform/db/index.ts'
import type { TicketLifecycle } from './lifecycle.ts'
import { queryWords, tsQuery } from './search.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import { ticketForWrite, whoOf, type TicketDeps } from './ticket-writes.ts'
import { isStaff, seesInternal, ticketScope } from './tickets.policy.ts'
import { ticketRepository as repo, type SortField, type TicketListRow } from './tickets.repository.ts'
import type { TicketViewRow } from './tickets.tables.ts'

export interface ListParams extends TicketFilters {
  sort: SortField
  order: 'asc' | 'desc'
  limit: number
  cursor?: string
  viewId?: string
}

interface Cursor {
  v: string
  id: string
  /** keyword mode the first page settled on */
  m?: 'and' | 'or'
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>
    if (typeof c.v === 'string' && typeof c.id === 'string' && /^[0-9a-f-]{36}$/i.test(c.id))
      return { v: c.v, id: c.id, ...(c.m ? { m: c.m } : {}) }
  } catch {
    // fall through
  }
  throw ValidationError.field('cursor', 'not a cursor from this list')
}

const cursorValue = (row: TicketListRow, sort: SortField) => {
  const v = row[sort]
  return v instanceof Date ? v.toISOString() : String(v)
}

export type BulkAction =
  | { type: 'assign'; assigneeId?: string | null; queueId?: string | null }
  | { type: 'status'; to: TicketStatus; reason?: string; resolution?: TicketResolutionInput }
  | { type: 'tag'; add: string[]; remove: string[] }

/** Letters, a dash, then letters, digits and dashes ending in a digit: the shape of every number format. */
const looksLikeTicketNumber = (q: string) => /^[A-Za-z]{1,12}-[A-Za-z0-9-]{0,40}[0-9]$/.test(q.trim())

export function createTicketFinder(deps: TicketDeps, lifecycle: TicketLifecycle) {
  const { database, clock } = deps

  async function ownView(ctx: RequestContext, id: string, forWrite: boolean): Promise<TicketViewRow> {
    const view = await database.withTenant(ctx.actor.tenantId, (tx) => config.findView(tx, id))
    const mine = view?.ownerId === ctx.actor.userId
    if (!view || !isStaff(ctx.actor) || (!mine && !view.shared)) throw new NotFoundError('view', id)
    if (forWrite && !mine && !ctx.actor.permissions.has('tickets.configure'))
      throw new ForbiddenError('Only its owner changes a shared view')
    return view
  }

  return {
    /** One page of tickets the actor may see. A keyword must match all its words; when nothing does, any word. */
    async list(ctx: RequestContext, p: ListParams): Promise<{ items: TicketListRow[]; nextCursor: string | null }> {
      const a = ctx.actor
      let filters: TicketFilters = p
      let { sort, order } = p
      if (p.viewId) {
        const view = await ownView(ctx, p.viewId, false)
        const saved = TicketFiltersSchema.parse(view.filters)
        const explicit = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))
        filters = { ...saved, ...explicit }
        ;({ sort, order } = { sort: view.sort as SortField, order: view.sortOrder })
      }
      const after = p.cursor ? decodeCursor(p.cursor) : undefined
      const words = filters.q ? queryWords(filters.q) : []
      // The list's best plan depends on its filters' values (a rare status, a big customer, a keyword):
      // planned with them every time, never from a generic plan.
      const run = (mode: 'and' | 'or' | 'number') =>
        withCustomPlans(() =>
          database.withTenant(a.tenantId, (tx) =>
            repo.list(tx, {
              tenantId: a.tenantId,
              userId: a.userId,
              scope: ticketScope(a),
              filters,
              ...(filters.q
                ? {
                    keyword: {
                      tsquery: words.length && mode !== 'number' ? tsQuery(words, mode) : '',
                      raw: filters.q,
                      internal: seesInternal(a),
                      numberOnly: mode === 'number',
                    },
                  }
                : {}),
              sort,
              order,
              limit: p.limit + 1,
              ...(after ? { after: { value: after.v, id: after.id } } : {}),
            }),
          ),
        )
      let mode: 'and' | 'or' = after?.m ?? 'and'
      // A keyword shaped like a ticket number (SR-2026-000042) finds that ticket by the unique index;
      // when no ticket has that number, the words are searched as usual.
      let rows = !after && filters.q && looksLikeTicketNumber(filters.q) ? await run('number') : []
      if (!rows.length) rows = await run(mode)
      if (!rows.length && !after && words.length > 1) rows = await run((mode = 'or'))
      const items = rows.slice(0, p.limit)
      const last = items[items.length - 1]
      const nextCursor =
        rows.length > p.limit && last
          ? encodeCursor({ v: cursorValue(last, sort), id: last.id, ...(words.length ? { m: mode } : {}) })
          : null
      return { items, nextCursor }
    },

    async counts(ctx: RequestContext): Promise<TicketTabCounts> {
      const a = ctx.actor
      return withCustomPlans(() => database.withTenant(a.tenantId, (tx) => repo.tabCounts(tx, a.tenantId, a.userId, ticketScope(a))))
    },

    listViews: (ctx: RequestContext): Promise<TicketViewRow[]> =>
      isStaff(ctx.actor) ? database.withTenant(ctx.actor.tenantId, (tx) => config.listViews(tx, ctx.actor.userId)) : Promise.resolve([]),

    async createView(
      ctx: RequestContext,
      body: { name: string; shared: boolean; filters: TicketFilters; sort: SortField; order: 'asc' | 'desc' },
    ): Promise<TicketViewRow> {
      if (!isStaff(ctx.actor)) throw new ForbiddenError('Saved views are for the service desk')
      const now = clock.now()
      return database.withTenant(ctx.actor.tenantId, (tx) =>
        config.insertView(tx, {
          tenantId: ctx.actor.tenantId,
          ownerId: ctx.actor.userId,
          name: body.name,
          shared: body.shared,
          filters: body.filters,
          sort: body.sort,
          sortOrder: body.order,
          createdAt: now,
          updatedAt: now,
        }),
      )
    },

    async updateView(
      ctx: RequestContext,
      id: string,
      body: Partial<{ name: string; shared: boolean; filters: TicketFilters; sort: SortField; order: 'asc' | 'desc' }>,
    ): Promise<TicketViewRow> {
      await ownView(ctx, id, true)
      const { order, ...rest } = body
      return database.withTenant(ctx.actor.tenantId, (tx) =>
        config.updateView(tx, id, { ...rest, ...(order ? { sortOrder: order } : {}), updatedAt: clock.now() }),
      )
    },

    async deleteView(ctx: RequestContext, id: string): Promise<void> {
      await ownView(ctx, id, true)
      await database.withTenant(ctx.actor.tenantId, (tx) => config.deleteView(tx, id))
    },

    /** One action over many tickets; each ticket succeeds or fails on its own (its own transaction). */
    async bulk(
      ctx: RequestContext,
      ticketIds: string[],
      action: BulkAction,
    ): Promise<{ ticketId: string; ok: boolean; code?: string; message?: string }[]> {
      if (!isStaff(ctx.actor)) throw new ForbiddenError('Bulk actions are for the service desk')
      const results: { ticketId: string; ok: boolean; code?: string; message?: string }[] = []
      for (const ticketId of [...new Set(ticketIds)]) {
        try {
          switch (action.type) {
            case 'assign':
              await lifecycle.assign(ctx, ticketId, { assigneeId: action.assigneeId, queueId: action.queueId })
              break
            case 'status':
              await lifecycle.transition(ctx, ticketId, action)
              break
            case 'tag':
              await database.withTenant(ctx.actor.tenantId, async (tx) => {
                const t = await ticketForWrite(tx, ctx.actor, ticketId)
                lifecycle.assertWork(ctx.actor, t)
                const tags = [...new Set([...t.tags.filter((x) => !action.remove.includes(x)), ...action.add])].slice(0, 30)
                await lifecycle.applyUpdate(tx, t, await whoOf(tx, ctx), { tags })
              })
              break
          }
          results.push({ ticketId, ok: true })
        } catch (e) {
          if (!(e instanceof AppError)) throw e
          results.push({ ticketId, ok: false, code: e.code, message: e.message })
        }
      }
      return results
    },
  }
}
export type TicketFinder = ReturnType<typeof createTicketFinder>
