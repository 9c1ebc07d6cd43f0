// HTTP for the tickets configuration: read by everyone who works with tickets (forms need it),
// changed with tickets.configure.
import {
  CreateTicketCategoryBody,
  CreateTicketQueueBody,
  CreateTicketTypeBody,
  IdParams,
  PriorityMatrix,
  TicketCategory,
  TicketQueue,
  TicketSettings,
  TicketType,
  UpdateTicketCategoryBody,
  UpdateTicketQueueBody,
  UpdateTicketSettingsBody,
  UpdateTicketTypeBody,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf, type Access } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { TicketConfigService } from './ticket-config.service.ts'
import { toCategoryDto, toMatrixDto, toQueueDto, toSettingsDto, toTypeDto } from './tickets.mapping.ts'

const tags = ['ticket configuration']
const read: { access: Access } = { access: { permission: 'tickets.read' } }
const configure: { access: Access } = { access: { permission: 'tickets.configure' } }
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) })

export function ticketConfigRoutes(config: TicketConfigService) {
  return (app: App) => {
    app.get('/tickets/types', { config: read, schema: { tags, response: { 200: list(TicketType) } } }, async (req) => ({
      items: (await config.listTypes(contextOf(req))).map(toTypeDto),
    }))
    app.post(
      '/tickets/types',
      { config: configure, schema: { tags, body: CreateTicketTypeBody, response: { 201: TicketType } } },
      async (req, reply) => reply.status(201).send(toTypeDto(await config.createType(contextOf(req), req.body))),
    )
    app.patch(
      '/tickets/types/:id',
      { config: configure, schema: { tags, params: IdParams, body: UpdateTicketTypeBody, response: { 200: TicketType } } },
      async (req) => toTypeDto(await config.updateType(contextOf(req), req.params.id, req.body)),
    )

    app.get('/tickets/categories', { config: read, schema: { tags, response: { 200: list(TicketCategory) } } }, async (req) => ({
      items: (await config.listCategories(contextOf(req))).map(toCategoryDto),
    }))
    app.post(
      '/tickets/categories',
      { config: configure, schema: { tags, body: CreateTicketCategoryBody, response: { 201: TicketCategory } } },
      async (req, reply) => {
        const row = await config.createCategory(contextOf(req), req.body)
        setEtag(reply, row.version)
        return reply.status(201).send(toCategoryDto(row))
      },
    )
    app.patch(
      '/tickets/categories/:id',
      { config: configure, schema: { tags, params: IdParams, body: UpdateTicketCategoryBody, response: { 200: TicketCategory } } },
      async (req, reply) => {
        const row = await config.updateCategory(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, row.version)
        return toCategoryDto(row)
      },
    )

    app.get('/tickets/queues', { config: read, schema: { tags, response: { 200: list(TicketQueue) } } }, async (req) => ({
      items: (await config.listQueues(contextOf(req))).map(toQueueDto),
    }))
    app.post(
      '/tickets/queues',
      { config: configure, schema: { tags, body: CreateTicketQueueBody, response: { 201: TicketQueue } } },
      async (req, reply) => reply.status(201).send(toQueueDto(await config.createQueue(contextOf(req), req.body))),
    )
    app.patch(
      '/tickets/queues/:id',
      { config: configure, schema: { tags, params: IdParams, body: UpdateTicketQueueBody, response: { 200: TicketQueue } } },
      async (req) => toQueueDto(await config.updateQueue(contextOf(req), req.params.id, req.body)),
    )

    // settings and the priority matrix are one row: one ETag (its version); a save with If-Match made
    // on an older version is refused with 412 instead of undoing someone else's change
    app.get('/tickets/settings', { config: read, schema: { tags, response: { 200: TicketSettings } } }, async (req, reply) => {
      const row = await config.settings(contextOf(req))
      setEtag(reply, row.version)
      return toSettingsDto(row)
    })
    app.patch(
      '/tickets/settings',
      { config: configure, schema: { tags, body: UpdateTicketSettingsBody, response: { 200: TicketSettings } } },
      async (req, reply) => {
        const row = await config.updateSettings(contextOf(req), req.body, ifMatchVersion(req))
        setEtag(reply, row.version)
        return toSettingsDto(row)
      },
    )
    app.get('/tickets/priority-matrix', { config: read, schema: { tags, response: { 200: PriorityMatrix } } }, async (req, reply) => {
      const row = await config.settings(contextOf(req))
      setEtag(reply, row.version)
      return toMatrixDto(row)
    })
    app.put(
      '/tickets/priority-matrix',
      { config: configure, schema: { tags, body: PriorityMatrix, response: { 200: PriorityMatrix } } },
      async (req, reply) => {
        const row = await config.updateSettings(contextOf(req), { priorityMatrix: req.body.matrix }, ifMatchVersion(req))
        setEtag(reply, row.version)
        return toMatrixDto(row)
      },
    )
  }
}
