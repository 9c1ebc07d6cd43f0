// Independent feasibility checker. It shares no code with the solver: it re-reads the raw problem,
// recomputes every distance, arrival and service start itself, and re-derives the cost.
import type { DispatchLocation, DispatchProblem, DispatchSolution } from '@aftercare/contracts'

export interface CheckResult {
  feasible: boolean
  violations: string[]
  distance: number
  travelTime: number
  vehicles: number
  /** Time units late, summed over the stops (soft windows). */
  lateness: number
  /** Objective value: weighted travel + fixed costs + lateness + workload balance + unassigned penalties. */
  cost: number
}

const TOL = 1e-6

function travel(problem: DispatchProblem, a: DispatchLocation, b: DispatchLocation): [distance: number, time: number] {
  const src = problem.distance ?? { type: 'haversine' as const }
  if (src.type === 'euclidean') {
    if (!('x' in a) || !('x' in b)) throw new Error('euclidean source needs x/y locations')
    const d = Math.sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y))
    return [d, d / (src.speed ?? 1)]
  }
  if (src.type === 'matrix') {
    if (!('index' in a) || !('index' in b)) throw new Error('matrix source needs index locations')
    if (a.index === b.index) return [0, 0]
    const d = src.distances[a.index]![b.index]!
    return [d, (src.durations ?? src.distances)[a.index]![b.index]!]
  }
  if (!('lat' in a) || !('lat' in b)) throw new Error('haversine source needs lat/lng locations')
  const rad = Math.PI / 180
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2
  const km = 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h))) * (src.detourFactor ?? 1.3)
  return [km, (km / (src.speedKmh ?? 30)) * 60 * (src.timeUnitsPerMinute ?? 1)]
}

export function checkSolution(problem: DispatchProblem, solution: Pick<DispatchSolution, 'routes' | 'unassigned'>): CheckResult {
  const v: string[] = []
  const jobs = new Map(problem.jobs.map((j) => [j.id, j]))
  const engineers = new Map(problem.engineers.map((e) => [e.id, e]))
  const seen = new Map<string, string>()
  const wDist = problem.objective?.distance ?? 1
  const wTime = problem.objective?.travelTime ?? 0
  const wUn = problem.objective?.unassigned ?? 1
  const wLate = problem.objective?.lateness ?? 1
  const wBalance = problem.objective?.balance ?? 0
  /** Where and when each routed job was served, for the precedence checks. */
  const served = new Map<string, { engineer: string; index: number; start: number; end: number }>()
  let lateness = 0
  let distance = 0
  let travelTime = 0
  let vehicles = 0
  let cost = 0
  const usedEngineers = new Set<string>()

  for (const route of solution.routes) {
    const e = engineers.get(route.engineerId)
    if (!e) {
      v.push(`route for unknown engineer ${route.engineerId}`)
      continue
    }
    if (usedEngineers.has(e.id)) v.push(`engineer ${e.id} has two routes`)
    usedEngineers.add(e.id)
    if (route.stops.length === 0) continue
    vehicles++
    cost += e.fixedCost ?? 0
    if (e.maxJobs !== undefined && route.stops.length > e.maxJobs)
      v.push(`engineer ${e.id}: ${route.stops.length} jobs > maxJobs ${e.maxJobs}`)
    let load = 0
    let t = e.shift.start
    let here = e.start
    let workload = 0
    const skills = new Set(e.skills ?? [])
    for (const [index, stop] of route.stops.entries()) {
      const job = jobs.get(stop.jobId)
      if (!job) {
        v.push(`engineer ${e.id}: unknown job ${stop.jobId}`)
        continue
      }
      if (seen.has(job.id)) v.push(`job ${job.id} appears twice`)
      seen.set(job.id, e.id)
      for (const s of job.requiredSkills ?? []) if (!skills.has(s)) v.push(`job ${job.id}: engineer ${e.id} lacks skill ${s}`)
      if (job.pinnedEngineer !== undefined && job.pinnedEngineer !== e.id)
        v.push(`job ${job.id} is pinned to ${job.pinnedEngineer}, not ${e.id}`)
      if ((job.forbiddenEngineers ?? []).includes(e.id)) v.push(`job ${job.id}: engineer ${e.id} is forbidden`)
      load += job.demand ?? 0
      const [d, tt] = travel(problem, here, job.location)
      distance += d
      travelTime += tt
      cost += wDist * d + wTime * tt
      const arrival = t + tt
      const duration = job.duration ?? 0
      workload += tt + duration
      // Earliest start: the first window that still admits the arrival, pushed past the break if overlapping.
      // A soft job's latest-closing window admits starts up to maxLateness after its end.
      let start = Infinity
      const windows = (job.timeWindows ?? [{ start: -Infinity, end: Infinity }]).slice().sort((a, b) => a.start - b.start)
      const lastEnd = Math.max(...windows.map((w) => w.end))
      const maxLateness = job.maxLateness ?? 0
      for (const w of windows) {
        let s = Math.max(arrival, w.start)
        if (e.break && s < e.break.end && s + duration > e.break.start) s = e.break.end
        if (s <= w.end + (w.end === lastEnd ? maxLateness : 0) + TOL) {
          start = s
          break
        }
      }
      if (start === Infinity) {
        const late = arrival - lastEnd
        const over = maxLateness > 0 && late > maxLateness ? ` (${late.toFixed(3)} late, more than its maxLateness ${maxLateness})` : ''
        v.push(`job ${job.id}: arrival ${arrival.toFixed(3)} misses every time window${over}`)
      } else {
        const late = Math.max(0, start - lastEnd)
        if (stop.lateness !== undefined && Math.abs(stop.lateness - late) > TOL * Math.max(1, late))
          v.push(`job ${job.id}: reported lateness ${stop.lateness} but recomputed ${late}`)
        lateness += late
        cost += wLate * late
      }
      const begin = start === Infinity ? arrival : start
      served.set(job.id, { engineer: e.id, index, start: begin, end: begin + duration })
      if (Math.abs(stop.arrival - arrival) > TOL * Math.max(1, Math.abs(arrival)))
        v.push(`job ${job.id}: reported arrival ${stop.arrival} but recomputed ${arrival}`)
      if (start !== Infinity && Math.abs(stop.start - start) > TOL * Math.max(1, Math.abs(start)))
        v.push(`job ${job.id}: reported start ${stop.start} but recomputed ${start}`)
      if (start < e.shift.start - TOL) v.push(`job ${job.id}: starts before engineer ${e.id}'s shift`)
      t = (start === Infinity ? arrival : start) + duration
      if (Math.abs(stop.end - t) > TOL * Math.max(1, Math.abs(t))) v.push(`job ${job.id}: reported end ${stop.end} but recomputed ${t}`)
      here = job.location
    }
    const [d, tt] = travel(problem, here, e.end ?? e.start)
    distance += d
    travelTime += tt
    cost += wDist * d + wTime * tt
    workload += tt
    const shiftLength = e.shift.end - e.shift.start
    cost += (wBalance * workload * workload) / (shiftLength > 0 ? shiftLength : 1)
    if (t + tt > e.shift.end + TOL) v.push(`engineer ${e.id}: back at ${(t + tt).toFixed(3)} after shift end ${e.shift.end}`)
    if (e.capacity !== undefined && load > e.capacity + TOL) v.push(`engineer ${e.id}: load ${load} > capacity ${e.capacity}`)
  }

  for (const u of solution.unassigned) {
    const job = jobs.get(u.jobId)
    if (!job) {
      v.push(`unknown unassigned job ${u.jobId}`)
      continue
    }
    if (seen.has(job.id)) v.push(`job ${job.id} is both routed and unassigned`)
    seen.set(job.id, '')
    cost += (job.penalty ?? 10_000 * (1 + (job.priority ?? 1))) * wUn
  }
  for (const id of jobs.keys()) if (!seen.has(id)) v.push(`job ${id} is neither routed nor explained`)

  // Precedence: a routed job's predecessors are routed on the same engineer and end before it starts.
  for (const job of problem.jobs) {
    const here = served.get(job.id)
    if (!here) continue
    for (const id of job.after ?? []) {
      const before = served.get(id)
      if (!before) v.push(`job ${job.id} is planned but job ${id}, which it must follow, is not`)
      else if (before.engineer !== here.engineer) v.push(`job ${job.id} must follow job ${id} on the same engineer`)
      else if (before.index > here.index || before.end > here.start + TOL) v.push(`job ${job.id} starts before job ${id} ends`)
    }
  }
  for (const u of solution.unassigned)
    if (u.reason === 'precedence' && (jobs.get(u.jobId)?.after ?? []).length === 0)
      v.push(`job ${u.jobId} is explained by precedence but follows no job`)

  return { feasible: v.length === 0, violations: v, distance, travelTime, vehicles, lateness, cost }
}
