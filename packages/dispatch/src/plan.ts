// The search state: one route per engineer in flat typed arrays, with forward departure times and backward
// latest-arrival thresholds so that inserting a job anywhere is checked in O(1) (times the job's window count).
import { balanceCost, latenessAt, latestStart, startAt, type Model } from './model.ts'
import type { Rng } from './rng.ts'

export class Plan {
  readonly S: number
  /** nodes[r*S + p]: p = 0 start node, 1..len jobs, len+1 end node. */
  readonly nodes: Int32Array
  readonly len: Int32Array
  /** Departure time from position p (service end; shift start at p = 0). */
  readonly dep: Float64Array
  /** Latest arrival at position p that keeps the rest of the route feasible. */
  readonly lat: Float64Array
  /**
   * Latest arrival at position p that adds no lateness from p on: a soft job that is on time may slip to
   * its window's close, a late one not at all (kept only when some job may be late at a cost).
   */
  readonly lateFree: Float64Array
  readonly load: Float64Array
  /** Route cost: arcs + fixed cost, plus lateness and balance terms when the model has them. */
  readonly rcost: Float64Array
  /** Driving + service time per route (kept only for general models). */
  readonly work: Float64Array
  /** Position of the last job in the route that may be late at a cost (0 when none; general models only). */
  readonly lastSoft: Int32Array
  readonly routeOf: Int32Array
  readonly posOf: Int32Array

  constructor(readonly M: Model) {
    this.S = M.n + 2
    this.nodes = new Int32Array(M.m * this.S)
    this.len = new Int32Array(M.m)
    this.dep = new Float64Array(M.m * this.S)
    this.lat = new Float64Array(M.m * this.S)
    this.lateFree = M.hasSoft ? new Float64Array(M.m * this.S) : this.lat
    this.load = new Float64Array(M.m)
    this.rcost = new Float64Array(M.m)
    this.work = new Float64Array(M.m)
    this.lastSoft = new Int32Array(M.m)
    this.routeOf = new Int32Array(M.n).fill(-1)
    this.posOf = new Int32Array(M.n)
    for (let r = 0; r < M.m; r++) this.update(r)
  }

  /** Recomputes times, load and cost of route r; returns false when the route is infeasible. */
  update(r: number): boolean {
    const M = this.M
    const { N, time, cost, service, demand } = M
    const S = this.S
    const base = r * S
    const L = this.len[r]!
    const nodes = this.nodes
    const dep = this.dep
    const lat = this.lat
    nodes[base] = M.n + 2 * r
    nodes[base + L + 1] = M.n + 2 * r + 1
    dep[base] = M.shiftStart[r]!
    let c = 0
    let ld = 0
    let prev = nodes[base]!
    const general = M.general
    let late = 0
    let work = 0
    let lastSoft = 0
    for (let p = 1; p <= L; p++) {
      const j = nodes[base + p]!
      const s = startAt(M, j, r, dep[base + p - 1]! + time[prev * N + j]!)
      dep[base + p] = s + service[j]!
      c += cost[prev * N + j]!
      ld += demand[j]!
      if (general) {
        work += time[prev * N + j]! + service[j]!
        if (M.soft[j]) {
          late += latenessAt(M, j, s)
          lastSoft = p
        }
      }
      this.routeOf[j] = r
      this.posOf[j] = p
      prev = j
    }
    const end = nodes[base + L + 1]!
    c += cost[prev * N + end]!
    if (general && L > 0) {
      work += time[prev * N + end]!
      c += M.latenessWeight * late + balanceCost(M, r, work)
    }
    this.work[r] = work
    this.lastSoft[r] = lastSoft
    const arrEnd = dep[base + L]! + time[prev * N + end]!
    dep[base + L + 1] = arrEnd
    lat[base + L + 1] = M.shiftEnd[r]!
    let next = end
    for (let p = L; p >= 1; p--) {
      const j = nodes[base + p]!
      lat[base + p] = latestStart(M, j, r, lat[base + p + 1]! - service[j]! - time[j * N + next]!)
      next = j
    }
    lat[base] = lat[base + 1]! - time[nodes[base]! * N + next]!
    if (M.hasSoft && lastSoft > 0) {
      const free = this.lateFree
      free[base + L + 1] = M.shiftEnd[r]!
      next = end
      for (let p = L; p >= 1; p--) {
        const j = nodes[base + p]!
        let x = free[base + p + 1]! - service[j]! - time[j * N + next]!
        if (M.soft[j]) {
          const started = dep[base + p]! - service[j]!
          const bound = started > M.dueLast[j]! ? started : M.dueLast[j]!
          if (x > bound) x = bound
        }
        free[base + p] = latestStart(M, j, r, x)
        next = j
      }
    }
    this.load[r] = ld
    this.rcost[r] = L === 0 ? 0 : c + M.fixedCost[r]!
    return arrEnd <= M.shiftEnd[r]! && ld <= M.capacity[r]! && L <= M.maxJobs[r]!
  }

  /** Copies route r (and its jobs' positions) from another plan of the same model. */
  copyRoute(src: Plan, r: number): void {
    const S = this.S
    const base = r * S
    const L = src.len[r]!
    this.len[r] = L
    this.nodes.set(src.nodes.subarray(base, base + L + 2), base)
    this.dep.set(src.dep.subarray(base, base + L + 2), base)
    this.lat.set(src.lat.subarray(base, base + L + 2), base)
    if (this.M.hasSoft) this.lateFree.set(src.lateFree.subarray(base, base + L + 2), base)
    this.load[r] = src.load[r]!
    this.rcost[r] = src.rcost[r]!
    this.work[r] = src.work[r]!
    this.lastSoft[r] = src.lastSoft[r]!
    for (let p = 1; p <= L; p++) {
      const j = src.nodes[base + p]!
      this.routeOf[j] = r
      this.posOf[j] = p
    }
  }

  copyFrom(src: Plan): void {
    for (let r = 0; r < this.M.m; r++) this.copyRoute(src, r)
    this.routeOf.set(src.routeOf)
    this.posOf.set(src.posOf)
  }

  /** Inserts job j after position p of route r and refreshes the route. */
  insert(j: number, r: number, p: number): void {
    const base = r * this.S
    const L = this.len[r]!
    this.nodes.copyWithin(base + p + 2, base + p + 1, base + L + 2)
    this.nodes[base + p + 1] = j
    this.len[r] = L + 1
    this.update(r)
  }

  /** Removes the jobs at positions where keep[p] == 0 (p in 1..len) of route r; does not refresh. */
  compact(r: number, removed: Uint8Array): void {
    const base = r * this.S
    const L = this.len[r]!
    let w = 1
    for (let p = 1; p <= L; p++) {
      const j = this.nodes[base + p]!
      if (removed[j]) {
        this.routeOf[j] = -1
        continue
      }
      this.nodes[base + w++] = j
    }
    this.len[r] = w - 1
  }

  unassignedPenalty(): number {
    let s = 0
    for (let j = 0; j < this.M.n; j++) if (this.routeOf[j]! < 0) s += this.M.penalty[j]!
    return s
  }

  routeCost(): number {
    let s = 0
    for (let r = 0; r < this.M.m; r++) s += this.rcost[r]!
    return s
  }

  total(): number {
    return this.routeCost() + this.unassignedPenalty()
  }

  /** Best feasible insertion of job j into route r after position `from`: [delta, position] or [Infinity, -1]. */
  bestInsertion(j: number, r: number, bound: number, from = 0): [number, number] {
    const M = this.M
    if (M.general) return bestInsertionGeneral(this, j, r, bound, from, 0)
    if (!M.allowed[j * M.m + r]) return [Infinity, -1]
    const L = this.len[r]!
    if (L + 1 > M.maxJobs[r]! || this.load[r]! + M.demand[j]! > M.capacity[r]!) return [Infinity, -1]
    const { N, time, cost } = M
    const base = r * this.S
    const nodes = this.nodes
    const serv = M.service[j]!
    const due = M.twClose[M.twOffset[j + 1]! - 1]!
    const fixed = L === 0 ? M.fixedCost[r]! : 0
    let best = bound
    let bestP = -1
    for (let p = from; p <= L; p++) {
      const a = nodes[base + p]!
      const b = nodes[base + p + 1]!
      const arr = this.dep[base + p]! + time[a * N + j]!
      if (arr > due) {
        if (M.triangle) break
        continue
      }
      const d = cost[a * N + j]! + cost[j * N + b]! - (L === 0 ? 0 : cost[a * N + b]!) + fixed
      if (d >= best) continue
      const s = startAt(M, j, r, arr)
      if (s + serv + time[j * N + b]! > this.lat[base + p + 1]!) continue
      best = d
      bestP = p
    }
    return [best, bestP]
  }
}

/**
 * Best insertion when lateness costs, workload balance or precedence are in play: the delta is exact (arcs,
 * balance, the job's own lateness and the lateness it pushes onto later jobs), and the position respects
 * precedence (after every predecessor, which must all be on this route; before any routed successor).
 * `blink` > 0 skips each position with that probability (SISR blinks).
 */
export function bestInsertionGeneral(
  plan: Plan,
  j: number,
  r: number,
  bound: number,
  from: number,
  blink: number,
  rng?: Rng,
): [number, number] {
  const M = plan.M
  if (!M.allowed[j * M.m + r]) return [Infinity, -1]
  const L = plan.len[r]!
  if (L + 1 > M.maxJobs[r]! || plan.load[r]! + M.demand[j]! > M.capacity[r]!) return [Infinity, -1]
  let lo = from
  let hi = L
  for (let q = M.predOffset[j]!, qe = M.predOffset[j + 1]!; q < qe; q++) {
    const a = M.preds[q]!
    if (plan.routeOf[a] !== r) return [Infinity, -1]
    if (plan.posOf[a]! > lo) lo = plan.posOf[a]!
  }
  let fixed = L === 0 ? M.fixedCost[r]! : 0
  for (let q = M.succOffset[j]!, qe = M.succOffset[j + 1]!; q < qe; q++) {
    const f = M.succs[q]!
    const rf = plan.routeOf[f]!
    if (rf < 0) {
      // A job that others must follow takes them along: an engineer who may not do a follower costs its penalty.
      if (!M.allowed[f * M.m + r]) fixed += M.penalty[f]!
      continue
    }
    if (rf !== r) return [Infinity, -1]
    if (plan.posOf[f]! - 1 < hi) hi = plan.posOf[f]! - 1
  }
  const { N, time, cost } = M
  const base = r * plan.S
  const nodes = plan.nodes
  const dep = plan.dep
  const serv = M.service[j]!
  const due = M.twClose[M.twOffset[j + 1]! - 1]!
  const wb = M.balanceWeight / M.shiftLength[r]!
  const wl = M.latenessWeight
  const work = plan.work[r]!
  const lat = plan.lat
  const triangle = M.triangle
  const lastSoft = plan.lastSoft[r]!
  const soft = M.soft[j] === 1 || lastSoft > lo
  const ownSoft = M.soft[j] === 1
  const dueLast = M.dueLast[j]!
  const lateFree = plan.lateFree
  // One window and no break: the start is max(arrival, open), no call needed.
  const single = M.twOffset[j + 1]! - M.twOffset[j]! === 1 && M.breakStart[r] === Infinity
  const open = M.twOpen[M.twOffset[j]!]!
  let best = bound
  let bestP = -1
  for (let p = lo; p <= hi; p++) {
    const a = nodes[base + p]!
    const arr = dep[base + p]! + time[a * N + j]!
    if (arr > due) {
      if (triangle) break
      continue
    }
    if (blink > 0 && rng!.next() < blink) continue
    const b = nodes[base + p + 1]!
    let d = cost[a * N + j]! + cost[j * N + b]! - (L === 0 ? 0 : cost[a * N + b]!) + fixed
    if (d >= best) continue
    if (wb > 0) {
      const dw = serv + time[a * N + j]! + time[j * N + b]! - (L === 0 ? 0 : time[a * N + b]!)
      d += wb * dw * (2 * work + dw)
      if (d >= best) continue
    }
    let s: number
    if (single) s = arr > open ? arr : open
    else {
      s = startAt(M, j, r, arr)
      if (s === Infinity) continue
    }
    const leave = s + serv + time[j * N + b]!
    if (leave > lat[base + p + 1]!) continue
    if (soft) {
      let late = ownSoft && s > dueLast ? s - dueLast : 0
      // The push-forward scan only when the delay may make a later job (later) late.
      if (p < lastSoft && leave > lateFree[base + p + 1]!) late += pushedLateness(plan, j, r, p, s)
      d += wl * late
      if (d >= best) continue
    }
    best = d
    bestP = p
  }
  return [best, bestP]
}

/** Lateness that starting job j at s after position p of route r pushes onto the later jobs of the route. */
function pushedLateness(plan: Plan, j: number, r: number, p: number, s: number): number {
  const M = plan.M
  const { N, time, service } = M
  const base = r * plan.S
  let late = 0
  const lastSoft = plan.lastSoft[r]!
  let t = s + service[j]!
  let prev = j
  // Push-forward: stop at the first later job whose start does not move (waiting absorbed the delay).
  for (let q = p + 1; q <= lastSoft; q++) {
    const b = plan.nodes[base + q]!
    const old = plan.dep[base + q]! - service[b]!
    const ns = startAt(M, b, r, t + time[prev * N + b]!)
    if (ns <= old) break
    if (M.soft[b]) late += latenessAt(M, b, ns) - latenessAt(M, b, old)
    t = ns + service[b]!
    prev = b
  }
  return late
}
