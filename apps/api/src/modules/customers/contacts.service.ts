// A customer's contacts and addresses. One contact is primary and one address the default:
// the first of each becomes so, and setting another moves the mark.
import type { Address, Contact, CreateAddressBody, CreateContactBody, UpdateAddressBody, UpdateContactBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { resolveRegion } from './area.ts'
import { customerRepository as repo } from './customers.repository.ts'
import { toAddressDto, toContactDto } from './customers.mapping.ts'
import { assertVersion, who, type CustomerService, type Who } from './customers.service.ts'
import type { AddressRow, ContactRow } from './customers.tables.ts'

const contactView = (c: ContactRow) => ({
  name: c.name,
  mobile: c.mobile,
  email: c.email,
  wechatId: c.wechatId,
  title: c.title,
  isPrimary: c.isPrimary,
})
const addressView = (a: AddressRow) => ({ label: a.label, districtCode: a.districtCode, detail: a.detail, isDefault: a.isDefault })

export function createContactService({ database, audit, outbox, clock }: ModuleDeps, customers: CustomerService) {
  async function record(
    tx: DbOrTx,
    tenantId: string,
    by: Who,
    action: string,
    customerId: string,
    entityId: string,
    before?: unknown,
    after?: unknown,
  ) {
    const entityType = action.split('.')[0]!
    await audit.record(tx, { ...by, tenantId, action, entityType, entityId, before, after })
    await outbox.publish(tx, {
      tenantId,
      type: action,
      aggregateType: 'customer',
      aggregateId: customerId,
      payload: { [`${entityType}Id`]: entityId },
      actorId: by.actorId,
    })
  }

  async function contactOf(tx: DbOrTx, customerId: string, contactId: string) {
    const c = await repo.findContact(tx, contactId, { forUpdate: true })
    if (!c || c.customerId !== customerId) throw new NotFoundError('contact', contactId)
    return c
  }

  async function addressOf(tx: DbOrTx, customerId: string, addressId: string) {
    const a = await repo.findAddress(tx, addressId, { forUpdate: true })
    if (!a || a.customerId !== customerId) throw new NotFoundError('address', addressId)
    return a
  }

  /** Inserts a contact in the caller's transaction (also used by the import). */
  async function insertContact(tx: DbOrTx, tenantId: string, customerId: string, body: CreateContactBody, by: Who): Promise<ContactRow> {
    const now = clock.now()
    const existing = await repo.contactsOf(tx, [customerId])
    const isPrimary = body.isPrimary || !existing.some((c) => c.isPrimary)
    if (isPrimary) await repo.clearPrimaryContact(tx, customerId, null)
    const row = await repo.insertContact(tx, {
      tenantId,
      customerId,
      name: body.name,
      mobile: body.mobile ?? null,
      email: body.email ?? null,
      wechatId: body.wechatId ?? null,
      title: body.title ?? null,
      isPrimary,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    await record(tx, tenantId, by, 'contact.created', customerId, row.id, undefined, contactView(row))
    return row
  }

  /** Applies a contact change in the caller's transaction (also used by the import). */
  async function changeContact(tx: DbOrTx, tenantId: string, before: ContactRow, patch: UpdateContactBody, by: Who): Promise<ContactRow> {
    const next = {
      mobile: patch.mobile === undefined ? before.mobile : patch.mobile,
      email: patch.email === undefined ? before.email : patch.email,
      wechatId: patch.wechatId === undefined ? before.wechatId : patch.wechatId,
    }
    if (!next.mobile && !next.email && !next.wechatId)
      throw ValidationError.field('mobile', 'a contact needs at least one of mobile, email or wechatId')
    if (patch.isPrimary === false && before.isPrimary) throw ValidationError.field('isPrimary', 'make another contact primary instead')
    if (patch.isPrimary) await repo.clearPrimaryContact(tx, before.customerId, before.id)
    const after = await repo.updateContact(tx, before.id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...next,
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.isPrimary !== undefined ? { isPrimary: patch.isPrimary } : {}),
      updatedAt: clock.now(),
      version: before.version + 1,
    })
    await record(tx, tenantId, by, 'contact.updated', before.customerId, before.id, contactView(before), contactView(after))
    return after
  }

  function regionOf(current: AddressRow | undefined, patch: UpdateAddressBody | CreateAddressBody) {
    const codes = {
      provinceCode: patch.provinceCode ?? current?.provinceCode ?? '',
      cityCode: patch.cityCode ?? current?.cityCode ?? '',
      districtCode: patch.districtCode ?? current?.districtCode ?? '',
    }
    return resolveRegion(codes, '')
  }

  function coordinates(lat: number | null | undefined, lng: number | null | undefined) {
    if ((lat == null) !== (lng == null))
      throw ValidationError.field(lat == null ? 'latitude' : 'longitude', 'give latitude and longitude together')
    return { latitude: lat ?? null, longitude: lng ?? null }
  }

  return {
    insertContact,
    changeContact,

    async addContact(ctx: RequestContext, customerId: string, body: CreateContactBody): Promise<Contact> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await customers.readable(tx, ctx, customerId, true)
        return toContactDto(await insertContact(tx, ctx.actor.tenantId, customerId, body, who(ctx)), false)
      })
    },

    async updateContact(
      ctx: RequestContext,
      customerId: string,
      contactId: string,
      patch: UpdateContactBody,
      ifMatch: number | undefined,
    ): Promise<Contact> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await customers.readable(tx, ctx, customerId, true)
        const before = await contactOf(tx, customerId, contactId)
        assertVersion(ifMatch, before.version)
        return toContactDto(await changeContact(tx, ctx.actor.tenantId, before, patch, who(ctx)), false)
      })
    },

    /** Removes a contact; when it was the primary one, the oldest remaining contact becomes primary. */
    async removeContact(ctx: RequestContext, customerId: string, contactId: string, ifMatch: number | undefined): Promise<void> {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        await customers.readable(tx, ctx, customerId, true)
        const before = await contactOf(tx, customerId, contactId)
        assertVersion(ifMatch, before.version)
        await repo.deleteContact(tx, contactId)
        const next = before.isPrimary ? (await repo.contactsOf(tx, [customerId]))[0] : undefined
        if (next) await repo.updateContact(tx, next.id, { isPrimary: true, version: next.version + 1, updatedAt: clock.now() })
        await record(tx, tenantId, who(ctx), 'contact.deleted', customerId, contactId, contactView(before))
      })
    },

    async addAddress(ctx: RequestContext, customerId: string, body: CreateAddressBody): Promise<Address> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        await customers.readable(tx, ctx, customerId, true)
        const region = regionOf(undefined, body)
        const existing = await repo.addressesOf(tx, [customerId])
        const isDefault = body.isDefault || !existing.some((a) => a.isDefault)
        if (isDefault) await repo.clearDefaultAddress(tx, customerId, null)
        const now = clock.now()
        const row = await repo.insertAddress(tx, {
          tenantId,
          customerId,
          label: body.label ?? null,
          ...region,
          detail: body.detail,
          postalCode: body.postalCode ?? null,
          ...coordinates(body.latitude, body.longitude),
          isDefault,
          createdAt: now,
          updatedAt: now,
          version: 1,
        })
        await record(tx, tenantId, who(ctx), 'address.created', customerId, row.id, undefined, addressView(row))
        return toAddressDto(row, false)
      })
    },

    async updateAddress(
      ctx: RequestContext,
      customerId: string,
      addressId: string,
      patch: UpdateAddressBody,
      ifMatch: number | undefined,
    ): Promise<Address> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        await customers.readable(tx, ctx, customerId, true)
        const before = await addressOf(tx, customerId, addressId)
        assertVersion(ifMatch, before.version)
        if (patch.isDefault === false && before.isDefault)
          throw ValidationError.field('isDefault', 'make another address the default instead')
        const region = regionOf(before, patch)
        const coords = coordinates(
          patch.latitude === undefined ? before.latitude : patch.latitude,
          patch.longitude === undefined ? before.longitude : patch.longitude,
        )
        if (patch.isDefault) await repo.clearDefaultAddress(tx, customerId, addressId)
        const after = await repo.updateAddress(tx, addressId, {
          ...region,
          ...coords,
          ...(patch.label !== undefined ? { label: patch.label } : {}),
          ...(patch.detail !== undefined ? { detail: patch.detail } : {}),
          ...(patch.postalCode !== undefined ? { postalCode: patch.postalCode } : {}),
          ...(patch.isDefault !== undefined ? { isDefault: patch.isDefault } : {}),
          updatedAt: clock.now(),
          version: before.version + 1,
        })
        await record(tx, tenantId, who(ctx), 'address.updated', customerId, addressId, addressView(before), addressView(after))
        return toAddressDto(after, false)
      })
    },

    async removeAddress(ctx: RequestContext, customerId: string, addressId: string, ifMatch: number | undefined): Promise<void> {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        await customers.readable(tx, ctx, customerId, true)
        const before = await addressOf(tx, customerId, addressId)
        assertVersion(ifMatch, before.version)
        await repo.deleteAddress(tx, addressId)
        const next = before.isDefault ? (await repo.addressesOf(tx, [customerId]))[0] : undefined
        if (next) await repo.updateAddress(tx, next.id, { isDefault: true, version: next.version + 1, updatedAt: clock.now() })
        await record(tx, tenantId, who(ctx), 'address.deleted', customerId, addressId, addressView(before))
      })
    },
  }
}

export type ContactService = ReturnType<typeof createContactService>
