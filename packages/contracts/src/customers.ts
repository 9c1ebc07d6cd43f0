import { z } from 'zod'
import { Line } from './common.ts'

export const CustomerTier = z.enum(['standard', 'silver', 'gold', 'strategic'])
export type CustomerTier = z.infer<typeof CustomerTier>
export const CustomerKind = z.enum(['organisation', 'individual'])

export const Customer = z.object({
  id: z.uuid(),
  kind: CustomerKind,
  name: z.string(),
  tier: CustomerTier,
  accountManagerId: z.uuid().nullable(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type Customer = z.infer<typeof Customer>

export const CreateCustomerBody = z.object({
  kind: CustomerKind.default('organisation'),
  name: Line(200),
  tier: CustomerTier.default('standard'),
  accountManagerId: z.uuid().optional(),
  tags: z.array(Line(50)).max(50).default([]),
})
export type CreateCustomerBody = z.infer<typeof CreateCustomerBody>

export const CustomerListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  tier: CustomerTier.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export const CustomerList = z.object({ items: z.array(Customer), total: z.number().int() })
