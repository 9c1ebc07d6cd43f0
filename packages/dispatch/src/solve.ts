// Public entry: solve a dispatch problem and explain every job left out.
import type { DispatchProblem, DispatchProblemParsed, DispatchSolution, UnassignedReason } from '@aftercare/contracts'
import { buildModel, latenessAt, startAt, type Model } from './model.ts'
import { Plan } from './plan.ts'
import { search, type SearchParams } from './search.ts'

export interface SolveOptions {
  /** Defaults to the problem's timeLimitSeconds, else 10 s. */
  timeLimitMs?: number
  /** Defaults to the problem's seed, else 1. */
  seed?: number
  maxIterations?: number
  params?: Partial<SearchParams>
  shouldStop?: () => boolean
  onImprove?: (elapsedMs: number, cost: number) => void
}

export interface SolveStats {
  iterations: number
  timeToBestMs: number
  totalCost: number
}

export function solve(problem: DispatchProblem | DispatchProblemParsed, opts: SolveOptions = {}): DispatchSolution & { stats: SolveStats } {
  const t0 = performance.now()
  const M = buildModel(problem)
  const timeLimitMs = opts.timeLimitMs ?? (M.problem.timeLimitSeconds ?? 10) * 1000
  const seed = opts.seed ?? M.problem.seed ?? 1
  const res = search(M, {
    timeLimitMs: Math.max(0, timeLimitMs - (performance.now() - t0)),
    seed,
    maxIterations: opts.maxIterations,
    params: opts.params,
    shouldStop: opts.shouldStop,
    onImprove: opts.onImprove,
  })
  const sol = planToSolution(M, res.plan, performance.now() - t0)
  return { ...sol, log: res.log, stats: { iterations: res.iterations, timeToBestMs: res.timeToBestMs, totalCost: res.cost } }
}

export function planToSolution(M: Model, plan: Plan, elapsedMs: number): DispatchSolution {
  const { N, time, dist } = M
  const routes: DispatchSolution['routes'] = []
  let distance = 0
  let travelTime = 0
  let lateness = 0
  let vehicles = 0
  for (let r = 0; r < M.m; r++) {
    const L = plan.len[r]!
    if (L === 0) continue
    vehicles++
    const base = r * plan.S
    const stops: DispatchSolution['routes'][number]['stops'] = []
    let t = M.shiftStart[r]!
    let prev = M.n + 2 * r
    let rd = 0
    let work = 0
    for (let p = 1; p <= L; p++) {
      const j = plan.nodes[base + p]!
      const arrival = t + time[prev * N + j]!
      const start = startAt(M, j, r, arrival)
      rd += dist[prev * N + j]!
      travelTime += time[prev * N + j]!
      work += time[prev * N + j]! + M.service[j]!
      t = start + M.service[j]!
      const late = latenessAt(M, j, start)
      lateness += late
      stops.push({ jobId: M.problem.jobs[j]!.id, arrival, wait: start - arrival, start, end: t, ...(late > 0 ? { lateness: late } : {}) })
      prev = j
    }
    const end = M.n + 2 * r + 1
    rd += dist[prev * N + end]!
    travelTime += time[prev * N + end]!
    work += time[prev * N + end]!
    distance += rd
    routes.push({
      engineerId: M.problem.engineers[r]!.id,
      stops,
      distance: rd,
      workload: work,
      departure: M.shiftStart[r]!,
      returnAt: t + time[prev * N + end]!,
    })
  }
  const unassigned: DispatchSolution['unassigned'] = []
  for (let j = 0; j < M.n; j++)
    if (plan.routeOf[j]! < 0) unassigned.push({ jobId: M.problem.jobs[j]!.id, reason: explainUnassigned(M, j, plan) })
  return {
    routes,
    unassigned,
    cost: { distance, vehicles, travelTime, lateness, total: plan.total() },
    elapsedMs: Math.round(elapsedMs),
  }
}

/**
 * Why job j cannot be served: checked against each engineer's empty day, most basic reason first; then
 * precedence (a job it must follow is left out, or they cannot share an engineer) against the plan.
 */
export function explainUnassigned(M: Model, j: number, plan?: Plan): UnassignedReason {
  const { m, N, time } = M
  const skilled: number[] = []
  for (let k = 0; k < m; k++) if (M.allowed[j * m + k]) skilled.push(k)
  if (skilled.length === 0) return 'no_skilled_engineer'
  const roomy = skilled.filter((k) => M.maxJobs[k]! >= 1 && M.demand[j]! <= M.capacity[k]!)
  if (roomy.length === 0) return 'capacity'
  const inShift = roomy.filter((k) => {
    for (let w = M.twOffset[j]!; w < M.twOffset[j + 1]!; w++)
      if (M.twClose[w]! >= M.shiftStart[k]! && M.twOpen[w]! + M.service[j]! <= M.shiftEnd[k]!) return true
    return false
  })
  if (inShift.length === 0) return 'shift'
  const reachable = inShift.some((k) => {
    const s = startAt(M, j, k, M.shiftStart[k]! + time[(M.n + 2 * k) * N + j]!)
    return s !== Infinity && s + M.service[j]! + time[j * N + M.n + 2 * k + 1]! <= M.shiftEnd[k]!
  })
  if (!reachable) return 'window_unreachable'
  if (M.predOffset[j + 1]! > M.predOffset[j]! && !canFollow(M, j, plan)) return 'precedence'
  return 'no_room'
}

/**
 * Whether job j could join its predecessors: all planned on one engineer who may also do j (any engineer
 * allowed for all of them without a plan), and on that engineer's empty day j can still start in a window
 * after they end.
 */
function canFollow(M: Model, j: number, plan: Plan | undefined): boolean {
  const preds = M.preds.subarray(M.predOffset[j]!, M.predOffset[j + 1]!)
  const fits = (k: number) => {
    const s = earliestAfterPredecessors(M, j, k, new Map())
    return s !== Infinity && s + M.service[j]! + M.time[j * M.N + M.n + 2 * k + 1]! <= M.shiftEnd[k]!
  }
  if (plan) {
    const r = plan.routeOf[preds[0]!]!
    return r >= 0 && preds.every((p) => plan.routeOf[p] === r) && M.allowed[j * M.m + r] === 1 && fits(r)
  }
  for (let k = 0; k < M.m; k++) if (M.allowed[j * M.m + k] && preds.every((p) => M.allowed[p * M.m + k]) && fits(k)) return true
  return false
}

/**
 * Earliest start of job j for engineer k on an empty day when everything j follows comes first, each
 * predecessor at its own earliest (a relaxation: if even this is Infinity, precedence rules j out).
 */
function earliestAfterPredecessors(M: Model, j: number, k: number, memo: Map<number, number>): number {
  const known = memo.get(j)
  if (known !== undefined) return known
  let t = M.shiftStart[k]! + M.time[(M.n + 2 * k) * M.N + j]!
  for (let q = M.predOffset[j]!; q < M.predOffset[j + 1]!; q++) {
    const p = M.preds[q]!
    const sp = earliestAfterPredecessors(M, p, k, memo)
    t = Math.max(t, sp + M.service[p]! + M.time[p * M.N + j]!)
  }
  const s = t === Infinity ? Infinity : startAt(M, j, k, t)
  memo.set(j, s)
  return s
}
