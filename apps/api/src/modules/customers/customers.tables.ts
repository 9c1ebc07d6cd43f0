import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const customers = pgTable('customers', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  kind: text('kind').$type<'organisation' | 'individual'>().notNull(),
  name: text('name').notNull(),
  tier: text('tier').$type<'standard' | 'silver' | 'gold' | 'strategic'>().notNull(),
  accountManagerId: uuid('account_manager_id'),
  tags: text('tags').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
})

export type CustomerRow = typeof customers.$inferSelect
