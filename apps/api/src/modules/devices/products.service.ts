// Products: the models a tenant services, with their warranty length.
import type { CreateProductBody, Product, ProductList, UpdateProductBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { assertVersion, systemActor, who, type Who } from '../customers/index.ts'
import { deviceRepository, productRepository as repo } from './devices.repository.ts'
import { toProductDto } from './devices.mapping.ts'
import type { ProductRow } from './devices.tables.ts'
import { warrantyEnd } from './warranty.ts'

const modelTaken = () =>
  new AppError(409, 'model_taken', 'model: another product already has this model', {
    issues: [{ path: 'model', message: 'is already used by another product' }],
  })

const view = (p: ProductRow) => ({ model: p.model, name: p.name, category: p.category, warrantyMonths: p.warrantyMonths })

export function createProductService({ database, audit, outbox, clock }: ModuleDeps) {
  async function insertProduct(tx: DbOrTx, tenantId: string, body: CreateProductBody, by: Who): Promise<ProductRow> {
    if (await repo.findByModel(tx, body.model)) throw modelTaken()
    const now = clock.now()
    const row = await repo.insert(tx, {
      tenantId,
      ...body,
      description: body.description || null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    await audit.record(tx, { ...by, tenantId, action: 'product.created', entityType: 'product', entityId: row.id, after: view(row) })
    await outbox.publish(tx, {
      tenantId,
      type: 'product.created',
      aggregateType: 'product',
      aggregateId: row.id,
      payload: view(row),
      actorId: by.actorId,
    })
    return row
  }

  return {
    insertProduct,
    createAsSystem: (tx: DbOrTx, tenantId: string, body: CreateProductBody) => insertProduct(tx, tenantId, body, systemActor),

    async list(ctx: RequestContext, f: { q?: string; category?: string; limit: number; offset: number }): Promise<ProductList> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const { items, total } = await repo.list(tx, f)
        return { items: items.map((i) => toProductDto(i.product, i.deviceCount)), total }
      })
    },

    async get(ctx: RequestContext, id: string): Promise<Product> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await repo.findById(tx, id)
        if (!row) throw new NotFoundError('product', id)
        return toProductDto(row, await repo.countDevices(tx, id))
      })
    },

    async create(ctx: RequestContext, body: CreateProductBody): Promise<Product> {
      return database.withTenant(ctx.actor.tenantId, async (tx) =>
        toProductDto(await insertProduct(tx, ctx.actor.tenantId, body, who(ctx)), 0),
      )
    },

    /** Changes a product; a new warranty length moves the computed warranty end of its devices (not overridden ones). */
    async update(ctx: RequestContext, id: string, patch: UpdateProductBody, ifMatch: number | undefined): Promise<Product> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        const before = await repo.findById(tx, id)
        if (!before) throw new NotFoundError('product', id)
        assertVersion(ifMatch, before.version)
        if (patch.model !== undefined) {
          const other = await repo.findByModel(tx, patch.model)
          if (other && other.id !== id) throw modelTaken()
        }
        const now = clock.now()
        const after = await repo.update(tx, id, {
          ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
          updatedAt: now,
          version: before.version + 1,
        })
        if (after.warrantyMonths !== before.warrantyMonths)
          for (const d of await deviceRepository.ofProduct(tx, id)) {
            if (d.warrantyOverridden) continue
            const end = warrantyEnd({ purchasedOn: d.purchasedOn, installedOn: d.installedOn, warrantyMonths: after.warrantyMonths })
            await deviceRepository.update(tx, d.id, { warrantyEndsOn: end, updatedAt: now, version: d.version + 1 })
          }
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'product.updated',
          entityType: 'product',
          entityId: id,
          before: view(before),
          after: view(after),
        })
        await outbox.publish(tx, {
          tenantId,
          type: 'product.updated',
          aggregateType: 'product',
          aggregateId: id,
          payload: view(after),
          actorId: ctx.actor.userId,
        })
        return toProductDto(after, await repo.countDevices(tx, id))
      })
    },

    async remove(ctx: RequestContext, id: string, ifMatch: number | undefined): Promise<void> {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const before = await repo.findById(tx, id)
        if (!before) throw new NotFoundError('product', id)
        assertVersion(ifMatch, before.version)
        if (await repo.countDevices(tx, id))
          throw new ConflictError('product_in_use', 'Devices of this product exist; move or delete them first')
        await repo.delete(tx, id)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'product.deleted',
          entityType: 'product',
          entityId: id,
          before: view(before),
        })
        await outbox.publish(tx, {
          tenantId,
          type: 'product.deleted',
          aggregateType: 'product',
          aggregateId: id,
          actorId: ctx.actor.userId,
        })
      })
    },
  }
}

export type ProductService = ReturnType<typeof createProductService>
