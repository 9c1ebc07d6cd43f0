// Rows → API shapes. Personal data (phone, email, WeChat id, street) is masked unless `reveal`.
import type { Address, Contact, Customer } from '@aftercare/contracts'
import { regionLabel } from './area.ts'
import { maskEmail, maskPhone, maskStreet, maskText } from './masking.ts'
import type { AddressRow, ContactRow, CustomerRow } from './customers.tables.ts'

export function toContactDto(row: ContactRow, reveal: boolean): Contact {
  return {
    id: row.id,
    customerId: row.customerId,
    name: row.name,
    mobile: row.mobile && (reveal ? row.mobile : maskPhone(row.mobile)),
    email: row.email && (reveal ? row.email : maskEmail(row.email)),
    wechatId: row.wechatId && (reveal ? row.wechatId : maskText(row.wechatId)),
    title: row.title,
    isPrimary: row.isPrimary,
    version: row.version,
  }
}

export function toAddressDto(row: AddressRow, reveal: boolean): Address {
  return {
    id: row.id,
    customerId: row.customerId,
    label: row.label,
    provinceCode: row.provinceCode,
    provinceName: row.provinceName,
    cityCode: row.cityCode,
    cityName: row.cityName,
    districtCode: row.districtCode,
    districtName: row.districtName,
    detail: reveal ? row.detail : maskStreet(row.detail),
    postalCode: row.postalCode,
    // coordinates locate a home as well as a street does
    latitude: reveal ? row.latitude : null,
    longitude: reveal ? row.longitude : null,
    isDefault: row.isDefault,
    version: row.version,
  }
}

/** `上海市浦东新区碧波路***` */
export function addressLine(row: AddressRow, reveal: boolean): string {
  return regionLabel(row) + (reveal ? row.detail : maskStreet(row.detail))
}

export function toCustomerDto(row: CustomerRow, extra: { contact?: ContactRow; address?: AddressRow } = {}): Customer {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    name: row.name,
    tier: row.tier,
    accountManagerId: row.accountManagerId,
    tags: row.tags,
    notes: row.notes,
    primaryContact: extra.contact ? { name: extra.contact.name, mobile: extra.contact.mobile && maskPhone(extra.contact.mobile) } : null,
    defaultAddress: extra.address ? addressLine(extra.address, false) : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  }
}
