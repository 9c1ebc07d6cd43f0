// GET /api/ws: the realtime WebSocket. Authenticated like every /api route (session cookie for
// browsers, bearer token for other clients); a plain GET without the upgrade answers 426.
import { ApiError } from '@aftercare/contracts'
import type { FastifyRequest } from 'fastify'
import type { App } from '../../app.ts'
import { ForbiddenError } from '../errors.ts'
import type { RealtimeHub } from './hub.ts'

const description = `Upgrade to a WebSocket. Send {"type":"subscribe","topic":"ticket:<id>"} (or "unsubscribe");
the server answers {"type":"subscribed","topic"} or {"type":"error","topic","code":"forbidden"|"unknown_topic"}, then pushes
{"type":"event","topic","event"}. Domain events arrive on "<aggregateType>" and "<aggregateType>:<aggregateId>" as
{id, type, aggregateType, aggregateId}; refetch the record through the REST API. {"type":"ping"} is answered {"type":"pong"}.`

/**
 * A cookie travels with a WebSocket opened by any page, so a browser session may only connect
 * from this site's own pages (cross-site WebSocket hijacking); bearer-token clients send no cookie.
 */
export function sameOriginUpgrade(req: FastifyRequest, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    return false
  }
  // req.host follows X-Forwarded-Host behind a trusted proxy (TRUST_PROXY)
  return host === req.host || host === req.headers.host || (publicUrl !== undefined && host === new URL(publicUrl).host)
}

export function realtimeRoutes(hub: RealtimeHub, opts: { publicUrl?: string }) {
  return (app: App) => {
    app.route({
      method: 'GET',
      url: '/ws',
      config: { access: { authenticated: true } },
      schema: { tags: ['realtime'], summary: 'Realtime WebSocket (topic subscriptions)', description, response: { 426: ApiError } },
      preValidation: async (req) => {
        if (req.actor?.kind === 'session' && !sameOriginUpgrade(req, opts.publicUrl))
          throw new ForbiddenError('A WebSocket with a session cookie must come from this site', 'cross_origin')
      },
      handler: async (_req, reply) =>
        reply
          .status(426)
          .header('upgrade', 'websocket')
          .send({ code: 'upgrade_required', message: 'GET /api/ws needs a WebSocket upgrade' }),
      wsHandler: (socket, req) => hub.accept(socket, req),
    })
  }
}
