// Inbound webhooks: other systems (e-commerce orders, monitoring) POST signed JSON; a source's field
// mapping turns it into a ticket through the tickets module. The same external id from the same
// source answers with the ticket it already made, so senders may retry freely.
import type { CreateInboundSourceBody, InboundMapping, InboundSource, InboundTicketDraft, TicketPriority } from '@aftercare/contracts'
import { TicketPriority as Priority } from '@aftercare/contracts'
import { sql } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, NotFoundError, PreconditionFailedError, UnauthenticatedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findCustomerSummary } from '../customers/index.ts'
import type { SecretBox } from '../identity/index.ts'
import { flatten, render, verifySignature } from '../notifications/index.ts'
import { newSecret } from './subscriptions.service.ts'
import { webhookRepository as repo } from './webhooks.repository.ts'
import type { InboundSourceRow } from './webhooks.tables.ts'

/** How inbound webhooks create tickets: the tickets module's `createTicket`, wired by the composition root. */
export type TicketCreator = (
  tx: DbOrTx,
  tenantId: string,
  input: {
    subject: string
    description?: string
    typeId?: string
    customerId: string
    priority?: TicketPriority
    queueId?: string
    channel: InboundSource['channel']
    tags?: string[]
    requesterName?: string
    requesterPhone?: string
    requesterEmail?: string
  },
) => Promise<{ id: string; number: string }>

const clean = (s: string, max: number) =>
  s
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, max)

/** What a mapping makes of a document (pure). */
export function mapDocument(mapping: InboundMapping, defaultPriority: TicketPriority, doc: unknown): InboundTicketDraft {
  const values = flatten(doc)
  const text = (template: string) => render(template, values).text
  const priority = Priority.safeParse(text(mapping.priority).trim().toUpperCase())
  const phone = clean(text(mapping.requesterPhone), 20)
  const email = clean(text(mapping.requesterEmail), 254)
  return {
    subject: clean(text(mapping.subject), 200),
    description: text(mapping.description).trim().slice(0, 20_000),
    externalId: clean(text(mapping.externalId), 200),
    priority: priority.success ? priority.data : defaultPriority,
    requesterName: clean(text(mapping.requesterName), 100) || null,
    // foreign data that does not look like a phone number or an address is left out, not refused
    requesterPhone: /^\+?[0-9 -]{5,20}$/.test(phone) ? phone : null,
    requesterEmail: /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null,
    tags: [...new Set(mapping.tags.map((t) => clean(text(t), 50)).filter(Boolean))].slice(0, 30),
  }
}

export function createInbound(deps: ModuleDeps, box: SecretBox, createTicket: TicketCreator | undefined) {
  const { database, clock, audit, config } = deps
  const baseUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '')
  const by = (ctx: RequestContext) => ({
    tenantId: ctx.actor.tenantId,
    actorType: ctx.actor.kind === 'token' ? ('token' as const) : ('user' as const),
    actorId: ctx.actor.userId,
    requestId: ctx.requestId,
    ip: ctx.ip,
  })

  const toDto = (s: InboundSourceRow): InboundSource => ({
    id: s.id,
    name: s.name,
    url: `${baseUrl}/api/webhooks/inbound/${s.id}`,
    customerId: s.customerId,
    typeId: s.typeId,
    queueId: s.queueId,
    defaultPriority: s.defaultPriority,
    channel: s.channel,
    mapping: s.mapping,
    enabled: s.enabled,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    version: s.version,
  })

  async function find(tx: DbOrTx, id: string) {
    const s = await repo.findSource(tx, id)
    if (!s) throw new NotFoundError('inbound source', id)
    return s
  }

  async function assertCustomer(tx: DbOrTx, customerId: string | undefined) {
    if (customerId && !(await findCustomerSummary(tx, customerId))) throw ValidationError.field('customerId', 'no such customer')
  }

  return {
    async list(ctx: RequestContext) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => (await repo.listSources(tx)).map(toDto))
    },

    /** Adds a source; its signing secret is in the answer and never again. */
    async create(ctx: RequestContext, input: z.output<typeof CreateInboundSourceBody>) {
      const secret = newSecret()
      const now = clock.now()
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await assertCustomer(tx, input.customerId)
        const id = randomUUID()
        const s = await repo.insertSource(tx, {
          id,
          tenantId: ctx.actor.tenantId,
          ...input,
          secretSealed: box.seal(secret, id),
          createdAt: now,
          updatedAt: now,
          version: 1,
        })
        await audit.record(tx, {
          ...by(ctx),
          action: 'webhook.inbound_source_created',
          entityType: 'webhook_inbound_source',
          entityId: id,
          after: { name: s.name, mapping: s.mapping },
        })
        return { source: toDto(s), secret }
      })
    },

    async update(ctx: RequestContext, id: string, input: Partial<z.output<typeof CreateInboundSourceBody>>, ifMatch?: number) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const s = await find(tx, id)
        if (ifMatch !== undefined && ifMatch !== s.version) throw new PreconditionFailedError()
        await assertCustomer(tx, input.customerId)
        const updated = await repo.updateSource(tx, id, { ...input, updatedAt: clock.now(), version: s.version + 1 })
        await audit.record(tx, {
          ...by(ctx),
          action: 'webhook.inbound_source_updated',
          entityType: 'webhook_inbound_source',
          entityId: id,
          after: input,
        })
        return toDto(updated)
      })
    },

    async remove(ctx: RequestContext, id: string) {
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        await find(tx, id)
        await repo.deleteSource(tx, id)
        await audit.record(tx, { ...by(ctx), action: 'webhook.inbound_source_deleted', entityType: 'webhook_inbound_source', entityId: id })
      })
    },

    async rotateSecret(ctx: RequestContext, id: string) {
      const secret = newSecret()
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const s = await find(tx, id)
        const updated = await repo.updateSource(tx, id, {
          secretSealed: box.seal(secret, id),
          updatedAt: clock.now(),
          version: s.version + 1,
        })
        await audit.record(tx, { ...by(ctx), action: 'webhook.inbound_secret_rotated', entityType: 'webhook_inbound_source', entityId: id })
        return { source: toDto(updated), secret }
      })
    },

    /** What the source's mapping makes of a sample document (nothing is created). */
    /** What the source's mapping (or an unsaved one to preview) makes of a sample document; nothing is created. */
    async test(
      ctx: RequestContext,
      id: string,
      document: unknown,
      unsaved: { mapping?: InboundMapping; defaultPriority?: TicketPriority } = {},
    ) {
      const s = await database.withTenant(ctx.actor.tenantId, (tx) => find(tx, id))
      return mapDocument(unsaved.mapping ?? s.mapping, unsaved.defaultPriority ?? s.defaultPriority, document)
    },

    /**
     * A signed push from another system. 404 for an unknown or switched-off source, 401 for a bad or stale
     * signature, 422 when the mapping yields no subject; 201 with the new ticket, or 200 with the ticket
     * the same external id already made.
     */
    async receive(sourceId: string, rawBody: string, headers: { timestamp?: string; signature?: string }, ip: string) {
      const source = await repo.findSource(database.db, sourceId)
      if (!source || !source.enabled) throw new NotFoundError('inbound source', sourceId)
      const problem = verifySignature(box.open(source.secretSealed, source.id), headers, rawBody, clock.now())
      if (problem === 'stale')
        throw new UnauthenticatedError('X-Aftercare-Timestamp is more than 5 minutes away from our clock', 'stale_signature')
      if (problem)
        throw new UnauthenticatedError(
          'X-Aftercare-Signature does not match the body (HMAC-SHA256 of "<timestamp>.<body>")',
          'bad_signature',
        )
      let doc: unknown
      try {
        doc = JSON.parse(rawBody)
      } catch {
        throw new AppError(400, 'invalid_input', 'body: not JSON', { issues: [{ path: 'body', message: 'not JSON' }] })
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
        throw new AppError(400, 'invalid_input', 'body: a JSON object was expected', {
          issues: [{ path: 'body', message: 'not an object' }],
        })
      const draft = mapDocument(source.mapping, source.defaultPriority, doc)
      if (!draft.subject) throw ValidationError.field('mapping.subject', 'renders empty for this document (check the paths it uses)')
      if (!createTicket) throw new AppError(503, 'unavailable', 'Tickets cannot be created here yet')
      return database.withTenant(source.tenantId, async (tx) => {
        if (draft.externalId) {
          // two pushes of one document at the same moment: the second waits and finds the first's ticket
          await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${source.id}|${draft.externalId}`}, 9051))`)
          const seen = await repo.findInboundEvent(tx, source.id, draft.externalId)
          if (seen) return { ticketId: seen.ticketId, number: seen.ticketNumber, duplicate: true }
        }
        const ticket = await createTicket(tx, source.tenantId, {
          subject: draft.subject,
          description: draft.description,
          typeId: source.typeId,
          customerId: source.customerId,
          priority: draft.priority,
          ...(source.queueId ? { queueId: source.queueId } : {}),
          channel: source.channel,
          tags: draft.tags,
          ...(draft.requesterName ? { requesterName: draft.requesterName } : {}),
          ...(draft.requesterPhone ? { requesterPhone: draft.requesterPhone } : {}),
          ...(draft.requesterEmail ? { requesterEmail: draft.requesterEmail } : {}),
        })
        const now = clock.now()
        await repo.insertInboundEvent(tx, {
          tenantId: source.tenantId,
          sourceId: source.id,
          externalId: draft.externalId || `auto:${randomUUID()}`,
          ticketId: ticket.id,
          ticketNumber: ticket.number,
          receivedAt: now,
        })
        await audit.record(tx, {
          tenantId: source.tenantId,
          actorType: 'system',
          actorId: null,
          action: 'webhook.inbound_received',
          entityType: 'webhook_inbound_source',
          entityId: source.id,
          after: { ticketId: ticket.id, externalId: draft.externalId },
          ip,
        })
        return { ticketId: ticket.id, number: ticket.number, duplicate: false }
      })
    },
  }
}

export type Inbound = ReturnType<typeof createInbound>
