// Re-optimisation: put one new urgent job into today's routes with the least disruption.
// 1. the cheapest direct insertion that moves nobody else to another engineer;
// 2. otherwise one other (not started, not pinned) job is moved to another place to make room;
// 3. otherwise the job stays unassigned with a reason. Started jobs and everything before them stay put.
import {
  DispatchReoptimizeRequest,
  type DispatchReoptimizeResult,
  type DispatchReoptimizeRequest as ReoptInput,
} from '@aftercare/contracts'
import { buildModel, ProblemError } from './model.ts'
import { Plan } from './plan.ts'
import { explainUnassigned, planToSolution } from './solve.ts'

export function reoptimize(input: ReoptInput): DispatchReoptimizeResult {
  const t0 = performance.now()
  const parsed = DispatchReoptimizeRequest.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ProblemError(issue.path.join('.') || '(root)', issue.message)
  }
  const req = parsed.data
  const jobAt = req.problem.jobs.findIndex((j) => j.id === req.jobId)
  if (jobAt < 0) throw new ProblemError('jobId', `unknown job "${req.jobId}" (add it to problem.jobs)`)
  const M = buildModel(req.problem, { neighbours: false })
  const job = jobAt
  // Nothing new starts before `now`: clip the new job's windows (a window that closes before `now`
  // becomes empty, but its lateness allowance, if any, still counts from its original close).
  let expired = false
  if (req.now !== undefined) {
    expired = true
    for (let w = M.twOffset[job]!; w < M.twOffset[job + 1]!; w++) {
      if (M.twOpen[w]! < req.now) M.twOpen[w] = req.now
      if (M.twClose[w]! >= M.twOpen[w]!) expired = false
    }
  }
  const plan = new Plan(M)
  const locked = new Uint8Array(M.n)
  /** First position (after p) where something new may go: after the last started job. */
  const firstFree = new Int32Array(M.m)
  const seenEngineer = new Set<number>()
  req.routes.forEach((route, ri) => {
    const r = M.engineerIndex.get(route.engineerId)
    if (r === undefined) throw new ProblemError(`routes.${ri}.engineerId`, `unknown engineer "${route.engineerId}"`)
    if (seenEngineer.has(r)) throw new ProblemError(`routes.${ri}.engineerId`, `engineer "${route.engineerId}" has two routes`)
    seenEngineer.add(r)
    route.stops.forEach((stop, si) => {
      const j = M.jobIndex.get(stop.jobId)
      if (j === undefined) throw new ProblemError(`routes.${ri}.stops.${si}.jobId`, `unknown job "${stop.jobId}"`)
      if (plan.routeOf[j]! >= 0) throw new ProblemError(`routes.${ri}.stops.${si}.jobId`, `job "${stop.jobId}" is in two routes`)
      if (stop.jobId === req.jobId) throw new ProblemError(`routes.${ri}.stops.${si}.jobId`, `the new job "${req.jobId}" is already routed`)
      plan.nodes[r * plan.S + si + 1] = j
      plan.routeOf[j] = r
      if (stop.started) firstFree[r] = si + 1
      if (stop.started || stop.pinned) locked[j] = 1
    })
    plan.len[r] = route.stops.length
    plan.update(r)
  })
  const before = plan.routeCost()

  const result = (inserted: boolean, engineer: number, moved: DispatchReoptimizeResult['moved']): DispatchReoptimizeResult => ({
    inserted,
    engineerId: inserted ? M.problem.engineers[engineer]!.id : undefined,
    reason: inserted ? undefined : expired ? 'window_unreachable' : explainUnassigned(M, job, plan),
    moved,
    addedCost: plan.routeCost() - before,
    solution: planToSolution(M, plan, performance.now() - t0),
  })

  if (expired) return result(false, -1, [])

  // 1. Direct insertion.
  let best = Infinity
  let bestR = -1
  let bestP = -1
  for (let r = 0; r < M.m; r++) {
    const [d, p] = plan.bestInsertion(job, r, Infinity, firstFree[r]!)
    if (d < best) [best, bestR, bestP] = [d, r, p]
  }
  if (bestR >= 0) {
    plan.insert(job, bestR, bestP)
    return result(true, bestR, [])
  }

  // 2. Move one other job to make room: cheapest total (new job's insertion + the move).
  const trial = new Plan(M)
  trial.copyFrom(plan)
  let bestTotal = Infinity
  let choice: { r: number; pe: number; p: number; r2: number; p2: number } | undefined
  for (let r = 0; r < M.m; r++) {
    if (!M.allowed[job * M.m + r]) continue
    const L = plan.len[r]!
    for (let pe = firstFree[r]! + 1; pe <= L; pe++) {
      const e = plan.nodes[r * plan.S + pe]!
      // Started, pinned, and jobs tied by precedence stay where they are.
      if (locked[e] || M.predOffset[e + 1]! > M.predOffset[e]! || M.succOffset[e + 1]! > M.succOffset[e]!) continue
      // Remove e from route r.
      trial.nodes.copyWithin(r * trial.S + pe, r * trial.S + pe + 1, r * trial.S + L + 2)
      trial.len[r] = L - 1
      trial.update(r)
      const saved = plan.rcost[r]! - trial.rcost[r]!
      const [d, p] = trial.bestInsertion(job, r, Infinity, firstFree[r]!)
      if (d < Infinity && d - saved < bestTotal) {
        trial.insert(job, r, p)
        for (let r2 = 0; r2 < M.m; r2++) {
          const [d2, p2] = trial.bestInsertion(e, r2, Infinity, firstFree[r2]!)
          if (d2 < Infinity && d - saved + d2 < bestTotal) {
            bestTotal = d - saved + d2
            choice = { r, pe, p, r2, p2 }
          }
        }
      }
      trial.copyRoute(plan, r)
      trial.routeOf[job] = -1
      trial.routeOf[e] = r
    }
  }
  if (choice) {
    const { r, pe, p, r2, p2 } = choice
    const e = plan.nodes[r * plan.S + pe]!
    const L = plan.len[r]!
    plan.nodes.copyWithin(r * plan.S + pe, r * plan.S + pe + 1, r * plan.S + L + 2)
    plan.len[r] = L - 1
    plan.routeOf[e] = -1
    plan.update(r)
    plan.insert(job, r, p)
    plan.insert(e, r2, p2)
    return result(true, r, [{ jobId: M.problem.jobs[e]!.id, from: M.problem.engineers[r]!.id, to: M.problem.engineers[r2]!.id }])
  }
  return result(false, -1, [])
}
