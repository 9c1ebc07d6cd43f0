import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { systemClock, type Clock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import type { Database } from './platform/db/index.ts'
import { registerAccessControl, registerDeniedAudit, type Authenticator, type RegisteredRoute } from './platform/http/access.ts'
import { registerMultipart } from './platform/files/index.ts'
import { registerErrorHandler } from './platform/http/error-handler.ts'
import { registerIdempotency } from './platform/http/idempotency.ts'
import { registerExpensiveCaps } from './platform/http/expensive.ts'
import { registerMetrics } from './platform/http/metrics.ts'

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  ZodTypeProvider
>

/** A module's HTTP surface, registered under /api. */
export type RoutesPlugin = (app: App) => Promise<void> | void

export interface BuildAppOptions {
  config: Config
  database: Database
  authenticator: Authenticator
  routes: RoutesPlugin[]
  /** Routes outside /api (e.g. the embeddable web form's script), registered before the web app. */
  rootRoutes?: RoutesPlugin[]
  /** Extra readiness checks (the worker's health, etc.). */
  readiness?: () => Promise<Record<string, boolean>>
  /** A pino logger to share with the rest of the process. */
  logger?: import('pino').Logger
  /** Serve the built web app from apps/web/dist when it exists. */
  serveWeb?: boolean
  /** Time for expiring idempotency keys (tests set it). */
  clock?: Clock
  /** Adds gauges to the /metrics registry (the worker's backlogs). */
  metrics?: (registry: import('prom-client').Registry) => void
}

const webDist = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist')

export async function buildApp(opts: BuildAppOptions) {
  const { config, database } = opts
  const app = Fastify({
    ...(opts.logger
      ? { loggerInstance: opts.logger as unknown as import('fastify').FastifyBaseLogger }
      : {
          logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'] },
        }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id']
      return typeof incoming === 'string' && /^[\w.:-]{8,100}$/.test(incoming) ? incoming : randomUUID()
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    trustProxy: config.TRUST_PROXY,
    requestTimeout: 120_000,
    connectionTimeout: 60_000,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', String(req.id))
  })
  registerErrorHandler(app)

  await app.register(swagger, {
    openapi: {
      info: { title: 'Aftercare API', version: '0.1.0', description: 'After-sales service and customer-service platform' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'aftercare_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  await app.register(cookie, { secret: config.SECRET_KEY })
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  })
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: (req) => req.ip,
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
    errorResponseBuilder: (_req, ctx) => {
      const err = new Error(`Too many requests; retry after ${Math.ceil(ctx.ttl / 1000)} s`) as Error & { statusCode: number }
      err.statusCode = 429
      return err
    },
  })
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  await registerMultipart(app)

  const routes: RegisteredRoute[] = []
  registerAccessControl(app, opts.authenticator, routes)
  registerDeniedAudit(app, database)
  registerIdempotency(app, { database, clock: opts.clock ?? systemClock })
  registerExpensiveCaps(app)
  registerMetrics(app, opts.metrics, { token: config.METRICS_TOKEN })
  // what a signed-in person sees is not kept by browsers or shared caches (RELIABILITY C-HDR)
  app.addHook('onSend', async (req, reply) => {
    if (req.actor && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store')
  })

  app.get('/healthz', { config: { access: { public: true } }, schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, boolean> = {}
    try {
      await database.query('select 1')
      checks.database = true
    } catch {
      checks.database = false
    }
    Object.assign(checks, (await opts.readiness?.()) ?? {})
    const ok = Object.values(checks).every(Boolean)
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'degraded', checks })
  })

  await app.register(
    async (api) => {
      api.get(
        '/version',
        {
          config: { access: { public: true } },
          schema: { tags: ['system'], response: { 200: z.object({ name: z.string(), version: z.string(), database: z.string() }) } },
        },
        async () => ({ name: 'aftercare', version: '0.1.0', database: database.kind }),
      )
      for (const plugin of opts.routes) await plugin(api as unknown as App)
    },
    { prefix: '/api' },
  )
  for (const plugin of opts.rootRoutes ?? []) await plugin(app as unknown as App)

  if (opts.serveWeb !== false && existsSync(join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: false })
    // The web app is a single page: /, /portal/*, /m/* all load index.html; unknown /api paths stay 404 JSON.
    const spa = async (_req: unknown, reply: import('fastify').FastifyReply) => reply.type('text/html').sendFile('index.html')
    app.get('/', { config: { access: { public: true } }, schema: { hide: true } }, spa)
    app.get('/*', { config: { access: { public: true } }, schema: { hide: true } }, async (req, reply) => {
      if (req.url.startsWith('/api/')) return reply.callNotFound()
      return spa(req, reply)
    })
  }

  return { app, routes }
}
