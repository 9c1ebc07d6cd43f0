import { DispatchProblem, DispatchReoptimizeRequest, DispatchReoptimizeResult, DispatchSolution } from '@aftercare/contracts'
import type { FastifyReply } from 'fastify'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import type { DispatchService } from './dispatch.service.ts'

/** Aborts when the client goes away before the answer is sent, so the solver stops early. */
function abortOnDisconnect(reply: FastifyReply) {
  const ac = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort()
  })
  return ac.signal
}

export function dispatchRoutes(dispatch: DispatchService) {
  return (app: App) => {
    app.post(
      '/dispatch/optimize',
      {
        // a solve keeps a worker thread busy for seconds: two at once, more get 429 with Retry-After
        config: { access: { permission: 'dispatch.plan' }, expensive: { kind: 'dispatch plan', atOnce: 2 } },
        schema: { tags: ['dispatch'], body: DispatchProblem, response: { 200: DispatchSolution } },
      },
      async (req, reply) => dispatch.optimize(contextOf(req), req.body, abortOnDisconnect(reply)),
    )
    app.post(
      '/dispatch/reoptimize',
      {
        // a solve keeps a worker thread busy for seconds: two at once, more get 429 with Retry-After
        config: { access: { permission: 'dispatch.plan' }, expensive: { kind: 'dispatch plan', atOnce: 2 } },
        schema: { tags: ['dispatch'], body: DispatchReoptimizeRequest, response: { 200: DispatchReoptimizeResult } },
      },
      async (req, reply) => dispatch.reoptimize(contextOf(req), req.body, abortOnDisconnect(reply)),
    )
  }
}
