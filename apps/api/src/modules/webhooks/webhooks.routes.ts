// /api/webhooks: outgoing subscriptions with their delivery log and replays, inbound sources, and the
// public signed endpoint inbound sources post to.
import {
  CreateInboundSourceBody,
  CreateWebhookBody,
  IdParams,
  InboundAccepted,
  InboundSource,
  InboundSourceList,
  InboundSourceWithSecret,
  InboundTestBody,
  InboundTicketDraft,
  Ok,
  UpdateInboundSourceBody,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookSubscription,
  WebhookSubscriptionList,
  WebhookWithSecret,
} from '@aftercare/contracts'
import { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../notifications/index.ts'
import type { Inbound } from './inbound.ts'
import type { SubscriptionService } from './subscriptions.service.ts'

const tags = ['webhooks']
const manage = { access: { permission: 'webhooks.manage' as const } }
/** The signature covers the exact bytes sent, so the raw body is kept beside the parsed one. */
const rawBodies = new WeakMap<FastifyRequest, string>()

export function webhookRoutes(subscriptions: SubscriptionService, inbound: Inbound) {
  return (app: App) => {
    app.get(
      '/webhooks/subscriptions',
      { config: manage, schema: { tags, summary: 'Outgoing webhook subscriptions', response: { 200: WebhookSubscriptionList } } },
      async (req) => ({ items: await subscriptions.list(contextOf(req)) }),
    )
    app.post(
      '/webhooks/subscriptions',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Subscribe a URL to events; the answer holds the signing secret (shown once)',
          body: CreateWebhookBody,
          response: { 201: WebhookWithSecret },
        },
      },
      async (req, reply) => reply.status(201).send(await subscriptions.create(contextOf(req), req.body)),
    )
    app.get(
      '/webhooks/subscriptions/:id',
      { config: manage, schema: { tags, params: IdParams, response: { 200: WebhookSubscription } } },
      async (req, reply) => {
        const s = await subscriptions.get(contextOf(req), req.params.id)
        setEtag(reply, s.version)
        return s
      },
    )
    app.patch(
      '/webhooks/subscriptions/:id',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Change a subscription (If-Match honoured); enabling clears the failure count',
          params: IdParams,
          body: UpdateWebhookBody,
          response: { 200: WebhookSubscription },
        },
      },
      async (req, reply) => {
        const s = await subscriptions.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, s.version)
        return s
      },
    )
    app.delete(
      '/webhooks/subscriptions/:id',
      { config: manage, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => {
        await subscriptions.remove(contextOf(req), req.params.id)
        return { ok: true as const }
      },
    )
    app.post(
      '/webhooks/subscriptions/:id/rotate-secret',
      {
        config: manage,
        schema: {
          tags,
          summary: 'A new signing secret (shown once); the old one stops at once',
          params: IdParams,
          response: { 200: WebhookWithSecret },
        },
      },
      async (req) => subscriptions.rotateSecret(contextOf(req), req.params.id),
    )
    app.get(
      '/webhooks/subscriptions/:id/deliveries',
      {
        config: manage,
        schema: {
          tags,
          summary: 'The delivery log of a subscription, newest first',
          params: IdParams,
          querystring: WebhookDeliveryQuery,
          response: { 200: WebhookDeliveryList },
        },
      },
      async (req) => subscriptions.deliveries(contextOf(req), req.params.id, req.query),
    )
    app.post(
      '/webhooks/deliveries/:id/replay',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Send a finished delivery again (same body and delivery id, fresh signature)',
          params: IdParams,
          response: { 200: WebhookDelivery },
        },
      },
      async (req) => subscriptions.replay(contextOf(req), req.params.id),
    )

    // ── inbound sources
    app.get('/webhooks/inbound-sources', { config: manage, schema: { tags, response: { 200: InboundSourceList } } }, async (req) => ({
      items: await inbound.list(contextOf(req)),
    }))
    app.post(
      '/webhooks/inbound-sources',
      {
        config: manage,
        schema: {
          tags,
          summary: 'A system that creates tickets by signed webhook; the answer holds its secret (shown once)',
          body: CreateInboundSourceBody,
          response: { 201: InboundSourceWithSecret },
        },
      },
      async (req, reply) => reply.status(201).send(await inbound.create(contextOf(req), req.body)),
    )
    app.patch(
      '/webhooks/inbound-sources/:id',
      { config: manage, schema: { tags, params: IdParams, body: UpdateInboundSourceBody, response: { 200: InboundSource } } },
      async (req, reply) => {
        const s = await inbound.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, s.version)
        return s
      },
    )
    app.delete(
      '/webhooks/inbound-sources/:id',
      { config: manage, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => {
        await inbound.remove(contextOf(req), req.params.id)
        return { ok: true as const }
      },
    )
    app.post(
      '/webhooks/inbound-sources/:id/rotate-secret',
      { config: manage, schema: { tags, params: IdParams, response: { 200: InboundSourceWithSecret } } },
      async (req) => inbound.rotateSecret(contextOf(req), req.params.id),
    )
    app.post(
      '/webhooks/inbound-sources/:id/test',
      {
        config: manage,
        schema: {
          tags,
          summary: 'What the mapping (saved, or the unsaved one given) makes of a sample document (nothing is created)',
          params: IdParams,
          body: InboundTestBody,
          response: { 200: InboundTicketDraft },
        },
      },
      async (req) => inbound.test(contextOf(req), req.params.id, req.body.document, req.body),
    )

    app.post(
      '/webhooks/inbound/:id',
      {
        config: { access: { public: true } },
        // keep the exact bytes: the signature is over them, not over a re-serialisation
        preParsing: async (req, _reply, payload) => {
          const chunks: Buffer[] = []
          for await (const c of payload) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
          const raw = Buffer.concat(chunks)
          rawBodies.set(req, raw.toString('utf8'))
          return Readable.from(raw)
        },
        schema: {
          tags,
          summary: `Create a ticket from a signed JSON document (headers ${TIMESTAMP_HEADER}, ${SIGNATURE_HEADER}: v1=HMAC-SHA256 of "<timestamp>.<body>")`,
          params: IdParams,
          body: z.unknown(),
          response: { 200: InboundAccepted, 201: InboundAccepted },
        },
      },
      async (req, reply) => {
        const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined)
        const result = await inbound.receive(
          req.params.id,
          rawBodies.get(req) ?? '',
          { timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) },
          req.ip,
        )
        return reply.status(result.duplicate ? 200 : 201).send(result)
      },
    )
  }
}
