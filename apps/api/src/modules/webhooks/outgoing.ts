// Outgoing webhooks: every domain event a subscription asks for becomes one signed POST, retried on
// network errors, 408, 429 and 5xx for up to 72 h (at most 15 attempts, full jitter, honouring
// Retry-After; see webhookRetryAt). A failing receiver keeps its queue meanwhile. It is switched off,
// and the admins told (`webhook.disabled`, heard by notifications), once a delivery has given up after
// its whole schedule with nothing succeeding in between, or after persistent permanent refusals.
import type { DbOrTx } from '../../platform/db/index.ts'
import type { DeliveredEvent, EventListener } from '../../platform/events/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import type { SecretBox } from '../identity/index.ts'
import {
  DELIVERY_HEADER,
  DeliveryError,
  EVENT_HEADER,
  postOut,
  signedHeaders,
  webhookRetry,
  webhookRetryAt,
  type HttpResult,
} from '../notifications/index.ts'
import { webhookRepository as repo } from './webhooks.repository.ts'
import type { SubscriptionRow, WebhookDeliveryRow } from './webhooks.tables.ts'

export const DELIVER_WEBHOOKS_JOB = 'webhooks.deliver'
/**
 * Failed attempts in a row (across deliveries) after which a subscription that refuses deliveries for
 * good (404, 410 …) is switched off. Retryable failures do not count toward it: those deliveries
 * follow their schedule, and the subscription goes off when one gives up (see sendOne).
 */
export const FAILURES_BEFORE_DISABLE = 20
const LEASE_MS = 2 * 60_000
const BATCH = 20

/** Events that never leave the system, whatever a subscription asks for (one-time codes, sessions). */
const PRIVATE = /^(notification|session|auth)\./

/** `ticket.created` matches `ticket.created`, `ticket.*` and `*`. */
export function matchesPattern(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))))
}

export function createOutgoing(deps: ModuleDeps, box: SecretBox) {
  const { database, clock, jobs, audit, outbox, log } = deps
  const policy = { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE }

  async function fanOut(e: DeliveredEvent) {
    if (PRIVATE.test(e.type)) return
    // Every event comes here and most have no subscriber: one read on the owner connection, filtered to
    // the event's tenant, spares those a transaction (the subscriptions are read again inside it).
    const patterns = await repo.enabledPatternsOf(database.db, e.tenantId)
    if (!patterns.some((events) => matchesPattern(events, e.type))) return
    const now = clock.now()
    const body = JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt.toISOString(), data: e.payload })
    const inserted = await database.withTenant(e.tenantId, async (tx) => {
      const subs = (await repo.enabledSubscriptions(tx)).filter((s) => matchesPattern(s.events, e.type))
      return repo.insertDeliveries(
        tx,
        subs.map((s) => ({
          tenantId: e.tenantId,
          subscriptionId: s.id,
          eventId: e.id,
          eventType: e.type,
          body,
          dedupeKey: `${e.id}:${s.id}`,
          status: 'queued' as const,
          attempts: 0,
          maxAttempts: webhookRetry.maxAttempts,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      )
    })
    if (inserted.length) await jobs.send(DELIVER_WEBHOOKS_JOB, { ids: inserted.map((d) => d.id) }).catch(() => undefined)
  }

  /** Several events: one read of each tenant's subscriptions; only events someone subscribed to go on. */
  async function fanOutMany(events: readonly DeliveredEvent[]) {
    const patterns = new Map<string, string[][]>()
    for (const e of events) {
      if (PRIVATE.test(e.type)) continue
      if (!patterns.has(e.tenantId)) patterns.set(e.tenantId, await repo.enabledPatternsOf(database.db, e.tenantId))
      if (patterns.get(e.tenantId)!.some((p) => matchesPattern(p, e.type))) await fanOut(e)
    }
  }

  /**
   * Switches a failing subscription off, in the caller's transaction, and tells the admins. `gaveUp`:
   * the delivery whose whole retry schedule failed, when that is why.
   */
  async function disable(tx: DbOrTx, sub: SubscriptionRow, failures: number, lastError: string, gaveUp?: WebhookDeliveryRow) {
    const now = clock.now()
    const schedule = gaveUp
      ? `a delivery gave up after ${gaveUp.attempts} attempts over ${Math.round((now.getTime() - gaveUp.createdAt.getTime()) / 3_600_000)} h; `
      : ''
    const reason = `${schedule}${failures} failed attempts in a row; last: ${lastError}`.slice(0, 500)
    await repo.updateSubscription(tx, sub.id, { enabled: false, disabledReason: reason, updatedAt: now, version: sub.version + 1 })
    await audit.record(tx, {
      tenantId: sub.tenantId,
      actorType: 'system',
      actorId: null,
      action: 'webhook.disabled',
      entityType: 'webhook_subscription',
      entityId: sub.id,
      after: { enabled: false, reason },
    })
    await outbox.publish(tx, {
      tenantId: sub.tenantId,
      type: 'webhook.disabled',
      aggregateType: 'webhook',
      aggregateId: sub.id,
      payload: { subscriptionId: sub.id, name: sub.name, url: sub.url, failures, lastError: lastError.slice(0, 300) },
    })
  }

  /** Sends one delivery and records the outcome; true when the receiver failed in a way worth retrying. */
  async function sendOne(row: WebhookDeliveryRow): Promise<boolean> {
    const sub = await database.withTenant(row.tenantId, (tx) => repo.findSubscription(tx, row.subscriptionId))
    let result: HttpResult | DeliveryError
    if (!sub) result = new DeliveryError('subscription removed', { retryable: false, code: 'gone' })
    else {
      try {
        const headers = {
          ...signedHeaders(box.open(sub.secretSealed, sub.id), row.body, clock.now()),
          [EVENT_HEADER]: row.eventType,
          // the same on retries and replays: receivers deduplicate on it
          [DELIVERY_HEADER]: row.replayOf ?? row.id,
          'user-agent': 'Aftercare-Webhooks/1',
        }
        result = await postOut(sub.url, { body: row.body, headers }, () => clock.now(), policy)
      } catch (e) {
        result = e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e), { retryable: true })
      }
    }
    const now = clock.now()
    const retryAt = await database.withTenant(row.tenantId, async (tx): Promise<Date | null> => {
      const guard = { attempts: row.attempts }
      if (!(result instanceof DeliveryError)) {
        await repo.updateDelivery(
          tx,
          row.id,
          {
            status: 'sent',
            sentAt: now,
            responseStatus: result.status,
            lastError: null,
            leaseUntil: null,
            nextAttemptAt: null,
            updatedAt: now,
          },
          guard,
        )
        if (sub) await repo.resetFailures(tx, sub.id)
        return null
      }
      const status = /^http_(\d{3})$/.exec(result.code)?.[1]
      const base = {
        responseStatus: status ? Number(status) : null,
        lastError: result.message.slice(0, 500),
        leaseUntil: null,
        updatedAt: now,
      }
      const next = result.retryable
        ? webhookRetryAt({
            attempts: row.attempts,
            maxAttempts: row.maxAttempts,
            firstAttemptAt: row.createdAt,
            now,
            retryAfterMs: result.retryAfterMs,
          })
        : null
      await repo.updateDelivery(
        tx,
        row.id,
        { ...base, status: next ? 'retrying' : result.retryable ? 'dead' : 'failed', nextAttemptAt: next },
        guard,
      )
      if (sub) {
        const failures = await repo.countFailure(tx, sub.id)
        // retryable: off only once this delivery's whole schedule failed with nothing succeeding meanwhile
        const exhausted = result.retryable && !next && failures >= row.attempts
        if (sub.enabled && (exhausted || (!result.retryable && failures >= FAILURES_BEFORE_DISABLE)))
          await disable(tx, sub, failures, result.message, exhausted ? row : undefined)
      }
      return next
    })
    if (retryAt)
      await jobs
        .send(DELIVER_WEBHOOKS_JOB, { ids: [row.id] }, { startAfter: retryAt, singletonKey: `webhook:${row.id}` })
        .catch(() => undefined)
    return result instanceof DeliveryError && result.retryable
  }

  return {
    listener: { name: 'webhooks.fanout', events: '*', handle: fanOut, handleMany: fanOutMany } satisfies EventListener,

    /** Sends what is due (only `ids`, or one tenant's, when given). Returns how many were attempted. */
    async deliverDue(only: { ids?: string[]; tenantId?: string; maxBatches?: number } = {}): Promise<number> {
      let attempted = 0
      // receivers that failed in this run: their other deliveries wait for the next run, so a receiver
      // that is down (or drips its answers up to the deadline) costs one attempt per run, not one per
      // event, and a 429 is not answered with the rest of the batch
      const failing = new Set<string>()
      for (let i = 0; i < (only.maxBatches ?? 10); i++) {
        const now = clock.now()
        const claimed = await database.transaction((tx) =>
          repo.claimDue(tx, now, new Date(now.getTime() + LEASE_MS), BATCH, { ...only, skipSubscriptions: [...failing] }),
        )
        if (!claimed.length) break
        // one receiver at a time in order; receivers side by side
        const bySub = new Map<string, WebhookDeliveryRow[]>()
        for (const row of claimed) bySub.set(row.subscriptionId, [...(bySub.get(row.subscriptionId) ?? []), row])
        await Promise.all(
          [...bySub.entries()].map(async ([subscriptionId, group]) => {
            for (const [n, row] of group.entries()) {
              attempted++
              if (!(await sendOne(row))) continue
              failing.add(subscriptionId)
              const rest = group.slice(n + 1).map((r) => r.id)
              if (rest.length) await database.transaction((tx) => repo.releaseClaims(tx, rest, clock.now()))
              break
            }
          }),
        )
        if (only.ids) break
      }
      if (attempted) log.debug({ attempted }, 'webhook deliveries attempted')
      return attempted
    },

    recoverInterrupted: (only: { tenantId?: string } = {}) =>
      database.transaction((tx) => repo.retryExpiredLeases(tx, clock.now(), only.tenantId)),
  }
}

export type Outgoing = ReturnType<typeof createOutgoing>
