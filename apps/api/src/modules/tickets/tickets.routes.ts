// HTTP for tickets: schema, one service call, mapping. Every route sits under /api/tickets.
import {
  AddMessageBody,
  AssignTicketBody,
  CreateTicketMacroBody,
  MacroParams,
  PreviewMacroBody,
  PreviewedMacro,
  RenderedMacro,
  TicketMacro,
  TicketMacroList,
  UpdateTicketMacroBody,
  BulkTicketBody,
  BulkTicketResult,
  ConfirmTicketBody,
  CreateSavedViewBody,
  CreateTicketBody,
  EscalateTicketBody,
  IdParams,
  LinkTicketBody,
  MergeTicketBody,
  Ok,
  ReopenTicketBody,
  SavedView,
  SavedViewList,
  SimilarTickets,
  SimilarTicketsQuery,
  SplitTicketBody,
  Ticket,
  TicketAgentList,
  TicketAttachmentList,
  TicketLinkList,
  TicketList,
  TicketListQuery,
  TicketMessage,
  TicketMessageList,
  TicketTabCounts,
  TicketWatchers,
  Timeline,
  TransitionTicketBody,
  UpdateSavedViewBody,
  UpdateTicketBody,
  WatchTicketBody,
} from '@aftercare/contracts'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf, type Access } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import { toAttachmentDto, toMacroDto, toMessageDto, toTicketDto, toTicketListItem, toTimelineDto, toViewDto } from './tickets.mapping.ts'
import type { TicketDetail, TicketService } from './tickets.service.ts'

const tags = ['tickets']
const read: { access: Access } = { access: { permission: 'tickets.read' } }
const write: { access: Access } = { access: { permission: 'tickets.write' } }
/** The service desk's own tools (agents directory, macros): never a customer contact. */
const deskRead: { access: Access } = { access: { permission: 'tickets.read', staffOnly: true } }
const deskWrite: { access: Access } = { access: { permission: 'tickets.reply', staffOnly: true } }

export function ticketRoutes(tickets: TicketService) {
  const send = (reply: FastifyReply, row: TicketDetail, viewerId: string, status = 200) => {
    setEtag(reply, row.version)
    return reply.status(status).send(toTicketDto(row, viewerId))
  }

  return (app: App) => {
    app.get('/tickets', { config: read, schema: { tags, querystring: TicketListQuery, response: { 200: TicketList } } }, async (req) => {
      const { items, nextCursor } = await tickets.list(contextOf(req), req.query)
      return { items: items.map(toTicketListItem), nextCursor }
    })
    app.post(
      '/tickets',
      { config: { access: { permission: 'tickets.create' } }, schema: { tags, body: CreateTicketBody, response: { 201: Ticket } } },
      async (req, reply) => send(reply, await tickets.create(contextOf(req), req.body), req.actor!.userId, 201),
    )
    app.get('/tickets/counts', { config: read, schema: { tags, response: { 200: TicketTabCounts } } }, async (req) =>
      tickets.counts(contextOf(req)),
    )
    app.get('/tickets/agents', { config: deskRead, schema: { tags, response: { 200: TicketAgentList } } }, async (req) => ({
      items: await tickets.agents.list(contextOf(req)),
    }))
    app.get('/tickets/macros', { config: deskRead, schema: { tags, response: { 200: TicketMacroList } } }, async (req) => ({
      items: (await tickets.macros.list(contextOf(req))).map(toMacroDto),
    }))
    app.post(
      '/tickets/macros',
      { config: deskWrite, schema: { tags, body: CreateTicketMacroBody, response: { 201: TicketMacro } } },
      async (req, res) => res.status(201).send(toMacroDto(await tickets.macros.create(contextOf(req), req.body))),
    )
    app.patch(
      '/tickets/macros/:id',
      { config: deskWrite, schema: { tags, params: IdParams, body: UpdateTicketMacroBody, response: { 200: TicketMacro } } },
      async (req) => toMacroDto(await tickets.macros.update(contextOf(req), req.params.id, req.body)),
    )
    app.delete('/tickets/macros/:id', { config: deskWrite, schema: { tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
      await tickets.macros.remove(contextOf(req), req.params.id)
      return { ok: true as const }
    })
    app.post(
      '/tickets/:id/macros/preview',
      { config: deskRead, schema: { tags, params: IdParams, body: PreviewMacroBody, response: { 200: PreviewedMacro } } },
      async (req) => tickets.macros.preview(contextOf(req), req.params.id, req.body.body),
    )
    app.post(
      '/tickets/:id/macros/:macroId/render',
      { config: deskRead, schema: { tags, params: MacroParams, response: { 200: RenderedMacro } } },
      async (req) => tickets.macros.render(contextOf(req), req.params.id, req.params.macroId),
    )
    app.post(
      '/tickets/:id/macros/:macroId/apply',
      { config: write, schema: { tags, params: MacroParams, response: { 200: Ticket } } },
      async (req, res) => {
        const ctx = contextOf(req)
        return send(
          res,
          await tickets.detail(ctx, await tickets.macros.apply(ctx, req.params.id, req.params.macroId, ifMatchVersion(req))),
          ctx.actor.userId,
        )
      },
    )
    app.get(
      '/tickets/similar',
      { config: read, schema: { tags, querystring: SimilarTicketsQuery, response: { 200: SimilarTickets } } },
      async (req) => {
        const found = await tickets.similar(contextOf(req), req.query)
        return { items: found.map((s) => ({ ticket: toTicketListItem(s.ticket), score: Math.round(s.score * 100) / 100 })) }
      },
    )

    app.get('/tickets/views', { config: read, schema: { tags, response: { 200: SavedViewList } } }, async (req) => ({
      items: (await tickets.listViews(contextOf(req))).map(toViewDto),
    }))
    app.post(
      '/tickets/views',
      { config: read, schema: { tags, body: CreateSavedViewBody, response: { 201: SavedView } } },
      async (req, reply) => reply.status(201).send(toViewDto(await tickets.createView(contextOf(req), req.body))),
    )
    app.patch(
      '/tickets/views/:id',
      { config: read, schema: { tags, params: IdParams, body: UpdateSavedViewBody, response: { 200: SavedView } } },
      async (req) => toViewDto(await tickets.updateView(contextOf(req), req.params.id, req.body)),
    )
    app.delete('/tickets/views/:id', { config: read, schema: { tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
      await tickets.deleteView(contextOf(req), req.params.id)
      return { ok: true as const }
    })
    app.post(
      '/tickets/bulk',
      { config: write, schema: { tags, body: BulkTicketBody, response: { 200: BulkTicketResult } } },
      async (req) => ({
        results: await tickets.bulk(contextOf(req), req.body.ticketIds, req.body.action),
      }),
    )

    app.get('/tickets/:id', { config: read, schema: { tags, params: IdParams, response: { 200: Ticket } } }, async (req, reply) =>
      send(reply, await tickets.get(contextOf(req), req.params.id), req.actor!.userId),
    )
    app.patch(
      '/tickets/:id',
      { config: write, schema: { tags, params: IdParams, body: UpdateTicketBody, response: { 200: Ticket } } },
      async (req, reply) =>
        send(reply, await tickets.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req)), req.actor!.userId),
    )
    app.post(
      '/tickets/:id/transition',
      { config: write, schema: { tags, params: IdParams, body: TransitionTicketBody, response: { 200: Ticket } } },
      async (req, reply) =>
        send(reply, await tickets.transition(contextOf(req), req.params.id, req.body, ifMatchVersion(req)), req.actor!.userId),
    )
    app.post(
      '/tickets/:id/assign',
      {
        config: { access: { permission: 'tickets.assign' } },
        schema: { tags, params: IdParams, body: AssignTicketBody, response: { 200: Ticket } },
      },
      async (req, reply) =>
        send(reply, await tickets.assign(contextOf(req), req.params.id, req.body, ifMatchVersion(req)), req.actor!.userId),
    )
    app.post(
      '/tickets/:id/escalate',
      { config: write, schema: { tags, params: IdParams, body: EscalateTicketBody, response: { 200: Ticket } } },
      async (req, reply) =>
        send(reply, await tickets.escalate(contextOf(req), req.params.id, req.body, ifMatchVersion(req)), req.actor!.userId),
    )
    const confirm: { access: Access } = { access: { permission: 'tickets.confirm' } }
    app.post(
      '/tickets/:id/confirm',
      { config: confirm, schema: { tags, params: IdParams, body: ConfirmTicketBody, response: { 200: Ticket } } },
      async (req, reply) => send(reply, await tickets.confirm(contextOf(req), req.params.id, req.body.comment), req.actor!.userId),
    )
    app.post(
      '/tickets/:id/reopen',
      { config: confirm, schema: { tags, params: IdParams, body: ReopenTicketBody, response: { 200: Ticket } } },
      async (req, reply) => send(reply, await tickets.reopen(contextOf(req), req.params.id, req.body.reason), req.actor!.userId),
    )

    app.get(
      '/tickets/:id/messages',
      { config: read, schema: { tags, params: IdParams, response: { 200: TicketMessageList } } },
      async (req) => ({
        items: (await tickets.messages(contextOf(req), req.params.id)).map(toMessageDto),
      }),
    )
    app.post(
      '/tickets/:id/messages',
      {
        config: { access: { permission: 'tickets.reply' } },
        schema: { tags, params: IdParams, body: AddMessageBody, response: { 201: TicketMessage } },
      },
      async (req, reply) => {
        const { message, ticket } = await tickets.addMessage(contextOf(req), req.params.id, req.body)
        setEtag(reply, ticket.version)
        return reply.status(201).send(toMessageDto(message))
      },
    )
    app.get('/tickets/:id/timeline', { config: read, schema: { tags, params: IdParams, response: { 200: Timeline } } }, async (req) => ({
      items: (await tickets.timeline(contextOf(req), req.params.id)).map(toTimelineDto),
    }))
    app.post(
      '/tickets/:id/watchers',
      { config: read, schema: { tags, params: IdParams, body: WatchTicketBody, response: { 200: TicketWatchers } } },
      async (req) => ({
        watcherIds: await tickets.watch(contextOf(req), req.params.id, req.body.userId),
      }),
    )
    app.delete(
      '/tickets/:id/watchers/:userId',
      { config: read, schema: { tags, params: z.object({ id: z.uuid(), userId: z.uuid() }), response: { 200: TicketWatchers } } },
      async (req) => ({ watcherIds: await tickets.unwatch(contextOf(req), req.params.id, req.params.userId) }),
    )
    app.get('/tickets/:id/links', { config: read, schema: { tags, params: IdParams, response: { 200: TicketLinkList } } }, async (req) => ({
      items: await tickets.links(contextOf(req), req.params.id),
    }))
    app.post(
      '/tickets/:id/links',
      { config: write, schema: { tags, params: IdParams, body: LinkTicketBody, response: { 201: TicketLinkList } } },
      async (req, reply) => {
        const ctx = contextOf(req)
        await tickets.link(ctx, req.params.id, req.body)
        return reply.status(201).send({ items: await tickets.links(ctx, req.params.id) })
      },
    )
    app.delete(
      '/tickets/:id/links/:linkId',
      { config: write, schema: { tags, params: z.object({ id: z.uuid(), linkId: z.uuid() }), response: { 200: TicketLinkList } } },
      async (req) => {
        const ctx = contextOf(req)
        await tickets.unlink(ctx, req.params.id, req.params.linkId)
        return { items: await tickets.links(ctx, req.params.id) }
      },
    )
    app.get(
      '/tickets/:id/attachments',
      { config: read, schema: { tags, params: IdParams, response: { 200: TicketAttachmentList } } },
      async (req) => ({
        items: (await tickets.attachments.list(contextOf(req), req.params.id)).map(toAttachmentDto),
      }),
    )
    // multipart/form-data (see TicketAttachment in the contracts); the body is streamed, not schema-validated
    app.post(
      '/tickets/:id/attachments',
      {
        config: { access: { permission: 'tickets.reply' } },
        schema: { tags, params: IdParams, consumes: ['multipart/form-data'], response: { 201: TicketAttachmentList } },
      },
      async (req, reply) =>
        reply.status(201).send({ items: (await tickets.attachments.upload(contextOf(req), req.params.id, req)).map(toAttachmentDto) }),
    )
    app.get(
      '/tickets/:id/attachments/:attachmentId',
      {
        config: read,
        schema: {
          tags,
          params: z.object({ id: z.uuid(), attachmentId: z.uuid() }),
          querystring: z.object({ download: z.enum(['0', '1']).optional() }),
        },
      },
      async (req, reply) =>
        tickets.attachments.download(contextOf(req), req.params.id, req.params.attachmentId, req, reply, req.query.download === '1'),
    )
    app.post(
      '/tickets/:id/merge',
      { config: write, schema: { tags, params: IdParams, body: MergeTicketBody, response: { 200: Ticket } } },
      async (req, reply) => send(reply, await tickets.merge(contextOf(req), req.params.id, req.body.intoId), req.actor!.userId),
    )
    app.post(
      '/tickets/:id/split',
      { config: write, schema: { tags, params: IdParams, body: SplitTicketBody, response: { 201: Ticket } } },
      async (req, reply) => send(reply, await tickets.split(contextOf(req), req.params.id, req.body), req.actor!.userId, 201),
    )
  }
}
