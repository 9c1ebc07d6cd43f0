// Devices (R9, R1.2): products, the device archive, service contracts, QR labels and fault
// reports by scanning one. Other modules read devices only through the functions below.
import type { WarrantyState } from '@aftercare/contracts'
import type { RoutesPlugin } from '../../app.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { ModuleDeps } from '../../modules.ts'
import { createContractService } from './contracts.service.ts'
import { contractRepository, deviceRepository, productRepository } from './devices.repository.ts'
import { contractRoutes, deviceRoutes, productRoutes } from './devices.routes.ts'
import { createDeviceService, type DeviceNeighbours } from './devices.service.ts'
import { createDeviceTransfer } from './devices.transfer.ts'
import { createProductService } from './products.service.ts'
import { qrPublicRoutes } from './qr.routes.ts'
import { createQrService, type QrTicketPort } from './qr.service.ts'
import { today, warrantyState } from './warranty.ts'

export type { DeviceNeighbours, DeviceTicket } from './devices.service.ts'
export type { QrTicketPort } from './qr.service.ts'
export { warrantyEnd, warrantyState as warrantyStateOn } from './warranty.ts'

/** What tickets, SLA and dispatch need to know about a device. */
export interface DeviceSummary {
  id: string
  serialNumber: string
  customerId: string
  product: { id: string; model: string; name: string; category: string }
  warrantyEndsOn: string | null
  warrantyState: WarrantyState
  /** The contract covering the device on `day` (its SLA tier entitles the customer). */
  activeContract: { id: string; name: string; slaTier: string; endsOn: string } | null
}

/** A device by id in the caller's tenant transaction, or undefined; warranty state as of `now`. */
export async function findDeviceSummary(tx: DbOrTx, id: string, now: Date = new Date()): Promise<DeviceSummary | undefined> {
  const d = await deviceRepository.findById(tx, id)
  if (!d) return undefined
  const product = await productRepository.findById(tx, d.productId)
  const day = today(now)
  const contract = (await contractRepository.ofDevices(tx, [id])).map((c) => c.contract).find((c) => c.startsOn <= day && c.endsOn >= day)
  return {
    id: d.id,
    serialNumber: d.serialNumber,
    customerId: d.customerId,
    product: { id: product!.id, model: product!.model, name: product!.name, category: product!.category },
    warrantyEndsOn: d.warrantyEndsOn,
    warrantyState: warrantyState(d.warrantyEndsOn, day, Boolean(contract)),
    activeContract: contract ? { id: contract.id, name: contract.name, slaTier: contract.slaTier, endsOn: contract.endsOn } : null,
  }
}

export interface DevicesModuleOptions extends DeviceNeighbours {
  /** The tickets module's `createTicket`, for reports made by scanning a label. */
  tickets?: QrTicketPort
}

export function createDevicesModule(deps: ModuleDeps, options: DevicesModuleOptions = {}) {
  const products = createProductService(deps)
  const devices = createDeviceService(deps, options)
  const contracts = createContractService(deps)
  const transfer = createDeviceTransfer(deps, devices)
  const qr = createQrService(deps, devices, options.tickets)
  const plugins = [productRoutes(products), deviceRoutes(devices, transfer, qr), contractRoutes(contracts), qrPublicRoutes(qr)]
  const routes: RoutesPlugin = (app) => {
    for (const p of plugins) p(app)
  }
  return { products, devices, contracts, transfer, qr, routes }
}

export type DevicesModule = ReturnType<typeof createDevicesModule>
