// Drizzle mirror of migrations/0025_portal_login_codes.sql (owner connection only, no tenant scope).
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const portalLoginCodes = pgTable('portal_login_codes', {
  id: uuid('id').primaryKey(),
  targetHash: text('target_hash').notNull(),
  channel: text('channel').$type<'sms' | 'email'>().notNull(),
  tenantId: uuid('tenant_id'),
  userId: uuid('user_id'),
  contactId: uuid('contact_id'),
  customerId: uuid('customer_id'),
  codeHash: text('code_hash').notNull(),
  expiresAt: ts('expires_at').notNull(),
  attempts: integer('attempts').notNull(),
  usedAt: ts('used_at'),
  ip: text('ip'),
  createdAt: ts('created_at').notNull(),
})
export type PortalLoginCodeRow = typeof portalLoginCodes.$inferSelect
