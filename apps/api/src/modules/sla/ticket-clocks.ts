// Ticket clocks driven by ticket events: first response, next update, resolution.
//
// created → clocks start (paused at once in a pausing status); a pausing status (pending_customer by
// default) pauses them, leaving it resumes them; resolved / closed / cancelled stop them; a reopen
// resumes resolution; an agent's public reply stops first response and (re)starts next update;
// a priority change re-selects the policy and re-reads the clocks with the new targets; so does a
// service contract on the ticket's device starting, changing tier or ending (audited on the ticket).
import { CustomerTier, type SlaTargetKind, type TicketEventPayload, type TicketStatus } from '@aftercare/contracts'
import type { AuditLog } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { findCustomerSummary } from '../customers/index.ts'
import { findTicketSummary } from '../tickets/index.ts'
import type { ClockEngine, NewClock } from './engine.ts'
import { selectPolicy, targetFor } from './select-policy.ts'
import { ensureSlaDefaults } from './setup.ts'
import { clockRepository, policyRepository, ticketRepository } from './sla.repository.ts'
import type { ClockRow, PolicyRow, SlaTicketRow } from './sla.tables.ts'

const DONE: readonly string[] = ['resolved', 'closed', 'cancelled']
const KINDS: readonly SlaTargetKind[] = ['first_response', 'next_update', 'resolution']

export interface TicketClockDeps {
  engine: ClockEngine
  audit: AuditLog
  /** The SLA tier of a service contract covering the ticket's device today, when there is one. */
  contractTier?: (tx: DbOrTx, tenantId: string, ticket: { customerId: string | null; deviceId: string | null }) => Promise<string | null>
}

export function createTicketClocks({ engine, audit, contractTier: contractTierOf }: TicketClockDeps) {
  /** A tier the policies know, or null (no contract, or a tier this version does not know). */
  async function contractTier(tx: DbOrTx, tenantId: string, t: { customerId: string | null; deviceId: string | null }) {
    if (!contractTierOf || !t.deviceId) return null
    const tier = CustomerTier.safeParse(await contractTierOf(tx, tenantId, t))
    return tier.success ? tier.data : null
  }

  const pausesIn = (policy: PolicyRow | null, status: string) =>
    (policy?.pauseStatuses ?? ['pending_customer']).includes(status as 'pending_customer')

  async function policyOf(tx: DbOrTx, t: SlaTicketRow) {
    return t.policyId ? ((await policyRepository.find(tx, t.policyId)) ?? null) : null
  }

  type PolicyInputs = Pick<SlaTicketRow, 'priority' | 'customerTier' | 'contractTier' | 'categoryId' | 'typeId'>
  const pick = (policies: PolicyRow[], t: PolicyInputs) =>
    selectPolicy(policies, {
      priority: t.priority,
      customerTier: t.customerTier,
      contractTier: t.contractTier,
      categoryId: t.categoryId,
      typeId: t.typeId,
    })

  async function choosePolicy(tx: DbOrTx, t: PolicyInputs) {
    return pick(await policyRepository.active(tx), t)
  }

  /** Makes the ticket's clocks match its policy and state: creates missing ones, retargets, retires unneeded ones. */
  async function reconcile(
    tx: DbOrTx,
    t: SlaTicketRow,
    policy: PolicyRow | null,
    clocks: ClockRow[],
    now: Date,
    kinds = KINDS,
  ): Promise<ClockRow[]> {
    return reconcileMany(tx, [{ t, policy, clocks }], now, kinds)
  }

  /** reconcile for several tickets: the clocks they start together (one calendar read, one insert). */
  async function reconcileMany(
    tx: DbOrTx,
    tickets: readonly { t: SlaTicketRow; policy: PolicyRow | null; clocks: ClockRow[] }[],
    now: Date,
    kinds = KINDS,
  ): Promise<ClockRow[]> {
    const out: ClockRow[] = []
    const starting: NewClock[] = []
    for (const { t, policy, clocks } of tickets) {
      for (const kind of kinds) {
        const spec = targetFor(policy, t.priority, kind)
        const clock = clocks.find((c) => c.target === kind)
        if (clock && spec && policy) {
          out.push(
            await engine.retarget(
              tx,
              clock,
              { spec, policyId: policy.id, calendarId: policy.calendarId, warningFraction: policy.warningFraction },
              now,
            ),
          )
        } else if (clock && !spec) {
          out.push(await engine.stop(tx, clock, now, 'not_applicable', now))
        } else if (!clock && spec && policy) {
          // Start where it would have: first response and resolution at creation, next update at the first response.
          if (kind === 'first_response' && t.firstResponseAt) continue
          if (kind === 'next_update' && !t.firstResponseAt) continue
          starting.push({
            tenantId: t.tenantId,
            subjectType: 'ticket',
            subjectId: t.ticketId,
            target: kind,
            spec,
            policyId: policy.id,
            calendarId: policy.calendarId,
            warningFraction: policy.warningFraction,
            startedAt: kind === 'next_update' ? t.firstResponseAt! : t.createdAt,
          })
        }
      }
    }
    const byTicket = new Map(tickets.map((x) => [x.t.ticketId, x]))
    for (let row of await engine.createMany(tx, starting, now)) {
      const { t, policy } = byTicket.get(row.subjectId)!
      if (DONE.includes(t.status)) row = await engine.stop(tx, row, now, t.status, now)
      else if (pausesIn(policy, t.status)) row = await engine.pause(tx, row, now < row.startedAt ? row.startedAt : now, now)
      out.push(row)
    }
    return out
  }

  /** Remembers a ticket, chooses its policy and starts its clocks (once). */
  async function register(tx: DbOrTx, row: SlaTicketRow, now: Date): Promise<ClockRow[]> {
    return registerMany(tx, row.tenantId, [row], now)
  }

  /** register for several tickets of a tenant: one read of the policies, one insert of the tickets, one of the clocks. */
  async function registerMany(tx: DbOrTx, tenantId: string, rows: readonly SlaTicketRow[], now: Date): Promise<ClockRow[]> {
    if (!rows.length) return []
    await ensureSlaDefaults(tx, tenantId, now, audit)
    const policies = await policyRepository.active(tx)
    const registered: { t: SlaTicketRow; policy: PolicyRow | null }[] = []
    for (const row of rows) {
      const contract = await contractTier(tx, tenantId, { customerId: row.customerId, deviceId: row.deviceId })
      const policy = pick(policies, { ...row, contractTier: contract })
      registered.push({ t: { ...row, contractTier: contract, policyId: policy?.id ?? null }, policy })
    }
    const inserted = await ticketRepository.insertOnceMany(
      tx,
      registered.map((r) => r.t),
    )
    return reconcileMany(
      tx,
      registered.filter((r) => r.policy && inserted.has(r.t.ticketId)).map((r) => ({ ...r, clocks: [] })),
      now,
    )
  }

  /**
   * The ticket as SLA knows it. Delivery order is not guaranteed: when an event outruns
   * `ticket.created` (or the ticket predates SLA), the ticket is registered from its current
   * state through the tickets module, and the event counts as absorbed (`fresh`).
   */
  async function load(tx: DbOrTx, tenantId: string, ticketId: string, now: Date): Promise<{ t: SlaTicketRow; fresh: ClockRow[] } | null> {
    const known = await ticketRepository.find(tx, ticketId, { lock: true })
    if (known) return { t: known, fresh: [] }
    const s = await findTicketSummary(tx, ticketId)
    if (!s) return null
    const customer = await findCustomerSummary(tx, s.customerId)
    const fresh = await register(
      tx,
      {
        ticketId: s.id,
        tenantId,
        number: s.number,
        customerId: s.customerId,
        customerTier: customer?.tier ?? null,
        contractTier: null,
        deviceId: s.deviceId,
        typeId: s.typeId,
        categoryId: s.categoryId,
        queueId: s.queueId,
        assigneeId: s.assigneeId,
        priority: s.priority,
        status: s.status,
        policyId: null,
        createdAt: s.createdAt,
        firstResponseAt: s.firstResponseAt,
        updatedAt: now,
      },
      now,
    )
    return { t: (await ticketRepository.find(tx, ticketId, { lock: true }))!, fresh }
  }

  return {
    /** ticket.created of several tickets: remembers them, chooses their policies and starts their clocks. Returns the clocks touched. */
    async created(tx: DbOrTx, tenantId: string, events: readonly TicketEventPayload<'ticket.created'>[], now: Date): Promise<ClockRow[]> {
      return registerMany(
        tx,
        tenantId,
        events.map((e) => ({
          ticketId: e.ticketId,
          tenantId,
          number: e.number,
          customerId: e.customerId,
          customerTier: e.customerTier,
          contractTier: null,
          deviceId: e.deviceId,
          typeId: e.typeId,
          categoryId: e.categoryId,
          queueId: e.queueId,
          assigneeId: e.assigneeId,
          priority: e.priority,
          status: e.status,
          policyId: null,
          createdAt: new Date(e.createdAt),
          firstResponseAt: null,
          updatedAt: now,
        })),
        now,
      )
    },

    async statusChanged(tx: DbOrTx, tenantId: string, e: TicketEventPayload<'ticket.status_changed'>, now: Date): Promise<ClockRow[]> {
      const loaded = await load(tx, tenantId, e.ticketId, now)
      if (!loaded || loaded.fresh.length) return loaded?.fresh ?? []
      const { t } = loaded
      const at = new Date(e.at)
      await ticketRepository.update(tx, t.ticketId, { status: e.to })
      const policy = await policyOf(tx, t)
      const out: ClockRow[] = []
      for (const c of await clockRepository.bySubject(tx, 'ticket', t.ticketId, { lock: true })) {
        out.push(await applyStatus(tx, t, policy, c, e.from, e.to, at, now))
      }
      return out
    },

    async priorityChanged(tx: DbOrTx, tenantId: string, e: TicketEventPayload<'ticket.priority_changed'>, now: Date): Promise<ClockRow[]> {
      const loaded = await load(tx, tenantId, e.ticketId, now)
      if (!loaded || loaded.fresh.length) return loaded?.fresh ?? []
      return reselect(tx, { ...loaded.t, priority: e.to }, now)
    },

    async assigned(tx: DbOrTx, tenantId: string, e: TicketEventPayload<'ticket.assigned'>, now: Date): Promise<ClockRow[]> {
      const loaded = await load(tx, tenantId, e.ticketId, now)
      if (!loaded) return []
      await ticketRepository.update(tx, e.ticketId, { assigneeId: e.assigneeId, queueId: e.queueId })
      return loaded.fresh
    },

    /** Category, type or customer changed: re-read the ticket and re-select its policy. */
    async updated(tx: DbOrTx, tenantId: string, e: TicketEventPayload<'ticket.updated'>, now: Date): Promise<ClockRow[]> {
      if (!e.fields.some((f) => ['categoryId', 'typeId', 'customerId', 'deviceId'].includes(f))) return []
      const loaded = await load(tx, tenantId, e.ticketId, now)
      if (!loaded || loaded.fresh.length) return loaded?.fresh ?? []
      const s = await findTicketSummary(tx, e.ticketId)
      if (!s) return []
      const customer = await findCustomerSummary(tx, s.customerId)
      const t = {
        ...loaded.t,
        categoryId: s.categoryId,
        typeId: s.typeId,
        customerId: s.customerId,
        deviceId: s.deviceId,
        customerTier: customer?.tier ?? loaded.t.customerTier,
      }
      t.contractTier = await contractTier(tx, tenantId, { customerId: t.customerId, deviceId: t.deviceId })
      await ticketRepository.update(tx, t.ticketId, {
        categoryId: t.categoryId,
        typeId: t.typeId,
        customerId: t.customerId,
        deviceId: t.deviceId,
        customerTier: t.customerTier,
        contractTier: t.contractTier,
      })
      return reselect(tx, t, now)
    },

    /** An agent's public reply: first response met, next update (re)starts. */
    async messageAdded(tx: DbOrTx, tenantId: string, e: TicketEventPayload<'ticket.message_added'>, now: Date): Promise<ClockRow[]> {
      if (e.visibility !== 'public' || e.authorType !== 'agent') return []
      const loaded = await load(tx, tenantId, e.ticketId, now)
      if (!loaded || loaded.fresh.length) return loaded?.fresh ?? []
      const { t } = loaded
      const at = new Date(e.at)
      const policy = await policyOf(tx, t)
      const clocks = await clockRepository.bySubject(tx, 'ticket', t.ticketId, { lock: true })
      const out: ClockRow[] = []
      if (!t.firstResponseAt) {
        t.firstResponseAt = at
        await ticketRepository.update(tx, t.ticketId, { firstResponseAt: at })
      }
      const first = clocks.find((c) => c.target === 'first_response')
      if (first && first.state !== 'stopped') out.push(await engine.stop(tx, first, at, 'responded', now))
      const next = clocks.find((c) => c.target === 'next_update')
      if (next) {
        if (DONE.includes(t.status)) return out
        // The update ends this cycle (compensated if late) and starts the next one.
        const ended = next.state === 'stopped' ? next : await engine.stop(tx, next, at, 'updated', now)
        out.push(await engine.restart(tx, ended, at, now, { paused: pausesIn(policy, t.status) }))
      } else if (policy && targetFor(policy, t.priority, 'next_update')) {
        out.push(...(await reconcile(tx, t, policy, clocks, now, ['next_update'])))
      }
      return out
    },

    /**
     * A service contract of the ticket's customer was created, changed or removed: re-reads the
     * contract tier of the ticket's device and, when it moved, re-selects the policy and re-reads
     * every clock (the due times follow), recorded in the audit log against the ticket.
     */
    async contractChanged(
      tx: DbOrTx,
      t: SlaTicketRow,
      cause: { event: string; contractId: string | null; actorId: string | null },
      now: Date,
    ): Promise<ClockRow[]> {
      if (DONE.includes(t.status)) return []
      const tier = await contractTier(tx, t.tenantId, { customerId: t.customerId, deviceId: t.deviceId })
      if (tier === t.contractTier) return []
      await ticketRepository.update(tx, t.ticketId, { contractTier: tier })
      const touched = await reselect(tx, { ...t, contractTier: tier }, now)
      const after = await ticketRepository.find(tx, t.ticketId)
      const live = touched.filter((c) => c.state !== 'stopped')
      await audit.record(tx, {
        tenantId: t.tenantId,
        actorType: cause.actorId ? 'user' : 'system',
        actorId: cause.actorId,
        action: 'sla.policy_reselected',
        entityType: 'ticket',
        entityId: t.ticketId,
        before: { policyId: t.policyId, contractTier: t.contractTier },
        after: {
          policyId: after?.policyId ?? null,
          contractTier: tier,
          reason: cause.event,
          contractId: cause.contractId,
          dueAt: Object.fromEntries(live.map((c) => [c.target, c.dueAt?.toISOString() ?? null])),
        },
      })
      return touched
    },

    /** Re-selects the policy (priority, tier or policy edits) and re-reads every clock. */
    reselect,
  }

  async function reselect(tx: DbOrTx, t: SlaTicketRow, now: Date): Promise<ClockRow[]> {
    const policy = await choosePolicy(tx, t)
    await ticketRepository.update(tx, t.ticketId, { priority: t.priority, policyId: policy?.id ?? null })
    const clocks = await clockRepository.bySubject(tx, 'ticket', t.ticketId, { lock: true })
    return reconcile(tx, { ...t, policyId: policy?.id ?? null }, policy, clocks, now)
  }

  async function applyStatus(
    tx: DbOrTx,
    t: SlaTicketRow,
    policy: PolicyRow | null,
    c: ClockRow,
    from: TicketStatus,
    to: TicketStatus,
    at: Date,
    now: Date,
  ) {
    if (DONE.includes(to)) return engine.stop(tx, c, at, to, now)
    if (DONE.includes(from)) {
      // Reopened: resolution (and next update, if the customer has been answered) runs again.
      if (c.target === 'first_response') return c
      const reopened = await engine.reopen(tx, c, at, now)
      return pausesIn(policy, to) ? engine.pause(tx, reopened, at, now) : reopened
    }
    if (pausesIn(policy, to)) return engine.pause(tx, c, at, now)
    return engine.resume(tx, c, at, now)
  }
}

export type TicketClocks = ReturnType<typeof createTicketClocks>
