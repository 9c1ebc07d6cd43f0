// The device archive: each device's serial number, product, owner, installation place and dates,
// its warranty end (computed from the product's months, or overridden) and the contracts covering it.
import type {
  CreateDeviceBody,
  Device,
  DeviceDetail,
  DeviceList,
  DeviceListQuery,
  DeviceServiceRecord,
  PlaceInput,
  UpdateDeviceBody,
} from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { cutPage, positionOf } from '../../platform/http/pagination.ts'
import type { ModuleDeps } from '../../modules.ts'
import {
  assertVersion,
  findCustomerSummaries,
  findCustomerSummary,
  resolveRegion,
  searchCustomerIds,
  systemActor,
  who,
  type Who,
} from '../customers/index.ts'
import { contractRepository, deviceRepository as repo, productRepository } from './devices.repository.ts'
import { toContractDto, toDeviceDto } from './devices.mapping.ts'
import type { ContractRow, DeviceRow } from './devices.tables.ts'
import { newQrCode } from './qr-token.ts'
import { today, warrantyEnd } from './warranty.ts'

/** A ticket about a device as the tickets module lists it. */
export interface DeviceTicket {
  id: string
  number: string
  subject: string
  status: string
  priority: string | null
  createdAt: Date
  updatedAt: Date
}

export interface DeviceNeighbours {
  /** Tickets about the device that the actor may see, newest first (the tickets module); absent until it exists. */
  serviceHistory?: (ctx: RequestContext, deviceId: string) => Promise<DeviceTicket[]>
}

const serialTaken = () =>
  new AppError(409, 'serial_taken', 'serialNumber: another device already has this serial number', {
    issues: [{ path: 'serialNumber', message: 'is already used by another device' }],
  })

function placeColumns(place: PlaceInput | null, path: string) {
  if (!place)
    return {
      installProvinceCode: null,
      installProvinceName: null,
      installCityCode: null,
      installCityName: null,
      installDistrictCode: null,
      installDistrictName: null,
      installDetail: null,
      latitude: null,
      longitude: null,
    }
  const r = resolveRegion(place, path)
  if ((place.latitude === undefined) !== (place.longitude === undefined))
    throw ValidationError.field(
      `${path}.${place.latitude === undefined ? 'latitude' : 'longitude'}`,
      'give latitude and longitude together',
    )
  return {
    installProvinceCode: r.provinceCode,
    installProvinceName: r.provinceName,
    installCityCode: r.cityCode,
    installCityName: r.cityName,
    installDistrictCode: r.districtCode,
    installDistrictName: r.districtName,
    installDetail: place.detail,
    latitude: place.latitude ?? null,
    longitude: place.longitude ?? null,
  }
}

const auditView = (d: DeviceRow) => ({
  serialNumber: d.serialNumber,
  productId: d.productId,
  customerId: d.customerId,
  purchasedOn: d.purchasedOn,
  installedOn: d.installedOn,
  installDistrictCode: d.installDistrictCode,
  installDetail: d.installDetail,
  warrantyEndsOn: d.warrantyEndsOn,
  warrantyOverridden: d.warrantyOverridden,
})

export function createDeviceService({ database, audit, outbox, clock }: ModuleDeps, neighbours: DeviceNeighbours) {
  /** Products, owners and today's contracts for a page of devices. */
  async function hydrate(tx: DbOrTx, rows: DeviceRow[], reveal = false): Promise<Device[]> {
    const day = today(clock.now())
    const products = new Map((await productRepository.findByIds(tx, [...new Set(rows.map((r) => r.productId))])).map((p) => [p.id, p]))
    const owners = await findCustomerSummaries(
      tx,
      rows.map((r) => r.customerId),
    )
    const active = new Map<string, ContractRow>()
    for (const { deviceId, contract } of await contractRepository.ofDevices(
      tx,
      rows.map((r) => r.id),
    ))
      if (contract.startsOn <= day && contract.endsOn >= day && !active.has(deviceId)) active.set(deviceId, contract)
    return rows.map((r) =>
      toDeviceDto(
        r,
        {
          product: products.get(r.productId)!,
          customer: owners.get(r.customerId) ?? { id: r.customerId, name: '', tier: 'standard' },
          activeContract: active.get(r.id),
          day,
        },
        reveal,
      ),
    )
  }

  async function assertOwnerAndProduct(tx: DbOrTx, customerId: string | undefined, productId: string | undefined) {
    if (customerId && !(await findCustomerSummary(tx, customerId))) throw ValidationError.field('customerId', 'no such customer')
    const product = productId ? await productRepository.findById(tx, productId) : undefined
    if (productId && !product) throw ValidationError.field('productId', 'no such product')
    return product
  }

  /** Inserts a device in the caller's transaction (API, import, seed). */
  async function insertDevice(tx: DbOrTx, tenantId: string, body: CreateDeviceBody, by: Who): Promise<DeviceRow> {
    const product = (await assertOwnerAndProduct(tx, body.customerId, body.productId))!
    if (await repo.findBySerial(tx, body.serialNumber)) throw serialTaken()
    const now = clock.now()
    const purchasedOn = body.purchasedOn ?? null
    const installedOn = body.installedOn ?? null
    const row = await repo.insert(tx, {
      tenantId,
      serialNumber: body.serialNumber,
      productId: body.productId,
      customerId: body.customerId,
      purchasedOn,
      installedOn,
      ...placeColumns(body.installPlace ?? null, 'installPlace'),
      warrantyEndsOn: warrantyEnd({ purchasedOn, installedOn, warrantyMonths: product.warrantyMonths, override: body.warrantyEndsOn }),
      warrantyOverridden: Boolean(body.warrantyEndsOn),
      qrCode: newQrCode(),
      notes: body.notes || null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    await audit.record(tx, { ...by, tenantId, action: 'device.created', entityType: 'device', entityId: row.id, after: auditView(row) })
    await outbox.publish(tx, {
      tenantId,
      type: 'device.created',
      aggregateType: 'device',
      aggregateId: row.id,
      payload: { serialNumber: row.serialNumber, productId: row.productId, customerId: row.customerId },
      actorId: by.actorId,
    })
    return row
  }

  /** Applies a change in the caller's transaction; the warranty end follows unless it is overridden. */
  async function changeDevice(tx: DbOrTx, tenantId: string, before: DeviceRow, patch: UpdateDeviceBody, by: Who): Promise<DeviceRow> {
    const product =
      (await assertOwnerAndProduct(tx, patch.customerId, patch.productId)) ?? (await productRepository.findById(tx, before.productId))!
    if (
      patch.serialNumber !== undefined &&
      patch.serialNumber.toLowerCase() !== before.serialNumber.toLowerCase() &&
      (await repo.findBySerial(tx, patch.serialNumber))
    )
      throw serialTaken()
    const purchasedOn = patch.purchasedOn === undefined ? before.purchasedOn : patch.purchasedOn
    const installedOn = patch.installedOn === undefined ? before.installedOn : patch.installedOn
    const overridden = patch.warrantyEndsOn === undefined ? before.warrantyOverridden : patch.warrantyEndsOn !== null
    const override = patch.warrantyEndsOn === undefined ? (before.warrantyOverridden ? before.warrantyEndsOn : null) : patch.warrantyEndsOn
    const after = await repo.update(tx, before.id, {
      ...(patch.serialNumber !== undefined ? { serialNumber: patch.serialNumber } : {}),
      ...(patch.productId !== undefined ? { productId: patch.productId } : {}),
      ...(patch.customerId !== undefined ? { customerId: patch.customerId } : {}),
      ...(patch.installPlace !== undefined ? placeColumns(patch.installPlace, 'installPlace') : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes || null } : {}),
      purchasedOn,
      installedOn,
      warrantyEndsOn: warrantyEnd({ purchasedOn, installedOn, warrantyMonths: product.warrantyMonths, override }),
      warrantyOverridden: overridden,
      updatedAt: clock.now(),
      version: before.version + 1,
    })
    await audit.record(tx, {
      ...by,
      tenantId,
      action: 'device.updated',
      entityType: 'device',
      entityId: before.id,
      before: auditView(before),
      after: auditView(after),
    })
    await outbox.publish(tx, {
      tenantId,
      type: 'device.updated',
      aggregateType: 'device',
      aggregateId: before.id,
      payload: { customerId: after.customerId, ownerChanged: after.customerId !== before.customerId },
      actorId: by.actorId,
    })
    return after
  }

  async function found(tx: DbOrTx, id: string, forUpdate = false): Promise<DeviceRow> {
    const row = await repo.findById(tx, id, { forUpdate })
    if (!row) throw new NotFoundError('device', id)
    return row
  }

  async function history(ctx: RequestContext, id: string): Promise<{ serviceHistory: DeviceServiceRecord[]; historyAvailable: boolean }> {
    if (!neighbours.serviceHistory || !ctx.actor.permissions.has('tickets.read')) return { serviceHistory: [], historyAvailable: false }
    const tickets = await neighbours.serviceHistory(ctx, id)
    return {
      historyAvailable: true,
      serviceHistory: tickets.map((t) => ({
        ticketId: t.id,
        number: t.number,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        createdAt: t.createdAt.toISOString(),
        updatedAt: t.updatedAt.toISOString(),
      })),
    }
  }

  async function detail(ctx: RequestContext, id: string, reveal: boolean): Promise<DeviceDetail> {
    const tenantId = ctx.actor.tenantId
    const { device, contracts } = await database.withTenant(tenantId, async (tx) => {
      const row = await found(tx, id)
      const [device] = await hydrate(tx, [row], reveal)
      const covering = (await contractRepository.ofDevices(tx, [id])).map((c) => c.contract)
      const deviceIds = await contractRepository.deviceIdsOf(
        tx,
        covering.map((c) => c.id),
      )
      const day = today(clock.now())
      if (reveal)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'device.pii_revealed',
          entityType: 'device',
          entityId: id,
          after: { installPlace: Boolean(row.installDetail) },
        })
      return { device: device!, contracts: covering.map((c) => toContractDto(c, device!.customer.name, deviceIds.get(c.id) ?? [], day)) }
    })
    // The history is asked for after our transaction: the tickets module runs its own.
    return { ...device, contracts, ...(await history(ctx, id)), revealed: reveal }
  }

  return {
    insertDevice,
    changeDevice,
    hydrate,
    createAsSystem: (tx: DbOrTx, tenantId: string, body: CreateDeviceBody) => insertDevice(tx, tenantId, body, systemActor),

    /** A page of devices; `warrantyState` filters on today's state. */
    async list(ctx: RequestContext, f: DeviceListQuery): Promise<DeviceList> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const customerIds = f.q ? await searchCustomerIds(tx, f.q) : undefined
        const after = positionOf(f, repo.sortKind(f.sort))
        const found = await repo.list(tx, { ...f, day: today(clock.now()), customerIds, ...(after ? { after } : {}) })
        const { items, nextCursor } = cutPage(found.rows, f.limit, f.sort)
        return { items: await hydrate(tx, items), total: found.total, nextCursor }
      })
    },

    /** One device with its contracts and service history; the installation street masked. */
    get: (ctx: RequestContext, id: string) => detail(ctx, id, false),
    /** The same with the installation street and coordinates in full (audited). */
    reveal: (ctx: RequestContext, id: string) => detail(ctx, id, true),

    async create(ctx: RequestContext, body: CreateDeviceBody): Promise<Device> {
      return database.withTenant(
        ctx.actor.tenantId,
        async (tx) => (await hydrate(tx, [await insertDevice(tx, ctx.actor.tenantId, body, who(ctx))]))[0]!,
      )
    },

    async update(ctx: RequestContext, id: string, patch: UpdateDeviceBody, ifMatch: number | undefined): Promise<Device> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const before = await found(tx, id, true)
        assertVersion(ifMatch, before.version)
        return (await hydrate(tx, [await changeDevice(tx, ctx.actor.tenantId, before, patch, who(ctx))]))[0]!
      })
    },

    async remove(ctx: RequestContext, id: string, ifMatch: number | undefined): Promise<void> {
      const tenantId = ctx.actor.tenantId
      try {
        await database.withTenant(tenantId, async (tx) => {
          const before = await found(tx, id, true)
          assertVersion(ifMatch, before.version)
          await repo.delete(tx, id)
          await audit.record(tx, {
            ...who(ctx),
            tenantId,
            action: 'device.deleted',
            entityType: 'device',
            entityId: id,
            before: auditView(before),
          })
          await outbox.publish(tx, {
            tenantId,
            type: 'device.deleted',
            aggregateType: 'device',
            aggregateId: id,
            actorId: ctx.actor.userId,
          })
        })
      } catch (e) {
        const code = (e as { code?: unknown }).code ?? (e as { cause?: { code?: unknown } }).cause?.code
        if (code === '23503')
          throw new ConflictError('device_in_use', 'Tickets or other records refer to this device; it cannot be deleted')
        throw e
      }
    },
  }
}

export type DeviceService = ReturnType<typeof createDeviceService>
