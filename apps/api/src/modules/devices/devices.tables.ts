import { boolean, date, doublePrecision, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { CoveredService, CustomerTier } from '@aftercare/contracts'

export const products = pgTable('products', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  model: text('model').notNull(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  warrantyMonths: integer('warranty_months').notNull(),
  description: text('description'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})
export type ProductRow = typeof products.$inferSelect

export const devices = pgTable('devices', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  serialNumber: text('serial_number').notNull(),
  productId: uuid('product_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  purchasedOn: date('purchased_on'),
  installedOn: date('installed_on'),
  installProvinceCode: text('install_province_code'),
  installProvinceName: text('install_province_name'),
  installCityCode: text('install_city_code'),
  installCityName: text('install_city_name'),
  installDistrictCode: text('install_district_code'),
  installDistrictName: text('install_district_name'),
  installDetail: text('install_detail'),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  warrantyEndsOn: date('warranty_ends_on'),
  warrantyOverridden: boolean('warranty_overridden').notNull(),
  qrCode: text('qr_code').notNull(),
  notes: text('notes'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})
export type DeviceRow = typeof devices.$inferSelect

export const serviceContracts = pgTable('service_contracts', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  code: text('code'),
  name: text('name').notNull(),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  slaTier: text('sla_tier').$type<CustomerTier>().notNull(),
  coveredServices: text('covered_services').array().$type<CoveredService[]>().notNull(),
  includedVisits: integer('included_visits').notNull(),
  notes: text('notes'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})
export type ContractRow = typeof serviceContracts.$inferSelect

export const serviceContractDevices = pgTable('service_contract_devices', {
  tenantId: uuid('tenant_id').notNull(),
  contractId: uuid('contract_id').notNull(),
  deviceId: uuid('device_id').notNull(),
})

export const deviceReportCodes = pgTable('device_report_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  deviceId: uuid('device_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  channel: text('channel').$type<'sms' | 'email'>().notNull(),
  codeHash: text('code_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull(),
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  usedAt: timestamp('used_at', { withTimezone: true }),
  ip: text('ip'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
})
export type ReportCodeRow = typeof deviceReportCodes.$inferSelect
