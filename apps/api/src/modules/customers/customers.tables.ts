import { boolean, doublePrecision, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const customers = pgTable('customers', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  code: text('code'),
  kind: text('kind').$type<'organisation' | 'individual'>().notNull(),
  name: text('name').notNull(),
  tier: text('tier').$type<'standard' | 'silver' | 'gold' | 'strategic'>().notNull(),
  accountManagerId: uuid('account_manager_id'),
  tags: text('tags').array().notNull(),
  notes: text('notes'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})

export type CustomerRow = typeof customers.$inferSelect

export const customerContacts = pgTable('customer_contacts', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  name: text('name').notNull(),
  mobile: text('mobile'),
  email: text('email'),
  wechatId: text('wechat_id'),
  title: text('title'),
  isPrimary: boolean('is_primary').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})

export type ContactRow = typeof customerContacts.$inferSelect

export const customerAddresses = pgTable('customer_addresses', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  label: text('label'),
  provinceCode: text('province_code').notNull(),
  provinceName: text('province_name').notNull(),
  cityCode: text('city_code').notNull(),
  cityName: text('city_name').notNull(),
  districtCode: text('district_code').notNull(),
  districtName: text('district_name').notNull(),
  detail: text('detail').notNull(),
  postalCode: text('postal_code'),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  isDefault: boolean('is_default').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})

export type AddressRow = typeof customerAddresses.$inferSelect
