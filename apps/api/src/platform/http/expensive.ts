// Caps on expensive requests (exports, PDFs): at most a few of a kind run at once in a process;
// one more is turned away with 429 and Retry-After instead of queueing behind them and taking the
// memory and the event loop from everyone else (RELIABILITY E-OVER, ASVS 15.2.2).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's kind of expensive work and how many of that kind may run at once. */
    expensive?: { kind: string; atOnce: number }
  }
}

/** Seconds a turned-away client is asked to wait. */
export const EXPENSIVE_RETRY_AFTER_S = 5

const held = Symbol('expensive')
type Holding = FastifyRequest & { [held]?: string }

export function registerExpensiveCaps(app: FastifyInstance) {
  const running = new Map<string, number>()
  // after authentication: an anonymous or forbidden request never takes a place
  app.addHook('preHandler', async (req, reply) => {
    const cap = req.routeOptions.config.expensive
    if (!cap) return
    const n = running.get(cap.kind) ?? 0
    if (n >= cap.atOnce) {
      void reply.header('retry-after', String(EXPENSIVE_RETRY_AFTER_S))
      throw new AppError(429, 'rate_limited', `Too many ${cap.kind} requests are running; try again in ${EXPENSIVE_RETRY_AFTER_S} s`)
    }
    running.set(cap.kind, n + 1)
    ;(req as Holding)[held] = cap.kind
  })
  // the place is held until the answer (a streamed file too) is sent, or the client gives up
  const release = async (req: FastifyRequest) => {
    const kind = (req as Holding)[held]
    if (!kind) return
    ;(req as Holding)[held] = undefined
    running.set(kind, (running.get(kind) ?? 1) - 1)
  }
  app.addHook('onResponse', release)
  app.addHook('onRequestAbort', release)
}
