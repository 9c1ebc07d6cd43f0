import { z } from 'zod'
import { Line } from './common.ts'
import { CustomerTier, Place, PlaceInput } from './customers.ts'

const Text = (max: number) => z.string().trim().max(max)
/** A calendar date, `2026-05-01`. */
export const IsoDate = z.iso.date()

// Products: what the tenant sells and services.

export const Product = z.object({
  id: z.uuid(),
  model: z.string(),
  name: z.string(),
  category: z.string(),
  warrantyMonths: z.number().int(),
  description: z.string().nullable(),
  deviceCount: z.number().int(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
})
export type Product = z.infer<typeof Product>

export const CreateProductBody = z.object({
  model: Line(100),
  name: Line(200),
  category: Line(100),
  warrantyMonths: z.number().int().min(0).max(240),
  description: Text(2000).optional(),
})
export type CreateProductBody = z.infer<typeof CreateProductBody>
export const UpdateProductBody = z.object({
  model: Line(100).optional(),
  name: Line(200).optional(),
  category: Line(100).optional(),
  warrantyMonths: z.number().int().min(0).max(240).optional(),
  description: Text(2000).nullable().optional(),
})
export type UpdateProductBody = z.infer<typeof UpdateProductBody>
export const ProductListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  category: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})
export const ProductList = z.object({ items: z.array(Product), total: z.number().int() })
export type ProductList = z.infer<typeof ProductList>

// Devices.

/** Contract coverage first, then the warranty; `unknown` when no date to compute it from. */
export const WarrantyState = z.enum(['under_contract', 'in_warranty', 'expired', 'unknown'])
export type WarrantyState = z.infer<typeof WarrantyState>

export const SerialNumber = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w./#:-]+$/, 'must be letters, digits and - _ . / # : only (no spaces)')

export const Device = z.object({
  id: z.uuid(),
  serialNumber: z.string(),
  product: z.object({ id: z.uuid(), model: z.string(), name: z.string(), category: z.string(), warrantyMonths: z.number().int() }),
  customer: z.object({ id: z.uuid(), name: z.string(), tier: CustomerTier }),
  purchasedOn: IsoDate.nullable(),
  installedOn: IsoDate.nullable(),
  /** Where it is installed; the street is masked unless revealed. */
  installPlace: Place.nullable(),
  warrantyEndsOn: IsoDate.nullable(),
  warrantyOverridden: z.boolean(),
  warrantyState: WarrantyState,
  /** The active contract covering it today, if any. */
  activeContract: z.object({ id: z.uuid(), name: z.string(), endsOn: IsoDate, slaTier: CustomerTier }).nullable(),
  notes: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type Device = z.infer<typeof Device>

export const CreateDeviceBody = z.object({
  serialNumber: SerialNumber,
  productId: z.uuid(),
  customerId: z.uuid(),
  purchasedOn: IsoDate.optional(),
  installedOn: IsoDate.optional(),
  installPlace: PlaceInput.optional(),
  /** Overrides the computed warranty end (e.g. an extended warranty). */
  warrantyEndsOn: IsoDate.optional(),
  notes: Text(2000).optional(),
})
export type CreateDeviceBody = z.infer<typeof CreateDeviceBody>

export const UpdateDeviceBody = z.object({
  serialNumber: SerialNumber.optional(),
  productId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  purchasedOn: IsoDate.nullable().optional(),
  installedOn: IsoDate.nullable().optional(),
  installPlace: PlaceInput.nullable().optional(),
  /** A date overrides the computed end; null goes back to the computed one. */
  warrantyEndsOn: IsoDate.nullable().optional(),
  notes: Text(2000).nullable().optional(),
})
export type UpdateDeviceBody = z.infer<typeof UpdateDeviceBody>

export const DeviceListQuery = z.object({
  /** Serial number, product model or name, owner name. */
  q: z.string().trim().max(100).optional(),
  customerId: z.uuid().optional(),
  productId: z.uuid().optional(),
  warrantyState: WarrantyState.optional(),
  sort: z.enum(['serialNumber', '-serialNumber', 'warrantyEndsOn', '-warrantyEndsOn', 'createdAt', '-createdAt']).default('serialNumber'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** From the previous page's `nextCursor` (public API); not combined with `offset`. */
  cursor: z.string().max(500).optional(),
})
export type DeviceListQuery = z.infer<typeof DeviceListQuery>
export const DeviceList = z.object({
  items: z.array(Device),
  total: z.number().int(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
})
export type DeviceList = z.infer<typeof DeviceList>

/** One ticket in a device's service history (from the tickets module). */
export const DeviceServiceRecord = z.object({
  ticketId: z.uuid(),
  number: z.string(),
  subject: z.string(),
  status: z.string(),
  priority: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type DeviceServiceRecord = z.infer<typeof DeviceServiceRecord>

// Service contracts: entitlements (SLA tier, covered services, included visits) for a customer's devices.

export const CoveredService = z.enum([
  'onsite_repair',
  'remote_support',
  'parts',
  'labour',
  'preventive_maintenance',
  'replacement',
  'installation',
  'training',
])
export type CoveredService = z.infer<typeof CoveredService>
export const ContractStatus = z.enum(['upcoming', 'active', 'expired'])
export type ContractStatus = z.infer<typeof ContractStatus>

export const ServiceContract = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  customerName: z.string(),
  code: z.string().nullable(),
  name: z.string(),
  startsOn: IsoDate,
  endsOn: IsoDate,
  slaTier: CustomerTier,
  coveredServices: z.array(CoveredService),
  includedVisits: z.number().int(),
  deviceIds: z.array(z.uuid()),
  status: ContractStatus,
  notes: z.string().nullable(),
  version: z.number().int(),
})
export type ServiceContract = z.infer<typeof ServiceContract>

export const CreateContractBody = z
  .object({
    customerId: z.uuid(),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/)
      .optional(),
    name: Line(200),
    startsOn: IsoDate,
    endsOn: IsoDate,
    slaTier: CustomerTier.default('standard'),
    coveredServices: z.array(CoveredService).max(20).default([]),
    includedVisits: z.number().int().min(0).max(10000).default(0),
    deviceIds: z.array(z.uuid()).max(1000).default([]),
    notes: Text(2000).optional(),
  })
  .refine((c) => c.endsOn >= c.startsOn, { message: 'must not be before startsOn', path: ['endsOn'] })
export type CreateContractBody = z.infer<typeof CreateContractBody>

export const UpdateContractBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/)
    .nullable()
    .optional(),
  name: Line(200).optional(),
  startsOn: IsoDate.optional(),
  endsOn: IsoDate.optional(),
  slaTier: CustomerTier.optional(),
  coveredServices: z.array(CoveredService).max(20).optional(),
  includedVisits: z.number().int().min(0).max(10000).optional(),
  deviceIds: z.array(z.uuid()).max(1000).optional(),
  notes: Text(2000).nullable().optional(),
})
export type UpdateContractBody = z.infer<typeof UpdateContractBody>
export const ContractListQuery = z.object({
  customerId: z.uuid().optional(),
  status: ContractStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export const ContractList = z.object({ items: z.array(ServiceContract), total: z.number().int() })
export type ContractList = z.infer<typeof ContractList>

export const DeviceDetail = Device.extend({
  contracts: z.array(ServiceContract),
  /** Every ticket about this device, newest first; `historyAvailable` is false until the tickets module answers. */
  serviceHistory: z.array(DeviceServiceRecord),
  historyAvailable: z.boolean(),
  revealed: z.boolean(),
})
export type DeviceDetail = z.infer<typeof DeviceDetail>

// QR codes (一物一码) and reporting a fault by scanning one.

export const DeviceQr = z.object({
  /** The signed token in the URL (`/q/<token>`). */
  token: z.string(),
  url: z.string(),
  expiresAt: z.iso.datetime().nullable(),
})
export type DeviceQr = z.infer<typeof DeviceQr>
export const DeviceQrQuery = z.object({
  /** Days until the link stops working; none = it never expires. */
  expiresInDays: z.coerce.number().int().min(1).max(3650).optional(),
})
export const QrLabelQuery = z
  .object({
    /** Comma-separated device ids (at most 500), or all devices of one customer. */
    ids: z
      .string()
      .max(500 * 37)
      .regex(/^[0-9a-f-]{36}(,[0-9a-f-]{36})*$/i, 'must be device ids separated by commas')
      .optional(),
    customerId: z.uuid().optional(),
    /** Label stock: 3 × 8 (70 × 37 mm), 2 × 7 (99.1 × 38.1 mm) or 4 × 10 (52.5 × 29.7 mm) per A4 sheet. */
    preset: z.enum(['a4-3x8', 'a4-2x7', 'a4-4x10']).default('a4-3x8'),
    /** Positions already used on the first sheet. */
    skip: z.coerce.number().int().min(0).max(39).default(0),
  })
  .refine((q) => q.ids || q.customerId, { message: 'give ids or customerId', path: ['ids'] })

export const QrToken = z
  .string()
  .min(10)
  .max(120)
  .regex(/^[0-9a-z]+(?:-[0-9a-z]+)?\.[A-Za-z0-9_-]+$/, 'malformed')
export const QrTokenParams = z.object({ token: z.string().max(200) })

export const OtpChannel = z.enum(['sms', 'email'])
export type OtpChannel = z.infer<typeof OtpChannel>

/** What a phone that scanned the QR code sees before anyone signs in: nothing that identifies a person. */
export const QrPrefill = z.object({
  device: z.object({ serialNumber: z.string(), model: z.string(), productName: z.string(), category: z.string() }),
  /** The owner's name, masked (`华东精密****公司`, `陈*`). */
  ownerName: z.string(),
  warrantyState: WarrantyState,
  warrantyEndsOn: IsoDate.nullable(),
  /** Where a one-time code can be sent: the owner's contacts, masked. */
  verifyOptions: z.array(z.object({ contactId: z.uuid(), channel: OtpChannel, destination: z.string() })),
})
export type QrPrefill = z.infer<typeof QrPrefill>

export const QrOtpRequestBody = z.object({ contactId: z.uuid(), channel: OtpChannel })
export const QrOtpRequested = z.object({ destination: z.string(), expiresAt: z.iso.datetime() })
export const QrOtpVerifyBody = z.object({
  contactId: z.uuid(),
  code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code'),
})
/** Proof of a verified code, valid for 30 minutes: send it with the report. */
export const QrVerified = z.object({ reportToken: z.string(), expiresAt: z.iso.datetime() })
export const QrReportBody = z.object({
  reportToken: z.string().min(10).max(300),
  subject: Line(200),
  description: z.string().trim().min(1).max(5000),
  reporterName: Line(100).optional(),
})
export type QrReportBody = z.infer<typeof QrReportBody>
export const QrReportResult = z.object({ ticketId: z.uuid(), ticketNumber: z.string() })
export type QrReportResult = z.infer<typeof QrReportResult>
