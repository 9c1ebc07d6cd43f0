// Rows → API shapes. The street of an installation place is masked unless revealed.
import type { Device, Product, ServiceContract } from '@aftercare/contracts'
import type { CustomerSummary } from '../customers/index.ts'
import { maskStreet } from '../customers/index.ts'
import type { ContractRow, DeviceRow, ProductRow } from './devices.tables.ts'
import { contractStatus, warrantyState } from './warranty.ts'

export function toProductDto(row: ProductRow, deviceCount: number): Product {
  return {
    id: row.id,
    model: row.model,
    name: row.name,
    category: row.category,
    warrantyMonths: row.warrantyMonths,
    description: row.description,
    deviceCount,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  }
}

export function toContractDto(row: ContractRow, customerName: string, deviceIds: string[], day: string): ServiceContract {
  return {
    id: row.id,
    customerId: row.customerId,
    customerName,
    code: row.code,
    name: row.name,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    slaTier: row.slaTier,
    coveredServices: row.coveredServices,
    includedVisits: row.includedVisits,
    deviceIds,
    status: contractStatus(row.startsOn, row.endsOn, day),
    notes: row.notes,
    version: row.version,
  }
}

export interface DeviceContext {
  product: ProductRow
  customer: Pick<CustomerSummary, 'id' | 'name' | 'tier'>
  /** The contract covering the device today, if any. */
  activeContract: ContractRow | undefined
  day: string
}

export function toDeviceDto(row: DeviceRow, ctx: DeviceContext, reveal: boolean): Device {
  const place =
    row.installProvinceCode && row.installDetail
      ? {
          provinceCode: row.installProvinceCode,
          provinceName: row.installProvinceName ?? '',
          cityCode: row.installCityCode ?? '',
          cityName: row.installCityName ?? '',
          districtCode: row.installDistrictCode ?? '',
          districtName: row.installDistrictName ?? '',
          detail: reveal ? row.installDetail : maskStreet(row.installDetail),
          latitude: reveal ? row.latitude : null,
          longitude: reveal ? row.longitude : null,
        }
      : null
  const c = ctx.activeContract
  return {
    id: row.id,
    serialNumber: row.serialNumber,
    product: {
      id: ctx.product.id,
      model: ctx.product.model,
      name: ctx.product.name,
      category: ctx.product.category,
      warrantyMonths: ctx.product.warrantyMonths,
    },
    customer: { id: ctx.customer.id, name: ctx.customer.name, tier: ctx.customer.tier },
    purchasedOn: row.purchasedOn,
    installedOn: row.installedOn,
    installPlace: place,
    warrantyEndsOn: row.warrantyEndsOn,
    warrantyOverridden: row.warrantyOverridden,
    warrantyState: warrantyState(row.warrantyEndsOn, ctx.day, Boolean(c)),
    activeContract: c ? { id: c.id, name: c.name, endsOn: c.endsOn, slaTier: c.slaTier } : null,
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  }
}
