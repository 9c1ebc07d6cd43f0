// Webhook subscriptions: which events go where, the signing secret (shown once), the delivery log
// and replays.
import type { CreateWebhookBody, UpdateWebhookBody, WebhookDelivery, WebhookSubscription } from '@aftercare/contracts'
import { randomBytes, randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import type { SecretBox } from '../identity/index.ts'
import { checkOutboundUrl } from '../notifications/index.ts'
import type { Outgoing } from './outgoing.ts'
import { webhookRepository as repo } from './webhooks.repository.ts'
import type { SubscriptionRow, WebhookDeliveryRow } from './webhooks.tables.ts'

export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`

export const toSubscriptionDto = (s: SubscriptionRow): WebhookSubscription => ({
  id: s.id,
  name: s.name,
  url: s.url,
  events: s.events,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  consecutiveFailures: s.consecutiveFailures,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  version: s.version,
})

const toDeliveryDto = (d: WebhookDeliveryRow): WebhookDelivery => ({
  id: d.id,
  subscriptionId: d.subscriptionId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  responseStatus: d.responseStatus,
  lastError: d.lastError,
  replayOf: d.replayOf,
  sentAt: d.sentAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
})

const cursorOf = (d: WebhookDeliveryRow) => Buffer.from(`${d.createdAt.toISOString()}|${d.id}`).toString('base64url')
function parseCursor(s: string | undefined) {
  if (!s) return undefined
  const [at, id] = Buffer.from(s, 'base64url').toString('utf8').split('|')
  return at && id && !Number.isNaN(Date.parse(at)) && /^[0-9a-f-]{36}$/.test(id) ? { at: new Date(at), id } : undefined
}

export function createSubscriptionService(deps: ModuleDeps, box: SecretBox, outgoing: Outgoing) {
  const { database, clock, audit, outbox } = deps
  const policy = { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE }
  /** The SSRF guard at save time (sending checks the address actually connected to again). */
  async function refuseUnsafeUrl(url: string) {
    const refusal = await checkOutboundUrl(url, policy)
    if (refusal) throw ValidationError.field('url', refusal)
  }
  const by = (ctx: RequestContext) => ({
    tenantId: ctx.actor.tenantId,
    actorType: ctx.actor.kind === 'token' ? ('token' as const) : ('user' as const),
    actorId: ctx.actor.userId,
    requestId: ctx.requestId,
    ip: ctx.ip,
  })

  async function find(tx: DbOrTx, id: string) {
    const s = await repo.findSubscription(tx, id)
    if (!s) throw new NotFoundError('webhook', id)
    return s
  }

  async function record(tx: DbOrTx, ctx: RequestContext, action: string, s: SubscriptionRow) {
    await audit.record(tx, {
      ...by(ctx),
      action,
      entityType: 'webhook_subscription',
      entityId: s.id,
      after: { name: s.name, url: s.url, events: s.events, enabled: s.enabled },
    })
    await outbox.publish(tx, {
      tenantId: s.tenantId,
      type: action,
      aggregateType: 'webhook',
      aggregateId: s.id,
      payload: { subscriptionId: s.id },
      actorId: ctx.actor.userId,
    })
  }

  return {
    async list(ctx: RequestContext) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => (await repo.listSubscriptions(tx)).map(toSubscriptionDto))
    },

    async get(ctx: RequestContext, id: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => toSubscriptionDto(await find(tx, id)))
    },

    /** Subscribes a URL to events; the signing secret is in the answer and never again. */
    async create(ctx: RequestContext, input: z.output<typeof CreateWebhookBody>) {
      await refuseUnsafeUrl(input.url)
      const secret = newSecret()
      const now = clock.now()
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const id = randomUUID()
        const s = await repo.insertSubscription(tx, {
          id,
          tenantId: ctx.actor.tenantId,
          name: input.name,
          url: input.url,
          events: [...new Set(input.events)],
          secretSealed: box.seal(secret, id),
          enabled: input.enabled,
          consecutiveFailures: 0,
          createdAt: now,
          updatedAt: now,
          version: 1,
        })
        await record(tx, ctx, 'webhook.created', s)
        return { subscription: toSubscriptionDto(s), secret }
      })
    },

    /** Changes a subscription; switching it on again clears its failure count. */
    async update(ctx: RequestContext, id: string, input: z.output<typeof UpdateWebhookBody>, ifMatch?: number) {
      if (input.url !== undefined) await refuseUnsafeUrl(input.url)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const s = await find(tx, id)
        if (ifMatch !== undefined && ifMatch !== s.version) throw new PreconditionFailedError()
        const reenabled = input.enabled === true && !s.enabled
        const updated = await repo.updateSubscription(tx, id, {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          ...(reenabled ? { consecutiveFailures: 0, disabledReason: null } : {}),
          updatedAt: clock.now(),
          version: s.version + 1,
        })
        await record(tx, ctx, 'webhook.updated', updated)
        return toSubscriptionDto(updated)
      })
    },

    async remove(ctx: RequestContext, id: string) {
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const s = await find(tx, id)
        await repo.deleteSubscription(tx, id)
        await record(tx, ctx, 'webhook.deleted', s)
      })
    },

    /** A new signing secret (the old one stops working at once). */
    async rotateSecret(ctx: RequestContext, id: string) {
      const secret = newSecret()
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const s = await find(tx, id)
        const updated = await repo.updateSubscription(tx, id, {
          secretSealed: box.seal(secret, id),
          updatedAt: clock.now(),
          version: s.version + 1,
        })
        await audit.record(tx, { ...by(ctx), action: 'webhook.secret_rotated', entityType: 'webhook_subscription', entityId: id })
        return { subscription: toSubscriptionDto(updated), secret }
      })
    },

    async deliveries(ctx: RequestContext, id: string, q: { status?: string; limit: number; cursor?: string }) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await find(tx, id)
        const found = await repo.listDeliveries(tx, id, { status: q.status, after: parseCursor(q.cursor), limit: q.limit + 1 })
        const page = found.slice(0, q.limit)
        return { items: page.map(toDeliveryDto), nextCursor: found.length > q.limit && page.length ? cursorOf(page.at(-1)!) : null }
      })
    },

    /** Sends a delivery's exact body again (fresh signature, same X-Aftercare-Delivery) and tries it at once. */
    async replay(ctx: RequestContext, deliveryId: string) {
      const now = clock.now()
      const copy = await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const d = await repo.findDelivery(tx, deliveryId)
        if (!d) throw new NotFoundError('webhook delivery', deliveryId)
        if (d.status === 'queued' || d.status === 'sending' || d.status === 'retrying')
          throw new ConflictError('not_replayable', `The delivery is still ${d.status}; replay it once it has finished`, [
            'sent',
            'failed',
            'dead',
          ])
        const sub = await find(tx, d.subscriptionId)
        if (!sub.enabled) throw new ConflictError('webhook_disabled', 'Switch the webhook on before replaying its deliveries')
        const [row] = await repo.insertDeliveries(tx, [
          {
            tenantId: d.tenantId,
            subscriptionId: d.subscriptionId,
            eventId: d.eventId,
            eventType: d.eventType,
            body: d.body,
            dedupeKey: `replay:${randomUUID()}`,
            status: 'queued',
            attempts: 0,
            maxAttempts: d.maxAttempts,
            nextAttemptAt: now,
            replayOf: d.replayOf ?? d.id,
            createdAt: now,
            updatedAt: now,
          },
        ])
        await audit.record(tx, {
          ...by(ctx),
          action: 'webhook.delivery_replayed',
          entityType: 'webhook_delivery',
          entityId: deliveryId,
          after: { replayId: row!.id },
        })
        return row!
      })
      await outgoing.deliverDue({ ids: [copy.id] })
      return database.withTenant(ctx.actor.tenantId, async (tx) => toDeliveryDto((await repo.findDelivery(tx, copy.id))!))
    },
  }
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>
