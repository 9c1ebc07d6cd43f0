// Compiles a validated problem into flat typed arrays the search works on.
// Node numbering: jobs are 0..n-1, engineer k starts at node n+2k and ends at node n+2k+1.
import { DispatchProblem, type DispatchLocation, type DispatchProblemParsed } from '@aftercare/contracts'

/** A problem that is well-formed JSON but cannot be planned as given; `path` names the field. */
export class ProblemError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`)
    this.name = 'ProblemError'
  }
}

export interface Model {
  readonly problem: DispatchProblemParsed
  readonly n: number
  readonly m: number
  /** Number of nodes = n + 2m. */
  readonly N: number
  readonly dist: Float64Array
  readonly time: Float64Array
  /** Arc cost used by the objective = w_distance * dist + w_time * time. */
  readonly cost: Float64Array
  readonly service: Float64Array
  readonly demand: Float64Array
  /**
   * Time windows of job j are twOpen/twClose[twOffset[j] .. twOffset[j+1]). Sorted, non-overlapping; the last
   * close already includes the job's maxLateness, so feasibility checks need not know about soft windows.
   */
  readonly twOffset: Int32Array
  readonly twOpen: Float64Array
  readonly twClose: Float64Array
  readonly penalty: Float64Array
  /** The job's own last close (before maxLateness): a start after it is late by the difference. */
  readonly dueLast: Float64Array
  /** 1 when job j may be late at a cost (maxLateness > 0 and a lateness weight > 0). */
  readonly soft: Uint8Array
  /** Some job may be late at a cost. */
  readonly hasSoft: boolean
  readonly latenessWeight: number
  readonly balanceWeight: number
  /** Shift length per engineer (1 when empty): the balance term divides by it. */
  readonly shiftLength: Float64Array
  /** Precedence: job j must follow preds[predOffset[j] .. predOffset[j+1]) on the same route; succs likewise. */
  readonly predOffset: Int32Array
  readonly preds: Int32Array
  readonly succOffset: Int32Array
  readonly succs: Int32Array
  readonly hasPrecedence: boolean
  /**
   * True when lateness costs, workload balance or precedence are in play: insertions and moves then take the
   * general (slower) evaluation; plain problems (Solomon) keep the fast one.
   */
  readonly general: boolean
  /** allowed[j*m+k] = 1 when engineer k has the skills for job j and is not excluded by pinning. */
  readonly allowed: Uint8Array
  readonly shiftStart: Float64Array
  readonly shiftEnd: Float64Array
  /** Break interval per engineer; breakStart = +Infinity when none. */
  readonly breakStart: Float64Array
  readonly breakEnd: Float64Array
  readonly maxJobs: Int32Array
  readonly capacity: Float64Array
  readonly fixedCost: Float64Array
  /** Engineers with equal class are interchangeable (same places, shift, skills, limits). */
  readonly engineerClass: Int32Array
  /** For each job, the other jobs sorted by arc cost (closest first). */
  readonly neighbours: Int32Array
  readonly neighbourCount: number
  /** True when travel times obey the triangle inequality (lets insertion scans stop early). */
  readonly triangle: boolean
  readonly jobIndex: Map<string, number>
  readonly engineerIndex: Map<string, number>
}

const EARTH_KM = 6371.0088

export function haversineKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const toRad = Math.PI / 180
  const dLat = (bLat - aLat) * toRad
  const dLng = (bLng - aLng) * toRad
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * toRad) * Math.cos(bLat * toRad) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(s)))
}

/** Validates with the zod schema (throws ProblemError naming the first bad field). */
export function parseProblem(input: unknown): DispatchProblemParsed {
  const r = DispatchProblem.safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new ProblemError(issue.path.join('.') || '(root)', issue.message)
  }
  return r.data
}

export function buildModel(input: DispatchProblem | DispatchProblemParsed, opts: { neighbours?: boolean } = {}): Model {
  const problem = parseProblem(input)
  const { jobs, engineers } = problem
  const n = jobs.length
  const m = engineers.length
  const N = n + 2 * m

  const jobIndex = new Map<string, number>()
  jobs.forEach((j, i) => {
    if (jobIndex.has(j.id)) throw new ProblemError(`jobs.${i}.id`, `duplicate job id "${j.id}"`)
    jobIndex.set(j.id, i)
  })
  const engineerIndex = new Map<string, number>()
  engineers.forEach((e, k) => {
    if (engineerIndex.has(e.id)) throw new ProblemError(`engineers.${k}.id`, `duplicate engineer id "${e.id}"`)
    engineerIndex.set(e.id, k)
    if (e.shift.end < e.shift.start) throw new ProblemError(`engineers.${k}.shift.end`, 'shift ends before it starts')
  })

  // Locations per node.
  const locs: { loc: DispatchLocation; path: string }[] = new Array(N)
  jobs.forEach((j, i) => (locs[i] = { loc: j.location, path: `jobs.${i}.location` }))
  engineers.forEach((e, k) => {
    locs[n + 2 * k] = { loc: e.start, path: `engineers.${k}.start` }
    locs[n + 2 * k + 1] = { loc: e.end ?? e.start, path: `engineers.${k}.end` }
  })

  const dist = new Float64Array(N * N)
  const time = new Float64Array(N * N)
  const src = problem.distance
  let triangle = true
  if (src.type === 'haversine') {
    const lat = new Float64Array(N)
    const lng = new Float64Array(N)
    locs.forEach(({ loc, path }, i) => {
      if (!('lat' in loc)) throw new ProblemError(path, 'the haversine distance source needs { lat, lng } locations')
      lat[i] = loc.lat
      lng[i] = loc.lng
    })
    const minutesPerKm = 60 / src.speedKmh
    for (let a = 0; a < N; a++)
      for (let b = a + 1; b < N; b++) {
        const d = haversineKm(lat[a]!, lng[a]!, lat[b]!, lng[b]!) * src.detourFactor
        const t = d * minutesPerKm * src.timeUnitsPerMinute
        dist[a * N + b] = dist[b * N + a] = d
        time[a * N + b] = time[b * N + a] = t
      }
  } else if (src.type === 'euclidean') {
    const x = new Float64Array(N)
    const y = new Float64Array(N)
    locs.forEach(({ loc, path }, i) => {
      if (!('x' in loc)) throw new ProblemError(path, 'the euclidean distance source needs { x, y } locations')
      x[i] = loc.x
      y[i] = loc.y
    })
    for (let a = 0; a < N; a++)
      for (let b = 0; b < N; b++) {
        const dx = x[a]! - x[b]!
        const dy = y[a]! - y[b]!
        const d = Math.sqrt(dx * dx + dy * dy)
        dist[a * N + b] = d
        time[a * N + b] = d / src.speed
      }
  } else {
    triangle = false
    const size = src.distances.length
    src.distances.forEach((row, i) => {
      if (row.length !== size) throw new ProblemError(`distance.distances.${i}`, `expected ${size} columns`)
    })
    if (src.durations && src.durations.length !== size) throw new ProblemError('distance.durations', `expected ${size} rows`)
    src.durations?.forEach((row, i) => {
      if (row.length !== size) throw new ProblemError(`distance.durations.${i}`, `expected ${size} columns`)
    })
    const idx = new Int32Array(N)
    locs.forEach(({ loc, path }, i) => {
      if (!('index' in loc)) throw new ProblemError(path, 'the matrix distance source needs { index } locations')
      if (loc.index >= size) throw new ProblemError(`${path}.index`, `out of range (matrix has ${size} rows)`)
      idx[i] = loc.index
    })
    for (let a = 0; a < N; a++)
      for (let b = 0; b < N; b++) {
        const ia = idx[a]!
        const ib = idx[b]!
        dist[a * N + b] = a === b ? 0 : src.distances[ia]![ib]!
        time[a * N + b] = a === b ? 0 : (src.durations ?? src.distances)[ia]![ib]!
      }
  }
  const cost = new Float64Array(N * N)
  const wd = problem.objective.distance
  const wt = problem.objective.travelTime
  for (let i = 0; i < N * N; i++) cost[i] = wd * dist[i]! + wt * time[i]!

  // Jobs.
  const service = new Float64Array(n)
  const demand = new Float64Array(n)
  const penalty = new Float64Array(n)
  const dueLast = new Float64Array(n)
  const soft = new Uint8Array(n)
  const latenessWeight = problem.objective.lateness
  const balanceWeight = problem.objective.balance
  const twOffset = new Int32Array(n + 1)
  const opens: number[] = []
  const closes: number[] = []
  jobs.forEach((j, i) => {
    service[i] = j.duration
    demand[i] = j.demand
    penalty[i] = (j.penalty ?? 10_000 * (1 + j.priority)) * problem.objective.unassigned
    twOffset[i] = opens.length
    const windows = (j.timeWindows ?? [{ start: -Infinity, end: Infinity }]).slice().sort((a, b) => a.start - b.start)
    if (windows.length === 0) throw new ProblemError(`jobs.${i}.timeWindows`, 'give at least one window or leave it out')
    let lastClose = -Infinity
    for (const w of windows) {
      if (opens.length > twOffset[i]! && w.start <= lastClose) {
        // Merge overlapping windows.
        closes[closes.length - 1] = Math.max(closes[closes.length - 1]!, w.end)
      } else {
        opens.push(w.start)
        closes.push(w.end)
      }
      lastClose = closes[closes.length - 1]!
    }
    dueLast[i] = closes[closes.length - 1]!
    closes[closes.length - 1] = dueLast[i]! + j.maxLateness
    soft[i] = j.maxLateness > 0 && latenessWeight > 0 && dueLast[i] !== Infinity ? 1 : 0
  })
  twOffset[n] = opens.length

  // Engineers.
  const shiftStart = new Float64Array(m)
  const shiftEnd = new Float64Array(m)
  const breakStart = new Float64Array(m).fill(Infinity)
  const breakEnd = new Float64Array(m).fill(Infinity)
  const maxJobs = new Int32Array(m)
  const capacity = new Float64Array(m)
  const fixedCost = new Float64Array(m)
  const shiftLength = new Float64Array(m)
  const classKey = new Map<string, number>()
  const engineerClass = new Int32Array(m)
  engineers.forEach((e, k) => {
    shiftStart[k] = e.shift.start
    shiftEnd[k] = e.shift.end
    if (e.break) {
      breakStart[k] = e.break.start
      breakEnd[k] = e.break.end
    }
    maxJobs[k] = e.maxJobs ?? n
    capacity[k] = e.capacity ?? Infinity
    fixedCost[k] = e.fixedCost
    shiftLength[k] = e.shift.end > e.shift.start ? e.shift.end - e.shift.start : 1
    const key = JSON.stringify([e.start, e.end ?? e.start, e.shift, [...e.skills].sort(), e.maxJobs, e.capacity, e.break, e.fixedCost])
    let c = classKey.get(key)
    if (c === undefined) classKey.set(key, (c = classKey.size))
    engineerClass[k] = c
  })
  // Pinned / forbidden engineers referenced by job are re-keyed per engineer id, so they break classes.
  const allowed = new Uint8Array(n * m)
  const skillSets = engineers.map((e) => new Set(e.skills))
  jobs.forEach((j, i) => {
    let pinned = -1
    if (j.pinnedEngineer !== undefined) {
      const k = engineerIndex.get(j.pinnedEngineer)
      if (k === undefined) throw new ProblemError(`jobs.${i}.pinnedEngineer`, `unknown engineer "${j.pinnedEngineer}"`)
      pinned = k
    }
    const forbidden = new Set<number>()
    j.forbiddenEngineers.forEach((id, f) => {
      const k = engineerIndex.get(id)
      if (k === undefined) throw new ProblemError(`jobs.${i}.forbiddenEngineers.${f}`, `unknown engineer "${id}"`)
      forbidden.add(k)
    })
    for (let k = 0; k < m; k++) {
      const skilled = j.requiredSkills.every((s) => skillSets[k]!.has(s))
      allowed[i * m + k] = skilled && !forbidden.has(k) && (pinned < 0 || pinned === k) ? 1 : 0
    }
  })
  // Engineers that a pin or a ban singles out are no longer interchangeable with their class.
  jobs.forEach((j) => {
    const ids = [...j.forbiddenEngineers, ...(j.pinnedEngineer ? [j.pinnedEngineer] : [])]
    for (const id of ids) {
      const k = engineerIndex.get(id)!
      engineerClass[k] = classKey.size + k
    }
  })

  const { predOffset, preds, succOffset, succs } = precedence(jobs, jobIndex)
  const hasPrecedence = preds.length > 0

  // Neighbour lists by arc cost (symmetrised).
  const neighbourCount = opts.neighbours === false ? 0 : Math.max(0, Math.min(n - 1, 60))
  const neighbours = new Int32Array(n * neighbourCount)
  const order = new Int32Array(n)
  const key = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      order[j] = j
      key[j] = j === i ? Infinity : cost[i * N + j]! + cost[j * N + i]!
    }
    const sorted = Array.from(order).sort((a, b) => key[a]! - key[b]!)
    for (let r = 0; r < neighbourCount; r++) neighbours[i * neighbourCount + r] = sorted[r]!
  }

  return {
    problem,
    n,
    m,
    N,
    dist,
    time,
    cost,
    service,
    demand,
    twOffset,
    twOpen: Float64Array.from(opens),
    twClose: Float64Array.from(closes),
    penalty,
    dueLast,
    soft,
    latenessWeight,
    balanceWeight,
    shiftLength,
    predOffset,
    preds,
    succOffset,
    succs,
    hasPrecedence,
    hasSoft: soft.includes(1),
    general: hasPrecedence || balanceWeight > 0 || soft.includes(1),
    allowed,
    shiftStart,
    shiftEnd,
    breakStart,
    breakEnd,
    maxJobs,
    capacity,
    fixedCost,
    engineerClass,
    neighbours,
    neighbourCount,
    triangle,
    jobIndex,
    engineerIndex,
  }
}

/** Precedence lists in CSR form; rejects unknown ids, a job after itself and cycles (naming the field). */
function precedence(jobs: DispatchProblemParsed['jobs'], jobIndex: Map<string, number>) {
  const n = jobs.length
  const before: number[][] = jobs.map((j, i) =>
    [...new Set(j.after)].map((id, a) => {
      const p = jobIndex.get(id)
      if (p === undefined) throw new ProblemError(`jobs.${i}.after.${a}`, `unknown job "${id}"`)
      if (p === i) throw new ProblemError(`jobs.${i}.after.${a}`, 'a job cannot follow itself')
      return p
    }),
  )
  // Depth-first search for a cycle: 0 unvisited, 1 on the stack, 2 done.
  const state = new Uint8Array(n)
  const visit = (root: number) => {
    const stack: [number, number][] = [[root, 0]]
    state[root] = 1
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const [j, k] = top
      const next = before[j]![k]
      if (next === undefined) {
        state[j] = 2
        stack.pop()
        continue
      }
      top[1]++
      if (state[next] === 1) throw new ProblemError(`jobs.${j}.after`, `precedence cycle through job "${jobs[next]!.id}"`)
      if (state[next] === 0) {
        state[next] = 1
        stack.push([next, 0])
      }
    }
  }
  for (let i = 0; i < n; i++) if (state[i] === 0) visit(i)
  const after: number[][] = jobs.map(() => [])
  before.forEach((ps, j) => ps.forEach((p) => after[p]!.push(j)))
  const csr = (lists: number[][]) => {
    const offset = new Int32Array(n + 1)
    lists.forEach((l, i) => (offset[i + 1] = offset[i]! + l.length))
    return { offset, items: Int32Array.from(lists.flat()) }
  }
  const p = csr(before)
  const s = csr(after)
  return { predOffset: p.offset, preds: p.items, succOffset: s.offset, succs: s.items }
}

/** Time units job j is late when it starts at s (0 for jobs with hard windows, which cannot start after dueLast). */
export function latenessAt(M: Model, j: number, s: number): number {
  return s > M.dueLast[j]! ? s - M.dueLast[j]! : 0
}

/** Workload-balance cost of a route with the given workload (driving + service time). */
export function balanceCost(M: Model, k: number, workload: number): number {
  return (M.balanceWeight * workload * workload) / M.shiftLength[k]!
}

/** Earliest feasible start of job j for engineer k when arriving at time t (Infinity if none). */
export function startAt(M: Model, j: number, k: number, t: number): number {
  const bs = M.breakStart[k]!
  const serv = M.service[j]!
  for (let w = M.twOffset[j]!, we = M.twOffset[j + 1]!; w < we; w++) {
    let s = t > M.twOpen[w]! ? t : M.twOpen[w]!
    if (s + serv > bs && s < M.breakEnd[k]!) s = M.breakEnd[k]!
    if (s <= M.twClose[w]!) return s
  }
  return Infinity
}

/** Latest start of job j for engineer k that is at most x (-Infinity if none). */
export function latestStart(M: Model, j: number, k: number, x: number): number {
  const bs = M.breakStart[k]!
  const serv = M.service[j]!
  for (let w = M.twOffset[j + 1]! - 1, ws = M.twOffset[j]!; w >= ws; w--) {
    let s = x < M.twClose[w]! ? x : M.twClose[w]!
    if (s + serv > bs && s < M.breakEnd[k]!) s = bs - serv
    if (s >= M.twOpen[w]!) return s
  }
  return -Infinity
}
