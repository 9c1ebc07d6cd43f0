// Dispatch planning use cases: solve a day, or fit one urgent job into it. Stateless (no tables yet):
// the solver runs in a worker thread so the API's event loop never blocks; how many solves run at
// once is the routes' `expensive` cap.
import type { DispatchProblem, DispatchReoptimizeRequest, DispatchReoptimizeResult, DispatchSolution } from '@aftercare/contracts'
import { ProblemError, reoptimizeInWorker, solveInWorker } from '@aftercare/dispatch'
import { ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'

export interface DispatchServiceDeps {
  /** Upper bound on a request's time limit, in seconds. */
  maxTimeLimitSeconds?: number
  /** Used when the problem gives no time limit. */
  defaultTimeLimitSeconds?: number
}

export function createDispatchService(deps: DispatchServiceDeps = {}) {
  const maxLimit = deps.maxTimeLimitSeconds ?? 30
  const defaultLimit = deps.defaultTimeLimitSeconds ?? 5
  async function guarded<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof ProblemError) throw ValidationError.field(`${prefix}${e.path}`, e.message.replace(`${e.path}: `, ''))
      throw e
    }
  }

  return {
    /** Plans routes for the problem; the time limit is the problem's, capped. */
    async optimize(_ctx: RequestContext, problem: DispatchProblem, signal?: AbortSignal): Promise<DispatchSolution> {
      const limit = Math.min(problem.timeLimitSeconds ?? defaultLimit, maxLimit)
      return guarded('body.', async () => {
        const { stats: _stats, ...solution } = await solveInWorker(problem, { timeLimitMs: limit * 1000, seed: problem.seed, signal })
        return solution
      })
    },

    /** Inserts one urgent job into existing routes with the least disruption. */
    async reoptimize(_ctx: RequestContext, request: DispatchReoptimizeRequest, signal?: AbortSignal): Promise<DispatchReoptimizeResult> {
      return guarded('body.', () => reoptimizeInWorker(request, signal))
    },
  }
}

export type DispatchService = ReturnType<typeof createDispatchService>
