import { z } from 'zod'
import { Line } from './common.ts'

export const CustomerTier = z.enum(['standard', 'silver', 'gold', 'strategic'])
export type CustomerTier = z.infer<typeof CustomerTier>
export const CustomerKind = z.enum(['organisation', 'individual'])
export type CustomerKind = z.infer<typeof CustomerKind>

const Text = (max: number) => z.string().trim().max(max)

/**
 * A mobile number, normalised: an 11-digit mainland number (`+86 138-1234-5678` → `13812345678`)
 * or `+` and 6–15 digits for other countries.
 */
export const Mobile = z
  .string()
  .trim()
  .max(30)
  .transform((s) => s.replace(/[\s-]/g, '').replace(/^(?:\+86|0086)(?=1\d{10}$)/, ''))
  .pipe(z.string().regex(/^(1[3-9]\d{9}|\+\d{6,15})$/, 'must be an 11-digit mobile number like 13812345678, or +<country code><number>'))

/** WeChat's own rule for a WeChat id: 6–20 characters, starting with a letter. */
export const WechatId = z
  .string()
  .trim()
  .regex(/^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/, 'must be 6–20 letters, digits, - or _, starting with a letter')

export const ContactEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((s) => {
    const at = s.lastIndexOf('@')
    return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`
  })

/** A 6-digit administrative code (province 110000, city 110100, district 110101). */
export const AreaCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit region code')

/** A place in mainland China: province / city / district codes (from @vant/area-data), street detail, coordinates. */
export const PlaceInput = z.object({
  provinceCode: AreaCode,
  cityCode: AreaCode,
  districtCode: AreaCode,
  detail: Line(200),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
})
export type PlaceInput = z.infer<typeof PlaceInput>

/** A place as the API returns it; `detail` is masked (`张江路***`) unless revealed. */
export const Place = z.object({
  provinceCode: z.string(),
  provinceName: z.string(),
  cityCode: z.string(),
  cityName: z.string(),
  districtCode: z.string(),
  districtName: z.string(),
  detail: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
})
export type Place = z.infer<typeof Place>

export const Contact = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  name: z.string(),
  /** Masked (`138****5678`) unless revealed. */
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  wechatId: z.string().nullable(),
  title: z.string().nullable(),
  isPrimary: z.boolean(),
  version: z.number().int(),
})
export type Contact = z.infer<typeof Contact>

export const CreateContactBody = z
  .object({
    name: Line(100),
    mobile: Mobile.optional(),
    email: ContactEmail.optional(),
    wechatId: WechatId.optional(),
    title: Line(100).optional(),
    isPrimary: z.boolean().default(false),
  })
  .refine((c) => c.mobile || c.email || c.wechatId, { message: 'give at least one of mobile, email or wechatId', path: ['mobile'] })
export type CreateContactBody = z.infer<typeof CreateContactBody>

export const UpdateContactBody = z.object({
  name: Line(100).optional(),
  mobile: Mobile.nullable().optional(),
  email: ContactEmail.nullable().optional(),
  wechatId: WechatId.nullable().optional(),
  title: Line(100).nullable().optional(),
  isPrimary: z.boolean().optional(),
})
export type UpdateContactBody = z.infer<typeof UpdateContactBody>

export const Address = Place.extend({
  id: z.uuid(),
  customerId: z.uuid(),
  label: z.string().nullable(),
  postalCode: z.string().nullable(),
  isDefault: z.boolean(),
  version: z.number().int(),
})
export type Address = z.infer<typeof Address>

export const CreateAddressBody = PlaceInput.extend({
  label: Line(50).optional(),
  postalCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  isDefault: z.boolean().default(false),
})
export type CreateAddressBody = z.infer<typeof CreateAddressBody>
export const UpdateAddressBody = z.object({
  label: Line(50).nullable().optional(),
  provinceCode: AreaCode.optional(),
  cityCode: AreaCode.optional(),
  districtCode: AreaCode.optional(),
  detail: Line(200).optional(),
  postalCode: z
    .string()
    .regex(/^\d{6}$/)
    .nullable()
    .optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  isDefault: z.boolean().optional(),
})
export type UpdateAddressBody = z.infer<typeof UpdateAddressBody>

export const Customer = z.object({
  id: z.uuid(),
  code: z.string().nullable(),
  kind: CustomerKind,
  name: z.string(),
  tier: CustomerTier,
  accountManagerId: z.uuid().nullable(),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  /** The primary (else first) contact, masked. */
  primaryContact: z.object({ name: z.string(), mobile: z.string().nullable() }).nullable().optional(),
  /** The default (else first) address: region in full, street masked. */
  defaultAddress: z.string().nullable().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type Customer = z.infer<typeof Customer>

/** One customer with its contacts and addresses (masked unless revealed) and the account manager's name. */
export const CustomerDetail = Customer.extend({
  accountManagerName: z.string().nullable(),
  contacts: z.array(Contact),
  addresses: z.array(Address),
  /** True when phone numbers and street addresses are shown in full (an audited reveal). */
  revealed: z.boolean(),
})
export type CustomerDetail = z.infer<typeof CustomerDetail>

export const CustomerCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'must be 1–40 letters, digits, _ . or -')

export const CreateCustomerBody = z.object({
  code: CustomerCode.optional(),
  kind: CustomerKind.default('organisation'),
  name: Line(200),
  tier: CustomerTier.default('standard'),
  accountManagerId: z.uuid().optional(),
  tags: z.array(Line(50)).max(50).default([]),
  notes: Text(2000).optional(),
  contacts: z.array(CreateContactBody).max(50).default([]),
  addresses: z.array(CreateAddressBody).max(20).default([]),
})
export type CreateCustomerBody = z.infer<typeof CreateCustomerBody>

export const UpdateCustomerBody = z.object({
  code: CustomerCode.nullable().optional(),
  kind: CustomerKind.optional(),
  name: Line(200).optional(),
  tier: CustomerTier.optional(),
  accountManagerId: z.uuid().nullable().optional(),
  tags: z.array(Line(50)).max(50).optional(),
  notes: Text(2000).nullable().optional(),
})
export type UpdateCustomerBody = z.infer<typeof UpdateCustomerBody>

export const CustomerListQuery = z.object({
  /** Name, customer number, tag, or a contact's name, mobile (digits) or email. */
  q: z.string().trim().max(100).optional(),
  tier: CustomerTier.optional(),
  kind: CustomerKind.optional(),
  tag: z.string().trim().max(50).optional(),
  accountManagerId: z.uuid().optional(),
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt', 'tier', '-tier']).default('name'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** From the previous page's `nextCursor` (public API); not combined with `offset`. */
  cursor: z.string().max(500).optional(),
})
export type CustomerListQuery = z.infer<typeof CustomerListQuery>
export const CustomerList = z.object({
  items: z.array(Customer),
  total: z.number().int(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
})
export type CustomerList = z.infer<typeof CustomerList>

// Import / export of spreadsheets (CSV or Excel): preview first, then commit all rows or none.

export const ImportKind = z.enum(['customers', 'contacts', 'devices'])
export type ImportKind = z.infer<typeof ImportKind>
export const SheetFormat = z.enum(['csv', 'xlsx'])
export type SheetFormat = z.infer<typeof SheetFormat>

export const ImportBody = z.object({
  fileName: Line(200),
  /** The file's bytes, base64 (CSV in UTF-8 or GBK, or .xlsx); at most 10 MB. */
  contentBase64: z.string().min(1).max(14_000_000),
  /** false: validate and preview only; true: import every row in one transaction, or nothing. */
  commit: z.boolean().default(false),
})
export type ImportBody = z.infer<typeof ImportBody>

export const ImportIssue = z.object({
  /** The spreadsheet row (the header is row 1). */
  row: z.number().int(),
  /** The column key (`mobile`) and its header as the file shows it (`手机`). */
  field: z.string(),
  column: z.string(),
  code: z.string(),
  message: z.string(),
})
export type ImportIssue = z.infer<typeof ImportIssue>

export const ImportResult = z.object({
  kind: ImportKind,
  fileName: z.string(),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  columns: z.array(z.object({ key: z.string(), header: z.string() })),
  /** The first rows as read (values by column key). */
  preview: z.array(z.object({ row: z.number().int(), values: z.record(z.string(), z.string()) })),
  errors: z.array(ImportIssue),
  committed: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
})
export type ImportResult = z.infer<typeof ImportResult>

export const ExportQuery = z.object({ format: SheetFormat.default('xlsx') })
