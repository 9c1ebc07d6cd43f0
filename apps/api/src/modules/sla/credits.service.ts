// Compensation review, the per-customer credit ledger, and the tenant's SLA settings.
import type { CreditKind, CustomerCredit, DecideCompensationBody, SlaSettings, UpdateSlaSettingsBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { assertVersion, findCustomerSummary } from '../customers/index.ts'
import type { CompensationService } from './compensation.ts'
import { ensureSlaDefaults } from './setup.ts'
import { calendarRepository, compensationRepository, creditRepository, settingsRepository } from './sla.repository.ts'
import { toCompensationDto, toCreditDto } from './sla.mapping.ts'

type Deps = Pick<ModuleDeps, 'database' | 'audit' | 'clock'> & { compensation: CompensationService }

export function createCreditService({ database, audit, clock, compensation }: Deps) {
  async function creditOf(tx: DbOrTx, customerId: string): Promise<CustomerCredit> {
    return toCreditDto(customerId, await creditRepository.account(tx, customerId), await creditRepository.entries(tx, customerId, 200))
  }

  async function assertCustomer(tx: DbOrTx, customerId: string) {
    if (!(await findCustomerSummary(tx, customerId))) throw new NotFoundError('customer', customerId)
  }

  return {
    async listCompensations(ctx: RequestContext, f: { status?: string; customerId?: string; limit: number; offset: number }) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const { items, total } = await compensationRepository.list(tx, f)
        return { items: items.map(toCompensationDto), total }
      })
    },

    async getCompensation(ctx: RequestContext, id: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await compensationRepository.find(tx, id)
        if (!row) throw new NotFoundError('compensation', id)
        return toCompensationDto(row)
      })
    },

    async decide(ctx: RequestContext, id: string, body: DecideCompensationBody) {
      return database.withTenant(ctx.actor.tenantId, async (tx) =>
        toCompensationDto(await compensation.decide(tx, ctx, id, body, clock.now())),
      )
    },

    async credit(ctx: RequestContext, customerId: string): Promise<CustomerCredit> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await assertCustomer(tx, customerId)
        return creditOf(tx, customerId)
      })
    },

    /** Sets the monthly fee the percentage formulas use. */
    async putAccount(
      ctx: RequestContext,
      customerId: string,
      body: { monthlyFeeCents: number; currency: string },
      ifMatch: number | undefined,
    ) {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        await assertCustomer(tx, customerId)
        const before = await creditRepository.account(tx, customerId)
        if (before) assertVersion(ifMatch, before.version)
        await creditRepository.ensureLocked(tx, tenantId, customerId)
        await creditRepository.updateAccount(tx, customerId, { monthlyFeeCents: body.monthlyFeeCents, currency: body.currency })
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.credit_account_updated',
          entityType: 'customer',
          entityId: customerId,
          before: { monthlyFeeCents: before?.monthlyFeeCents ?? null, currency: before?.currency ?? null },
          after: body,
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
        return creditOf(tx, customerId)
      })
    },

    /** A manual entry: redeeming points or hours (negative), or a goodwill credit. */
    async adjust(ctx: RequestContext, customerId: string, body: { kind: CreditKind; delta: number; note: string }) {
      const tenantId = ctx.actor.tenantId
      if (body.kind !== 'service_hours' && !Number.isInteger(body.delta))
        throw ValidationError.field('delta', `${body.kind} changes by whole numbers`)
      return database.withTenant(tenantId, async (tx) => {
        await assertCustomer(tx, customerId)
        await compensation.credit(tx, tenantId, customerId, body.kind, body.delta, { note: body.note, actorId: ctx.actor.userId })
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.credit_adjusted',
          entityType: 'customer',
          entityId: customerId,
          after: body,
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
        return creditOf(tx, customerId)
      })
    },

    async settings(ctx: RequestContext): Promise<SlaSettings> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await ensureSlaDefaults(tx, ctx.actor.tenantId, clock.now(), audit)
        const s = (await settingsRepository.find(tx))!
        return { complaintTargets: s.complaintTargets, disputeTargets: s.disputeTargets, calendarId: s.calendarId, version: s.version }
      })
    },

    async updateSettings(ctx: RequestContext, body: UpdateSlaSettingsBody, ifMatch: number | undefined): Promise<SlaSettings> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        await ensureSlaDefaults(tx, tenantId, clock.now(), audit)
        const before = (await settingsRepository.find(tx))!
        assertVersion(ifMatch, before.version)
        if (body.calendarId && !(await calendarRepository.find(tx, body.calendarId)))
          throw ValidationError.field('calendarId', `no calendar ${body.calendarId}`)
        const s = await settingsRepository.update(tx, {
          ...(body.complaintTargets ? { complaintTargets: { ...before.complaintTargets, ...body.complaintTargets } } : {}),
          ...(body.disputeTargets ? { disputeTargets: body.disputeTargets } : {}),
          ...(body.calendarId !== undefined ? { calendarId: body.calendarId } : {}),
        })
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.settings_updated',
          entityType: 'sla_settings',
          entityId: tenantId,
          before: { complaintTargets: before.complaintTargets, disputeTargets: before.disputeTargets, calendarId: before.calendarId },
          after: { complaintTargets: s.complaintTargets, disputeTargets: s.disputeTargets, calendarId: s.calendarId },
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
        return { complaintTargets: s.complaintTargets, disputeTargets: s.disputeTargets, calendarId: s.calendarId, version: s.version }
      })
    },
  }
}

export type CreditService = ReturnType<typeof createCreditService>
