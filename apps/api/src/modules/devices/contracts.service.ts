// Service contracts: a customer's entitlements (SLA tier, covered services, included visits) for
// a period, on some of its devices. A device under an active contract shows `under_contract`.
import type { ContractList, CreateContractBody, ServiceContract, UpdateContractBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { assertVersion, findCustomerSummaries, findCustomerSummary, systemActor, who, type Who } from '../customers/index.ts'
import { contractRepository as repo, deviceRepository } from './devices.repository.ts'
import { toContractDto } from './devices.mapping.ts'
import type { ContractRow } from './devices.tables.ts'
import { today } from './warranty.ts'

const codeTaken = () =>
  new AppError(409, 'code_taken', 'code: another contract already has this number', {
    issues: [{ path: 'code', message: 'is already used by another contract' }],
  })

const view = (c: ContractRow, deviceIds: string[]) => ({
  code: c.code,
  name: c.name,
  startsOn: c.startsOn,
  endsOn: c.endsOn,
  slaTier: c.slaTier,
  coveredServices: c.coveredServices,
  includedVisits: c.includedVisits,
  deviceIds,
})

export function createContractService({ database, audit, outbox, clock }: ModuleDeps) {
  /** Every device must belong to the contract's customer. */
  async function assertDevices(tx: DbOrTx, customerId: string, deviceIds: readonly string[]) {
    const unique = [...new Set(deviceIds)]
    const rows = await deviceRepository.findByIds(tx, unique)
    const foreign = unique.filter((id) => !rows.some((d) => d.id === id && d.customerId === customerId))
    if (foreign.length) throw ValidationError.field('deviceIds', `not devices of this customer: ${foreign.join(', ')}`)
    return unique
  }

  async function dto(tx: DbOrTx, rows: ContractRow[]): Promise<ServiceContract[]> {
    const names = await findCustomerSummaries(
      tx,
      rows.map((r) => r.customerId),
    )
    const deviceIds = await repo.deviceIdsOf(
      tx,
      rows.map((r) => r.id),
    )
    const day = today(clock.now())
    return rows.map((r) => toContractDto(r, names.get(r.customerId)?.name ?? '', deviceIds.get(r.id) ?? [], day))
  }

  async function insertContract(tx: DbOrTx, tenantId: string, body: CreateContractBody, by: Who): Promise<ContractRow> {
    if (!(await findCustomerSummary(tx, body.customerId))) throw ValidationError.field('customerId', 'no such customer')
    if (body.code && (await repo.findByCode(tx, body.code))) throw codeTaken()
    const deviceIds = await assertDevices(tx, body.customerId, body.deviceIds)
    const now = clock.now()
    const row = await repo.insert(tx, {
      tenantId,
      customerId: body.customerId,
      code: body.code ?? null,
      name: body.name,
      startsOn: body.startsOn,
      endsOn: body.endsOn,
      slaTier: body.slaTier,
      coveredServices: [...new Set(body.coveredServices)],
      includedVisits: body.includedVisits,
      notes: body.notes || null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    await repo.setDevices(tx, tenantId, row.id, deviceIds)
    await audit.record(tx, {
      ...by,
      tenantId,
      action: 'contract.created',
      entityType: 'service_contract',
      entityId: row.id,
      after: view(row, deviceIds),
    })
    await outbox.publish(tx, {
      tenantId,
      type: 'contract.created',
      aggregateType: 'service_contract',
      aggregateId: row.id,
      payload: { customerId: row.customerId, slaTier: row.slaTier, startsOn: row.startsOn, endsOn: row.endsOn, deviceIds },
      actorId: by.actorId,
    })
    return row
  }

  async function found(tx: DbOrTx, id: string, forUpdate = false) {
    const row = await repo.findById(tx, id, { forUpdate })
    if (!row) throw new NotFoundError('contract', id)
    return row
  }

  return {
    createAsSystem: (tx: DbOrTx, tenantId: string, body: CreateContractBody) => insertContract(tx, tenantId, body, systemActor),

    async list(
      ctx: RequestContext,
      f: { customerId?: string; status?: 'upcoming' | 'active' | 'expired'; limit: number; offset: number },
    ): Promise<ContractList> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const { items, total } = await repo.list(tx, { ...f, day: today(clock.now()) })
        return { items: await dto(tx, items), total }
      })
    },

    async get(ctx: RequestContext, id: string): Promise<ServiceContract> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => (await dto(tx, [await found(tx, id)]))[0]!)
    },

    async create(ctx: RequestContext, body: CreateContractBody): Promise<ServiceContract> {
      return database.withTenant(
        ctx.actor.tenantId,
        async (tx) => (await dto(tx, [await insertContract(tx, ctx.actor.tenantId, body, who(ctx))]))[0]!,
      )
    },

    async update(ctx: RequestContext, id: string, patch: UpdateContractBody, ifMatch: number | undefined): Promise<ServiceContract> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        const before = await found(tx, id, true)
        assertVersion(ifMatch, before.version)
        const startsOn = patch.startsOn ?? before.startsOn
        const endsOn = patch.endsOn ?? before.endsOn
        if (endsOn < startsOn) throw ValidationError.field('endsOn', 'must not be before startsOn')
        if (patch.code) {
          const other = await repo.findByCode(tx, patch.code)
          if (other && other.id !== id) throw codeTaken()
        }
        const devicesBefore = (await repo.deviceIdsOf(tx, [id])).get(id) ?? []
        const deviceIds = patch.deviceIds ? await assertDevices(tx, before.customerId, patch.deviceIds) : devicesBefore
        if (patch.deviceIds) await repo.setDevices(tx, tenantId, id, deviceIds)
        const after = await repo.update(tx, id, {
          ...(patch.code !== undefined ? { code: patch.code } : {}),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.slaTier !== undefined ? { slaTier: patch.slaTier } : {}),
          ...(patch.coveredServices !== undefined ? { coveredServices: [...new Set(patch.coveredServices)] } : {}),
          ...(patch.includedVisits !== undefined ? { includedVisits: patch.includedVisits } : {}),
          ...(patch.notes !== undefined ? { notes: patch.notes || null } : {}),
          startsOn,
          endsOn,
          updatedAt: clock.now(),
          version: before.version + 1,
        })
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'contract.updated',
          entityType: 'service_contract',
          entityId: id,
          before: view(before, devicesBefore),
          after: view(after, deviceIds),
        })
        await outbox.publish(tx, {
          tenantId,
          type: 'contract.updated',
          aggregateType: 'service_contract',
          aggregateId: id,
          payload: { customerId: after.customerId, slaTier: after.slaTier, startsOn, endsOn, deviceIds },
          actorId: ctx.actor.userId,
        })
        return (await dto(tx, [after]))[0]!
      })
    },

    async remove(ctx: RequestContext, id: string, ifMatch: number | undefined): Promise<void> {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const before = await found(tx, id, true)
        assertVersion(ifMatch, before.version)
        await repo.delete(tx, id)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'contract.deleted',
          entityType: 'service_contract',
          entityId: id,
          before: { name: before.name, code: before.code },
        })
        await outbox.publish(tx, {
          tenantId,
          type: 'contract.deleted',
          aggregateType: 'service_contract',
          aggregateId: id,
          payload: { customerId: before.customerId },
          actorId: ctx.actor.userId,
        })
      })
    },
  }
}

export type ContractService = ReturnType<typeof createContractService>
