import type { CreateCustomerBody, CustomerTier } from '@aftercare/contracts'
import { NotFoundError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { ModuleDeps } from '../../modules.ts'
import { customerRepository as repo } from './customers.repository.ts'
import { canReadCustomer } from './customers.policy.ts'
import type { CustomerRow } from './customers.tables.ts'

export type CreateCustomerInput = Omit<CreateCustomerBody, 'kind' | 'tier' | 'tags'> & Partial<Pick<CreateCustomerBody, 'kind' | 'tier' | 'tags'>>

export function createCustomerService({ database, audit, outbox, clock }: ModuleDeps) {
  /** Inserts a customer with its audit entry and `customer.created` event, inside the caller's transaction. */
  async function insertCustomer(tx: DbOrTx, tenantId: string, input: CreateCustomerInput, actor: { type: 'user' | 'system'; id: string | null; requestId?: string; ip?: string }) {
    const now = clock.now()
    const row = await repo.insert(tx, {
      tenantId,
      kind: input.kind ?? 'organisation',
      name: input.name,
      tier: input.tier ?? 'standard',
      accountManagerId: input.accountManagerId ?? null,
      tags: input.tags ?? [],
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    await audit.record(tx, {
      tenantId,
      actorType: actor.type,
      actorId: actor.id,
      action: 'customer.created',
      entityType: 'customer',
      entityId: row.id,
      after: { name: row.name, kind: row.kind, tier: row.tier, tags: row.tags },
      requestId: actor.requestId,
      ip: actor.ip,
    })
    await outbox.publish(tx, { tenantId, type: 'customer.created', aggregateType: 'customer', aggregateId: row.id, payload: { name: row.name, tier: row.tier }, actorId: actor.id })
    return row
  }

  return {
    /** Creates a customer (organisation or individual). */
    async create(ctx: RequestContext, input: CreateCustomerInput): Promise<CustomerRow> {
      return database.withTenant(ctx.actor.tenantId, (tx) =>
        insertCustomer(tx, ctx.actor.tenantId, input, { type: 'user', id: ctx.actor.userId, requestId: ctx.requestId, ip: ctx.ip }),
      )
    },

    /** Creates a customer as the system (seed, import), in the caller's tenant transaction. */
    createAsSystem: (tx: DbOrTx, tenantId: string, input: CreateCustomerInput) => insertCustomer(tx, tenantId, input, { type: 'system', id: null }),

    async get(ctx: RequestContext, id: string): Promise<CustomerRow> {
      const row = await database.withTenant(ctx.actor.tenantId, (tx) => repo.findById(tx, id))
      // Another organisation's customer answers exactly like a missing one.
      if (!row || !canReadCustomer(ctx.actor, row)) throw new NotFoundError('customer', id)
      return row
    },

    async list(ctx: RequestContext, f: { q?: string; tier?: CustomerTier; limit: number; offset: number }) {
      return database.withTenant(ctx.actor.tenantId, (tx) => repo.list(tx, f))
    },
  }
}

export type CustomerService = ReturnType<typeof createCustomerService>
