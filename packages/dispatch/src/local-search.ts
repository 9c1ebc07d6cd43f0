// Local search on granular neighbourhoods (each job against its nearest neighbours): relocate, swap,
// 2-opt*, or-opt, 2-opt and a small cross-exchange. Every candidate is first priced from the arcs it
// changes in O(1); only improving candidates are simulated in full before they are applied.
import { balanceCost, latenessAt, startAt, type Model } from './model.ts'
import type { Plan } from './plan.ts'

const GRANULARITY = 20
const EPS = 1e-9

/** Cost of serving `seq` (job nodes) with engineer k, or Infinity when it breaks a constraint. */
export function simulate(M: Model, k: number, seq: Int32Array, len: number): number {
  if (len === 0) return 0
  if (len > M.maxJobs[k]!) return Infinity
  if (M.general) return simulateGeneral(M, k, seq, len)
  const { N, time, cost, service, demand, m } = M
  let t = M.shiftStart[k]!
  let prev = M.n + 2 * k
  let c = 0
  let ld = 0
  for (let i = 0; i < len; i++) {
    const j = seq[i]!
    if (!M.allowed[j * m + k]) return Infinity
    const s = startAt(M, j, k, t + time[prev * N + j]!)
    if (s === Infinity) return Infinity
    t = s + service[j]!
    c += cost[prev * N + j]!
    ld += demand[j]!
    prev = j
  }
  const end = M.n + 2 * k + 1
  if (t + time[prev * N + end]! > M.shiftEnd[k]! || ld > M.capacity[k]!) return Infinity
  return c + cost[prev * N + end]! + M.fixedCost[k]!
}

/** simulate() with lateness, workload balance and precedence (every predecessor earlier in the same sequence). */
function simulateGeneral(M: Model, k: number, seq: Int32Array, len: number): number {
  const { N, time, cost, service, demand, m } = M
  let t = M.shiftStart[k]!
  let prev = M.n + 2 * k
  let c = 0
  let ld = 0
  let late = 0
  let work = 0
  for (let i = 0; i < len; i++) {
    const j = seq[i]!
    if (!M.allowed[j * m + k]) return Infinity
    for (let q = M.predOffset[j]!, qe = M.predOffset[j + 1]!; q < qe; q++) if (!seq.subarray(0, i).includes(M.preds[q]!)) return Infinity
    const s = startAt(M, j, k, t + time[prev * N + j]!)
    if (s === Infinity) return Infinity
    t = s + service[j]!
    c += cost[prev * N + j]!
    work += time[prev * N + j]! + service[j]!
    if (M.soft[j]) late += latenessAt(M, j, s)
    ld += demand[j]!
    prev = j
  }
  const end = M.n + 2 * k + 1
  if (t + time[prev * N + end]! > M.shiftEnd[k]! || ld > M.capacity[k]!) return Infinity
  work += time[prev * N + end]!
  return c + cost[prev * N + end]! + M.fixedCost[k]! + M.latenessWeight * late + balanceCost(M, k, work)
}

/** Improves the plan in place until no move helps; returns the new total cost. */
export function localSearch(plan: Plan, maxRounds = 50): number {
  const M = plan.M
  const { n, N, cost } = M
  const S = plan.S
  const K = Math.min(GRANULARITY, M.neighbourCount)
  const buf1 = new Int32Array(n + 2)
  const buf2 = new Int32Array(n + 2)
  const C = (a: number, b: number) => cost[a * N + b]!
  // Moves are pre-screened by their arc-cost change; when lateness or balance also count, an arc-neutral
  // move can still pay off, so every candidate is simulated.
  const gate = M.balanceWeight > 0 || M.hasSoft ? Infinity : -EPS
  const node = (r: number, p: number) => plan.nodes[r * S + p]!

  // Writes route r's jobs from positions [from, to] (inclusive, 1-based) into buf at offset; returns new offset.
  const copy = (buf: Int32Array, off: number, r: number, from: number, to: number) => {
    for (let p = from; p <= to; p++) buf[off++] = node(r, p)
    return off
  }
  const apply = (r: number, buf: Int32Array, len: number) => {
    plan.nodes.set(buf.subarray(0, len), r * S + 1)
    plan.len[r] = len
    plan.update(r)
  }
  // Tries the candidate routes r1 (buf1,l1) and optionally r2 (buf2,l2); applies when strictly better.
  const tryApply = (r1: number, l1: number, r2: number, l2: number): boolean => {
    const c1 = simulate(M, r1, buf1, l1)
    if (c1 === Infinity) return false
    const c2 = r2 >= 0 ? simulate(M, r2, buf2, l2) : 0
    if (c2 === Infinity) return false
    const before = plan.rcost[r1]! + (r2 >= 0 ? plan.rcost[r2]! : 0)
    if (c1 + c2 >= before - EPS) return false
    if (r2 >= 0) {
      // Jobs leaving a route are re-indexed by the route they join.
      apply(r2, buf2, l2)
    }
    apply(r1, buf1, l1)
    return true
  }

  let rounds = 0
  let improved = true
  while (improved && rounds++ < maxRounds) {
    improved = false
    for (let u = 0; u < n; u++) {
      for (let q = 0; q < K; q++) {
        const r1 = plan.routeOf[u]!
        if (r1 < 0) break
        const v = M.neighbours[u * M.neighbourCount + q]!
        const r2 = plan.routeOf[v]!
        if (r2 < 0) continue
        const pu = plan.posOf[u]!
        const pv = plan.posOf[v]!
        const L1 = plan.len[r1]!
        const L2 = plan.len[r2]!
        const a = node(r1, pu - 1)
        const b = node(r1, pu + 1)
        const c = node(r2, pv - 1)
        const d = node(r2, pv + 1)
        const same = r1 === r2

        // Relocate u after v.
        if (a !== v && u !== v) {
          const delta = -C(a, u) - C(u, b) + C(a, b) - C(v, d) + C(v, u) + C(u, d)
          if (delta < gate && relocate(u, r1, pu, r2, pv, true)) {
            improved = true
            continue
          }
        }
        // Relocate u before v.
        if (b !== v && u !== v) {
          const delta = -C(a, u) - C(u, b) + C(a, b) - C(c, v) + C(c, u) + C(u, v)
          if (delta < gate && relocate(u, r1, pu, r2, pv, false)) {
            improved = true
            continue
          }
        }
        if (!same) {
          // Swap u and v.
          const delta = -C(a, u) - C(u, b) + C(a, v) + C(v, b) - C(c, v) - C(v, d) + C(c, u) + C(u, d)
          if (delta < gate) {
            let o1 = copy(buf1, 0, r1, 1, pu - 1)
            buf1[o1++] = v
            o1 = copy(buf1, o1, r1, pu + 1, L1)
            let o2 = copy(buf2, 0, r2, 1, pv - 1)
            buf2[o2++] = u
            o2 = copy(buf2, o2, r2, pv + 1, L2)
            if (tryApply(r1, o1, r2, o2)) {
              improved = true
              continue
            }
          }
          // 2-opt*: u -> v (r1 keeps its head up to u and takes r2's tail from v).
          {
            const delta2 = -C(u, b) - C(c, v) + C(u, v) + C(c, b)
            if (delta2 < gate) {
              let o1 = copy(buf1, 0, r1, 1, pu)
              o1 = copy(buf1, o1, r2, pv, L2)
              let o2 = copy(buf2, 0, r2, 1, pv - 1)
              o2 = copy(buf2, o2, r1, pu + 1, L1)
              if (tryApply(r1, o1, r2, o2)) {
                improved = true
                continue
              }
            }
          }
          // 2-opt*: v -> u.
          {
            const delta2 = -C(v, d) - C(a, u) + C(v, u) + C(a, d)
            if (delta2 < gate) {
              let o1 = copy(buf1, 0, r1, 1, pu - 1)
              o1 = copy(buf1, o1, r2, pv + 1, L2)
              let o2 = copy(buf2, 0, r2, 1, pv)
              o2 = copy(buf2, o2, r1, pu, L1)
              if (tryApply(r1, o1, r2, o2)) {
                improved = true
                continue
              }
            }
          }
          // Or-opt: move the segment of 2 or 3 jobs starting at u after v.
          let moved = false
          for (let l = 2; l <= 3 && !moved; l++) {
            if (pu + l - 1 > L1) break
            const e = node(r1, pu + l - 1)
            const f = node(r1, pu + l)
            const delta = -C(a, u) - C(e, f) + C(a, f) - C(v, d) + C(v, u) + C(e, d)
            if (delta < gate) {
              let o1 = copy(buf1, 0, r1, 1, pu - 1)
              o1 = copy(buf1, o1, r1, pu + l, L1)
              let o2 = copy(buf2, 0, r2, 1, pv)
              o2 = copy(buf2, o2, r1, pu, pu + l - 1)
              o2 = copy(buf2, o2, r2, pv + 1, L2)
              moved = tryApply(r1, o1, r2, o2)
            }
          }
          if (moved) {
            improved = true
            continue
          }
          // Cross-exchange: swap (u, next u) with (v, next v).
          if (pu < L1 && pv < L2) {
            const u2 = b
            const v2 = d
            const b2 = node(r1, pu + 2)
            const d2 = node(r2, pv + 2)
            const delta = -C(a, u) - C(u2, b2) - C(c, v) - C(v2, d2) + C(a, v) + C(v2, b2) + C(c, u) + C(u2, d2)
            if (delta < gate) {
              let o1 = copy(buf1, 0, r1, 1, pu - 1)
              o1 = copy(buf1, o1, r2, pv, pv + 1)
              o1 = copy(buf1, o1, r1, pu + 2, L1)
              let o2 = copy(buf2, 0, r2, 1, pv - 1)
              o2 = copy(buf2, o2, r1, pu, pu + 1)
              o2 = copy(buf2, o2, r2, pv + 2, L2)
              if (tryApply(r1, o1, r2, o2)) {
                improved = true
                continue
              }
            }
          }
        } else if (pu < pv) {
          // 2-opt inside the route: reverse (b .. v).
          const delta = -C(u, b) - C(v, d) + C(u, v) + C(b, d)
          if (delta < gate) {
            let o1 = copy(buf1, 0, r1, 1, pu)
            for (let p = pv; p > pu; p--) buf1[o1++] = node(r1, p)
            o1 = copy(buf1, o1, r1, pv + 1, L1)
            if (tryApply(r1, o1, -1, 0)) {
              improved = true
              continue
            }
          }
        }
      }
    }
  }
  return plan.total()

  function relocate(u: number, r1: number, pu: number, r2: number, pv: number, after: boolean): boolean {
    const L1 = plan.len[r1]!
    const L2 = plan.len[r2]!
    if (r1 === r2) {
      let o = 0
      for (let p = 1; p <= L1; p++) {
        if (p === pu) continue
        if (p === pv && !after) buf1[o++] = u
        buf1[o++] = node(r1, p)
        if (p === pv && after) buf1[o++] = u
      }
      return tryApply(r1, o, -1, 0)
    }
    let o1 = copy(buf1, 0, r1, 1, pu - 1)
    o1 = copy(buf1, o1, r1, pu + 1, L1)
    const cut = after ? pv : pv - 1
    let o2 = copy(buf2, 0, r2, 1, cut)
    buf2[o2++] = u
    o2 = copy(buf2, o2, r2, cut + 1, L2)
    return tryApply(r1, o1, r2, o2)
  }
}
