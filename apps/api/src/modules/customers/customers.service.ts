// Customers: organisations and individuals, with their contacts and addresses (R9).
import type { CreateCustomerBody, CustomerDetail, CustomerList, CustomerListQuery, UpdateCustomerBody } from '@aftercare/contracts'
import type { AuditEntry } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { cutPage, positionOf } from '../../platform/http/pagination.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findUserSummary } from '../identity/index.ts'
import { resolveRegion } from './area.ts'
import { customerRepository as repo } from './customers.repository.ts'
import { toAddressDto, toContactDto, toCustomerDto } from './customers.mapping.ts'
import { canReadCustomer } from './customers.policy.ts'
import type { CustomerRow } from './customers.tables.ts'

/** Who did it, for the audit log: a signed-in user or token, or the system (seed, import). */
export type Who = Pick<AuditEntry, 'actorType' | 'actorId' | 'requestId' | 'ip'>
export const systemActor: Who = { actorType: 'system', actorId: null, requestId: null, ip: null }
export function who(ctx: RequestContext): Who {
  return { actorType: ctx.actor.kind === 'token' ? 'token' : 'user', actorId: ctx.actor.userId, requestId: ctx.requestId, ip: ctx.ip }
}

export type CreateCustomerInput = Omit<CreateCustomerBody, 'kind' | 'tier' | 'tags' | 'contacts' | 'addresses'> &
  Partial<Pick<CreateCustomerBody, 'kind' | 'tier' | 'tags' | 'contacts' | 'addresses'>>

const codeTaken = () =>
  new AppError(409, 'code_taken', 'code: another customer already has this customer number', {
    issues: [{ path: 'code', message: 'is already used by another customer' }],
  })

/** Checks `If-Match` against the row's version (412 when someone changed it since). */
export function assertVersion(ifMatch: number | undefined, version: number) {
  if (ifMatch !== undefined && ifMatch !== version) throw new PreconditionFailedError()
}

export function createCustomerService({ database, audit, outbox, clock }: ModuleDeps) {
  /** An account manager is an active staff member of the tenant. */
  async function assertAccountManager(tx: DbOrTx, tenantId: string, userId: string | null | undefined) {
    if (!userId) return
    const u = await findUserSummary(tx, tenantId, userId)
    if (!u || u.status !== 'active' || u.roles.every((r) => r === 'customer_contact'))
      throw ValidationError.field('accountManagerId', 'must be an active staff user of this organisation')
  }

  async function assertCodeFree(tx: DbOrTx, code: string | null | undefined, selfId?: string) {
    if (!code) return
    const other = await repo.findByCode(tx, code)
    if (other && other.id !== selfId) throw codeTaken()
  }

  async function insertCustomer(tx: DbOrTx, tenantId: string, input: CreateCustomerInput, by: Who) {
    await assertAccountManager(tx, tenantId, input.accountManagerId)
    await assertCodeFree(tx, input.code)
    const now = clock.now()
    const row = await repo.insert(tx, {
      tenantId,
      code: input.code ?? null,
      kind: input.kind ?? 'organisation',
      name: input.name,
      tier: input.tier ?? 'standard',
      accountManagerId: input.accountManagerId ?? null,
      tags: [...new Set(input.tags ?? [])],
      notes: input.notes || null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    const contacts = input.contacts ?? []
    const primaryIndex = Math.max(
      contacts.findIndex((c) => c.isPrimary),
      0,
    )
    for (const [i, c] of contacts.entries()) {
      await repo.insertContact(tx, {
        tenantId,
        customerId: row.id,
        name: c.name,
        mobile: c.mobile ?? null,
        email: c.email ?? null,
        wechatId: c.wechatId ?? null,
        title: c.title ?? null,
        isPrimary: i === primaryIndex,
        createdAt: now,
        updatedAt: now,
        version: 1,
      })
    }
    const addresses = input.addresses ?? []
    const defaultIndex = Math.max(
      addresses.findIndex((a) => a.isDefault),
      0,
    )
    for (const [i, a] of addresses.entries()) {
      const region = resolveRegion(a, `addresses.${i}`)
      await repo.insertAddress(tx, {
        tenantId,
        customerId: row.id,
        label: a.label ?? null,
        ...region,
        detail: a.detail,
        postalCode: a.postalCode ?? null,
        latitude: a.latitude ?? null,
        longitude: a.longitude ?? null,
        isDefault: i === defaultIndex,
        createdAt: now,
        updatedAt: now,
        version: 1,
      })
    }
    await audit.record(tx, {
      ...by,
      tenantId,
      action: 'customer.created',
      entityType: 'customer',
      entityId: row.id,
      after: {
        name: row.name,
        code: row.code,
        kind: row.kind,
        tier: row.tier,
        tags: row.tags,
        contacts: contacts.length,
        addresses: addresses.length,
      },
    })
    await outbox.publish(tx, {
      tenantId,
      type: 'customer.created',
      aggregateType: 'customer',
      aggregateId: row.id,
      payload: { name: row.name, tier: row.tier },
      actorId: by.actorId,
    })
    return row
  }

  async function updateCustomer(tx: DbOrTx, tenantId: string, before: CustomerRow, patch: UpdateCustomerBody, by: Who) {
    if (patch.accountManagerId !== undefined) await assertAccountManager(tx, tenantId, patch.accountManagerId)
    if (patch.code !== undefined) await assertCodeFree(tx, patch.code, before.id)
    const changes: Partial<CustomerRow> = {}
    if (patch.code !== undefined) changes.code = patch.code
    if (patch.kind !== undefined) changes.kind = patch.kind
    if (patch.name !== undefined) changes.name = patch.name
    if (patch.tier !== undefined) changes.tier = patch.tier
    if (patch.accountManagerId !== undefined) changes.accountManagerId = patch.accountManagerId
    if (patch.tags !== undefined) changes.tags = [...new Set(patch.tags)]
    if (patch.notes !== undefined) changes.notes = patch.notes || null
    const after = await repo.update(tx, before.id, { ...changes, updatedAt: clock.now(), version: before.version + 1 })
    const view = (r: CustomerRow) => ({
      code: r.code,
      kind: r.kind,
      name: r.name,
      tier: r.tier,
      accountManagerId: r.accountManagerId,
      tags: r.tags,
      notes: r.notes,
    })
    await audit.record(tx, {
      ...by,
      tenantId,
      action: 'customer.updated',
      entityType: 'customer',
      entityId: before.id,
      before: view(before),
      after: view(after),
    })
    await outbox.publish(tx, {
      tenantId,
      type: 'customer.updated',
      aggregateType: 'customer',
      aggregateId: before.id,
      payload: { fields: Object.keys(changes), tier: after.tier, accountManagerId: after.accountManagerId },
      actorId: by.actorId,
    })
    return after
  }

  async function detail(tx: DbOrTx, row: CustomerRow, reveal: boolean): Promise<CustomerDetail> {
    const [contacts, addresses, manager] = [
      await repo.contactsOf(tx, [row.id]),
      await repo.addressesOf(tx, [row.id]),
      row.accountManagerId ? await findUserSummary(tx, row.tenantId, row.accountManagerId) : undefined,
    ]
    return {
      ...toCustomerDto(row, { contact: contacts[0], address: addresses[0] }),
      accountManagerName: manager?.name ?? null,
      contacts: contacts.map((c) => toContactDto(c, reveal)),
      addresses: addresses.map((a) => toAddressDto(a, reveal)),
      revealed: reveal,
    }
  }

  /** The customer if the actor may see it; otherwise exactly like a missing one (404). */
  async function readable(tx: DbOrTx, ctx: RequestContext, id: string, forUpdate = false): Promise<CustomerRow> {
    const row = await repo.findById(tx, id, { forUpdate })
    if (!row || !canReadCustomer(ctx.actor, row)) throw new NotFoundError('customer', id)
    return row
  }

  return {
    /** Creates a customer (organisation or individual) with its first contacts and addresses. */
    async create(ctx: RequestContext, input: CreateCustomerInput): Promise<CustomerDetail> {
      return database.withTenant(ctx.actor.tenantId, async (tx) =>
        detail(tx, await insertCustomer(tx, ctx.actor.tenantId, input, who(ctx)), false),
      )
    },

    /** Creates a customer as the system (seed, import) in the caller's tenant transaction. */
    createAsSystem: (tx: DbOrTx, tenantId: string, input: CreateCustomerInput, by: Who = systemActor) =>
      insertCustomer(tx, tenantId, input, by),
    updateAsSystem: (tx: DbOrTx, tenantId: string, before: CustomerRow, patch: UpdateCustomerBody, by: Who = systemActor) =>
      updateCustomer(tx, tenantId, before, patch, by),

    /** One customer with contacts and addresses, personal data masked. */
    async get(ctx: RequestContext, id: string): Promise<CustomerDetail> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => detail(tx, await readable(tx, ctx, id), false))
    },

    /** The same with phone numbers, emails and streets in full; the reveal is written to the audit log. */
    async reveal(ctx: RequestContext, id: string): Promise<CustomerDetail> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await readable(tx, ctx, id)
        const out = await detail(tx, row, true)
        await audit.record(tx, {
          ...who(ctx),
          tenantId: ctx.actor.tenantId,
          action: 'customer.pii_revealed',
          entityType: 'customer',
          entityId: id,
          after: { contacts: out.contacts.map((c) => c.id), addresses: out.addresses.map((a) => a.id) },
        })
        return out
      })
    },

    /** A page of customers; the primary contact's phone and the default address are masked. */
    async list(ctx: RequestContext, f: CustomerListQuery): Promise<CustomerList> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const after = positionOf(f, repo.sortKind(f.sort))
        const found = await repo.list(tx, { ...f, ...(after ? { after } : {}) })
        const { items, nextCursor } = cutPage(found.rows, f.limit, f.sort)
        const total = found.total
        const ids = items.map((c) => c.id)
        const contacts = await repo.contactsOf(tx, ids)
        const addresses = await repo.addressesOf(tx, ids)
        return {
          items: items.map((c) =>
            toCustomerDto(c, {
              contact: contacts.find((x) => x.customerId === c.id),
              address: addresses.find((a) => a.customerId === c.id),
            }),
          ),
          total,
          nextCursor,
        }
      })
    },

    /** Changes a customer's own fields; `ifMatch` is the version the client read. */
    async update(ctx: RequestContext, id: string, patch: UpdateCustomerBody, ifMatch: number | undefined): Promise<CustomerDetail> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        const before = await readable(tx, ctx, id, true)
        assertVersion(ifMatch, before.version)
        return detail(tx, await updateCustomer(tx, tenantId, before, patch, who(ctx)), false)
      })
    },

    /** Deletes a customer with its contacts and addresses; one that still owns devices or contracts is refused (409). */
    async remove(ctx: RequestContext, id: string, ifMatch: number | undefined): Promise<void> {
      const tenantId = ctx.actor.tenantId
      try {
        await database.withTenant(tenantId, async (tx) => {
          const before = await readable(tx, ctx, id, true)
          assertVersion(ifMatch, before.version)
          await repo.delete(tx, id)
          await audit.record(tx, {
            ...who(ctx),
            tenantId,
            action: 'customer.deleted',
            entityType: 'customer',
            entityId: id,
            before: { name: before.name, code: before.code },
          })
          await outbox.publish(tx, {
            tenantId,
            type: 'customer.deleted',
            aggregateType: 'customer',
            aggregateId: id,
            payload: { name: before.name },
            actorId: ctx.actor.userId,
          })
        })
      } catch (e) {
        if (
          (e as { code?: unknown; cause?: { code?: unknown } }).code === '23503' ||
          (e as { cause?: { code?: unknown } }).cause?.code === '23503'
        )
          throw new ConflictError('customer_in_use', 'The customer still owns devices, contracts or tickets; move or delete them first')
        throw e
      }
    },

    readable,
  }
}

export type CustomerService = ReturnType<typeof createCustomerService>
