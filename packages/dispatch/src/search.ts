// Regret-k construction, then ruin-and-recreate (string removals + greedy insertion with blinks, after
// Christiaens & Vanden Berghe's SISR) under simulated annealing, with a local-search polish of new bests.
import type { Model } from './model.ts'
import { bestInsertionGeneral, Plan } from './plan.ts'
import { Rng } from './rng.ts'
import { localSearch } from './local-search.ts'

export interface SearchParams {
  /** Average number of jobs removed per ruin. */
  avgRemoved: number
  /** Maximum string length. */
  maxString: number
  /** Probability of the split-string variant. */
  splitRate: number
  splitDepth: number
  blinkRate: number
  /** Start / final temperature as multiples of the average arc cost of the first solution. */
  t0: number
  tf: number
  regretK: number
}

export const defaultParams: SearchParams = {
  avgRemoved: 10,
  maxString: 10,
  splitRate: 0.5,
  splitDepth: 0.01,
  blinkRate: 0.01,
  t0: 10,
  tf: 0.05,
  regretK: 3,
}

export interface SearchOptions {
  timeLimitMs: number
  seed: number
  /** Iteration budget; makes the run fully deterministic (the time limit still applies). */
  maxIterations?: number
  params?: Partial<SearchParams>
  /** Polled every few iterations; return true to stop early and keep the best so far. */
  shouldStop?: () => boolean
  onImprove?: (elapsedMs: number, cost: number) => void
}

export interface SearchResult {
  plan: Plan
  cost: number
  iterations: number
  timeToBestMs: number
  elapsedMs: number
  /** Best cost over time: [elapsed ms, cost]. */
  log: [number, number][]
}

/** Regret-k insertion from the plan's current routes (jobs already routed stay). */
export function construct(plan: Plan, k: number, jobs?: Iterable<number>): void {
  const M = plan.M
  const { n, m } = M
  const pending: number[] = []
  for (const j of jobs ?? Array.from({ length: n }, (_, i) => i)) if (plan.routeOf[j]! < 0) pending.push(j)
  const delta = new Float64Array(n * m).fill(Infinity)
  const pos = new Int32Array(n * m).fill(-1)
  const compute = (r: number) => {
    for (const j of pending) {
      const [d, p] = plan.bestInsertion(j, r, Infinity)
      delta[j * m + r] = d
      pos[j * m + r] = p
    }
  }
  for (let r = 0; r < m; r++) compute(r)
  const classSeen = new Int32Array(m + M.m + n + 1).fill(-1)
  const top = new Float64Array(Math.max(1, k))
  const topR = new Int32Array(Math.max(1, k))
  let stamp = 0
  while (pending.length > 0) {
    let bestJ = -1
    let bestIdx = -1
    let bestR = -1
    let bestRegret = -Infinity
    let bestD = Infinity
    for (let idx = 0; idx < pending.length; idx++) {
      const j = pending[idx]!
      stamp++
      top.fill(Infinity)
      topR.fill(-1)
      for (let r = 0; r < m; r++) {
        const d = delta[j * m + r]!
        if (d === Infinity) continue
        if (plan.len[r] === 0) {
          const c = M.engineerClass[r]!
          if (classSeen[c] === stamp) continue
          classSeen[c] = stamp
        }
        // Keep the k smallest.
        if (d < top[k - 1]!) {
          let i = k - 1
          while (i > 0 && top[i - 1]! > d) {
            top[i] = top[i - 1]!
            topR[i] = topR[i - 1]!
            i--
          }
          top[i] = d
          topR[i] = r
        }
      }
      if (top[0] === Infinity) continue
      let regret = 0
      for (let i = 1; i < k; i++) regret += (top[i] === Infinity ? 1e6 + M.penalty[j]! : top[i]!) - top[0]!
      if (regret > bestRegret || (regret === bestRegret && top[0]! < bestD)) {
        bestRegret = regret
        bestD = top[0]!
        bestJ = j
        bestIdx = idx
        bestR = topR[0]!
      }
    }
    if (bestJ < 0) break
    const wasEmpty = plan.len[bestR] === 0
    plan.insert(bestJ, bestR, pos[bestJ * m + bestR]!)
    pending[bestIdx] = pending[pending.length - 1]!
    pending.pop()
    compute(bestR)
    if (wasEmpty) for (let r = 0; r < m; r++) if (plan.len[r] === 0 && M.engineerClass[r] === M.engineerClass[bestR]) compute(r)
  }
}

export function search(M: Model, opts: SearchOptions, initial?: Plan): SearchResult {
  const P = { ...defaultParams, ...opts.params }
  const rng = new Rng(opts.seed)
  const t0 = performance.now()
  const elapsed = () => performance.now() - t0
  const { n, m } = M

  const cur = new Plan(M)
  if (initial) cur.copyFrom(initial)
  construct(cur, P.regretK)
  let curCost = cur.total()
  const work = new Plan(M)
  work.copyFrom(cur)
  const best = new Plan(M)
  best.copyFrom(cur)
  let bestCost = curCost
  let timeToBest = elapsed()
  const log: [number, number][] = [[Math.round(timeToBest), bestCost]]
  opts.onImprove?.(timeToBest, bestCost)
  if (n === 0) return { plan: best, cost: bestCost, iterations: 0, timeToBestMs: timeToBest, elapsedMs: elapsed(), log }

  // Temperature scale: the average arc cost of the first solution.
  let arcs = 0
  for (let r = 0; r < m; r++) if (cur.len[r]! > 0) arcs += cur.len[r]! + 1
  const scale = arcs > 0 ? cur.routeCost() / arcs : 1
  const T0 = P.t0 * scale
  const Tf = P.tf * scale

  // Insertion-order keys.
  const far = new Float64Array(n)
  const due = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    let s = 0
    for (let k = 0; k < m; k++) s += M.cost[(n + 2 * k) * M.N + j]!
    far[j] = s / m
    due[j] = M.twClose[M.twOffset[j + 1]! - 1]!
  }

  const removedFlag = new Uint8Array(n)
  const absent = new Int32Array(n)
  const sortKey = new Float64Array(n)
  const touched = new Int32Array(m)
  const touchedStamp = new Int32Array(m).fill(-1)
  const classSeen = new Int32Array(M.m * 2 + n + 1).fill(-1)
  let classStamp = 0
  const routeOrder = new Int32Array(m)
  for (let r = 0; r < m; r++) routeOrder[r] = r

  let iter = 0
  let nTouched = 0
  const touch = (r: number) => {
    if (touchedStamp[r] !== iter) {
      touchedStamp[r] = iter
      touched[nTouched++] = r
    }
  }
  let rOff = 0
  /** Greedy best insertion of job j over all routes (one empty engineer per class), with blinks. */
  const recreate = (j: number) => {
    classStamp++
    let bestD = Infinity
    let bestR = -1
    let bestP = -1
    for (let ri = 0; ri < m; ri++) {
      let r = ri + rOff
      if (r >= m) r -= m
      r = routeOrder[r]!
      if (work.len[r] === 0) {
        const c = M.engineerClass[r]!
        if (classSeen[c] === classStamp) continue
        if (!M.allowed[j * m + r]) continue
        classSeen[c] = classStamp
      }
      const [d, p] = bestInsertionBlink(work, j, r, bestD, P.blinkRate, rng)
      if (p >= 0 && d < bestD) {
        bestD = d
        bestR = r
        bestP = p
      }
    }
    if (bestR >= 0) {
      work.insert(j, bestR, bestP)
      touch(bestR)
    }
  }
  const deferred = new Int32Array(n)
  let lastImproveIter = 0
  const maxIter = opts.maxIterations ?? Infinity
  let progress = 0
  for (;;) {
    if ((iter & 15) === 0) {
      const e = elapsed()
      if (e >= opts.timeLimitMs || iter >= maxIter || opts.shouldStop?.()) break
      progress = opts.maxIterations !== undefined ? iter / maxIter : e / opts.timeLimitMs
    } else if (iter >= maxIter) break
    iter++
    const T = T0 * Math.pow(Tf / T0, progress)
    nTouched = 0

    // --- Ruin: remove strings from routes near a random seed job.
    let assigned = 0
    let used = 0
    for (let r = 0; r < m; r++)
      if (work.len[r]! > 0) {
        assigned += work.len[r]!
        used++
      }
    let nAbsent = 0
    if (assigned > 0) {
      const lsMax = Math.min(P.maxString, assigned / used)
      const ksMax = (4 * P.avgRemoved) / (1 + lsMax) - 1
      const ks = Math.floor(rng.next() * ksMax) + 1
      let seed = rng.int(n)
      for (let tries = 0; work.routeOf[seed]! < 0 && tries < n; tries++) seed = (seed + 1) % n
      let ruined = 0
      const K = M.neighbourCount
      for (let i = -1; i < K && ruined < ks; i++) {
        const c = i < 0 ? seed : M.neighbours[seed * K + i]!
        const r = work.routeOf[c]!
        if (r < 0 || touchedStamp[r] === iter) continue
        touch(r)
        ruined++
        const L = work.len[r]!
        const base = r * work.S
        const pc = work.posOf[c]!
        const lMax = Math.min(L, lsMax)
        const l = Math.floor(rng.next() * lMax) + 1
        if (l === L || rng.next() >= P.splitRate) {
          // A string of l jobs containing c.
          const lo = Math.max(1, pc - l + 1)
          const hi = Math.min(pc, L - l + 1)
          const st = lo + rng.int(hi - lo + 1)
          for (let p = st; p < st + l; p++) {
            const j = work.nodes[base + p]!
            removedFlag[j] = 1
            absent[nAbsent++] = j
          }
        } else {
          // Split string: a window of l + keep jobs around c, of which a middle block of `keep` stays.
          let keep = 1
          while (l + keep < L && rng.next() > P.splitDepth) keep++
          const w = l + keep
          const lo = Math.max(1, pc - w + 1)
          const hi = Math.min(pc, L - w + 1)
          const st = lo + rng.int(hi - lo + 1)
          const keepAt = st + rng.int(l + 1)
          for (let p = st; p < st + w; p++) {
            if (p >= keepAt && p < keepAt + keep) continue
            const j = work.nodes[base + p]!
            removedFlag[j] = 1
            absent[nAbsent++] = j
          }
        }
      }
    }
    if (M.hasPrecedence) {
      // A job leaves with everything that must follow it (those are on the same route).
      for (let a = 0; a < nAbsent; a++) {
        const j = absent[a]!
        for (let q = M.succOffset[j]!, qe = M.succOffset[j + 1]!; q < qe; q++) {
          const f = M.succs[q]!
          if (removedFlag[f] || work.routeOf[f]! < 0) continue
          removedFlag[f] = 1
          absent[nAbsent++] = f
          touch(work.routeOf[f]!)
        }
      }
    }
    const nRemoved = nAbsent
    let ok = true
    for (let t = 0; t < nTouched; t++) {
      const r = touched[t]!
      work.compact(r, removedFlag)
      if (!work.update(r)) ok = false
    }
    for (let a = 0; a < nRemoved; a++) removedFlag[absent[a]!] = 0
    // Jobs left out before are tried again.
    for (let j = 0; j < n; j++) if (work.routeOf[j]! < 0 && !isIn(absent, nRemoved, j)) absent[nAbsent++] = j

    // --- Recreate: greedy best insertion in a random order variant, with blinks.
    if (ok) {
      const u = rng.next() * 13
      for (let a = 0; a < nAbsent; a++) {
        const j = absent[a]!
        sortKey[j] = u < 4 ? rng.next() : u < 8 ? -M.demand[j]! : u < 10 ? -far[j]! : u < 11 ? far[j]! : due[j]!
      }
      sortSubarray(absent, nAbsent, sortKey)
      rOff = rng.int(m)
      if (!M.hasPrecedence) for (let a = 0; a < nAbsent; a++) recreate(absent[a]!)
      else {
        // A job waits until everything it must follow is back in a route.
        let nDeferred = 0
        for (let a = 0; a < nAbsent; a++) {
          const j = absent[a]!
          if (predecessorsRouted(work, j)) recreate(j)
          else deferred[nDeferred++] = j
        }
        for (let progressed = true; progressed && nDeferred > 0;) {
          progressed = false
          let kept = 0
          for (let a = 0; a < nDeferred; a++) {
            const j = deferred[a]!
            if (!predecessorsRouted(work, j)) deferred[kept++] = j
            else {
              recreate(j)
              progressed = true
            }
          }
          nDeferred = kept
        }
      }
    }

    let newCost = Infinity
    if (ok) {
      newCost = 0
      for (let r = 0; r < m; r++) newCost += work.rcost[r]!
      for (let j = 0; j < n; j++) if (work.routeOf[j]! < 0) newCost += M.penalty[j]!
    }
    if (newCost < curCost - T * Math.log(rng.next() + 1e-300)) {
      for (let t = 0; t < nTouched; t++) cur.copyRoute(work, touched[t]!)
      for (let a = 0; a < nAbsent; a++) {
        const j = absent[a]!
        if (work.routeOf[j]! < 0) cur.routeOf[j] = -1
      }
      curCost = newCost
      if (newCost < bestCost - 1e-9) {
        best.copyFrom(cur)
        bestCost = newCost
        timeToBest = elapsed()
        lastImproveIter = iter
        log.push([Math.round(timeToBest), bestCost])
        opts.onImprove?.(timeToBest, bestCost)
      }
    } else {
      for (let t = 0; t < nTouched; t++) work.copyRoute(cur, touched[t]!)
      for (let a = 0; a < nAbsent; a++) {
        const j = absent[a]!
        work.routeOf[j] = cur.routeOf[j]!
        work.posOf[j] = cur.posOf[j]!
      }
    }
  }
  void lastImproveIter
  // Polish the best plan with local search.
  const polished = localSearch(best)
  if (polished < bestCost - 1e-9) {
    bestCost = polished
    timeToBest = elapsed()
    log.push([Math.round(timeToBest), bestCost])
    opts.onImprove?.(timeToBest, bestCost)
  }
  return { plan: best, cost: bestCost, iterations: iter, timeToBestMs: timeToBest, elapsedMs: elapsed(), log }
}

function predecessorsRouted(plan: Plan, j: number): boolean {
  const M = plan.M
  for (let q = M.predOffset[j]!, qe = M.predOffset[j + 1]!; q < qe; q++) if (plan.routeOf[M.preds[q]!]! < 0) return false
  return true
}

function isIn(a: Int32Array, len: number, v: number): boolean {
  for (let i = 0; i < len; i++) if (a[i] === v) return true
  return false
}

/** Insertion sort of a small prefix by key (ties keep order: deterministic). */
function sortSubarray(a: Int32Array, len: number, key: Float64Array): void {
  for (let i = 1; i < len; i++) {
    const v = a[i]!
    const kv = key[v]!
    let k = i - 1
    while (k >= 0 && key[a[k]!]! > kv) {
      a[k + 1] = a[k]!
      k--
    }
    a[k + 1] = v
  }
}

/** Plan.bestInsertion with SISR "blinks": each position is skipped with a small probability. */
function bestInsertionBlink(plan: Plan, j: number, r: number, bound: number, blink: number, rng: Rng): [number, number] {
  const M = plan.M
  if (M.general) return bestInsertionGeneral(plan, j, r, bound, 0, blink, rng)
  if (!M.allowed[j * M.m + r]) return [Infinity, -1]
  const L = plan.len[r]!
  if (L + 1 > M.maxJobs[r]! || plan.load[r]! + M.demand[j]! > M.capacity[r]!) return [Infinity, -1]
  const { N, time, cost } = M
  const base = r * plan.S
  const nodes = plan.nodes
  const dep = plan.dep
  const lat = plan.lat
  const serv = M.service[j]!
  const due = M.twClose[M.twOffset[j + 1]! - 1]!
  const single = M.twOffset[j + 1]! - M.twOffset[j]! === 1 && M.breakStart[r] === Infinity
  const open = M.twOpen[M.twOffset[j]!]!
  const fixed = L === 0 ? M.fixedCost[r]! : 0
  let best = bound
  let bestP = -1
  const jN = j * N
  for (let p = 0; p <= L; p++) {
    const a = nodes[base + p]!
    const arr = dep[base + p]! + time[a * N + j]!
    if (arr > due) {
      if (M.triangle) break
      continue
    }
    if (blink > 0 && rng.next() < blink) continue
    const b = nodes[base + p + 1]!
    const d = cost[a * N + j]! + cost[jN + b]! - (L === 0 ? 0 : cost[a * N + b]!) + fixed
    if (d >= best) continue
    let s: number
    if (single) s = arr > open ? arr : open
    else {
      s = startAtInline(M, j, r, arr)
      if (s === Infinity) continue
    }
    if (s + serv + time[jN + b]! > lat[base + p + 1]!) continue
    best = d
    bestP = p
  }
  return [best, bestP]
}

function startAtInline(M: Model, j: number, k: number, t: number): number {
  const bs = M.breakStart[k]!
  const serv = M.service[j]!
  for (let w = M.twOffset[j]!, we = M.twOffset[j + 1]!; w < we; w++) {
    let s = t > M.twOpen[w]! ? t : M.twOpen[w]!
    if (s + serv > bs && s < M.breakEnd[k]!) s = M.breakEnd[k]!
    if (s <= M.twClose[w]!) return s
  }
  return Infinity
}
