import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { AppError } from '../errors.ts'
import { safeEqual } from '../safe-equal.ts'

const isLoopback = (ip: string) => ip === '::1' || /^(::ffff:)?127\./.test(ip)

/**
 * Who may read /metrics: with a token, whoever sends it as a bearer; without one, only this machine
 * (a scraper or `curl` beside the server), never a request a proxy forwarded from outside.
 */
function mayScrape(req: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    return safeEqual(/^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '', token)
  }
  return isLoopback(req.socket.remoteAddress ?? '') && isLoopback(req.ip) && req.headers['x-forwarded-for'] === undefined
}

/** Prometheus metrics at /metrics: process defaults plus request counts and latency per route. */
export function registerMetrics(app: FastifyInstance, extra?: (registry: Registry) => void, opts: { token?: string } = {}) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  extra?.(registry)
  const requests = new Counter({
    name: 'aftercare_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'aftercare_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    requests.inc({ method: req.method, route, status: String(reply.statusCode) })
    latency.observe({ method: req.method, route }, reply.elapsedTime / 1000)
  })
  app.get('/metrics', { config: { access: { public: true } }, schema: { hide: true } }, async (req, reply) => {
    // the same answer as for any path that does not exist
    if (!mayScrape(req, opts.token)) throw new AppError(404, 'not_found', 'Route GET /metrics not found')
    void reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
  return registry
}
