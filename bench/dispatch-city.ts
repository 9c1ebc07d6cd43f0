// A generated city day: 500 jobs × 60 engineers with skills, shifts, lunch breaks, parts capacity and
// 2-hour appointment windows, solved under a time limit (default 25 s), with the cost curve; then the
// re-optimisation time for one urgent job into a 50-engineer × 300-job day.
// Run: npm run bench:dispatch:city -- [--time-limit SECONDS] [--seed N]
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { checkSolution, cityProblem, reoptimize, reoptimizeInWorker, solve } from '@aftercare/dispatch'

const root = new URL('..', import.meta.url).pathname
const flag = (name: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const timeLimit = Number(flag('--time-limit') ?? 25)
const seed = Number(flag('--seed') ?? 1)

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`)

// --- 1. The city day.
const problem = cityProblem({ engineers: 60, jobs: 500, seed })
const t0 = performance.now()
const sol = solve(problem, { timeLimitMs: timeLimit * 1000, seed })
const wallS = (performance.now() - t0) / 1000
const check = checkSolution(problem, sol)
const reasons: Record<string, number> = {}
for (const u of sol.unassigned) reasons[u.reason] = (reasons[u.reason] ?? 0) + 1
console.log(`\nCity day: 500 jobs × 60 engineers, haversine × 1.3 at 30 km/h, 2-hour windows, skills; limit ${timeLimit} s, seed ${seed}`)
console.log(
  `wall time ${wallS.toFixed(1)} s (incl. model build), ${sol.stats.iterations} iterations, best at ${(sol.stats.timeToBestMs / 1000).toFixed(1)} s`,
)
console.log(
  `routed ${500 - sol.unassigned.length}/500 jobs on ${sol.cost.vehicles} engineers, travel ${sol.cost.distance.toFixed(1)} km, ${sol.cost.travelTime!.toFixed(0)} min driving`,
)
console.log(`unassigned by reason: ${JSON.stringify(reasons)}`)
console.log(`verified by the independent checker: ${check.feasible ? 'yes' : 'NO ' + check.violations.slice(0, 3).join('; ')}`)
const log = sol.log ?? []
const curve: [number, number][] = []
if (log[0]) curve.push([log[0][0] / 1000, log[0][1]])
for (const at of [1, 2, 5, 10, 15, 20, 25, 30].filter((s) => s <= timeLimit)) {
  let c = NaN
  for (const [ms, cost] of log) if (ms <= at * 1000) c = cost
  curve.push([at, c])
}
console.log(`cost curve (objective = km travelled + penalties of unassigned jobs; first point = regret-3 construction):`)
for (const [at, c] of curve) console.log(`  ${at.toFixed(2).padStart(6)} s  ${c.toFixed(1)}`)

// --- 2. Re-optimisation: one urgent job into a 50 × 300 day.
const day = cityProblem({ engineers: 50, jobs: 320, seed: seed + 1 })
const urgentJobs = day.jobs.splice(300, 20)
const planned = solve(day, { timeLimitMs: 5000, seed })
const routes = planned.routes.map((r) => ({
  engineerId: r.engineerId,
  stops: r.stops.map((s, i) => ({ jobId: s.jobId, started: i === 0 })),
}))
const times: number[] = []
let inserted = 0
let moved = 0
for (const u of urgentJobs) {
  const req = { problem: { ...day, jobs: [...day.jobs, u] }, routes, jobId: u.id, now: 600 }
  const t = performance.now()
  const res = reoptimize(req)
  times.push(performance.now() - t)
  if (res.inserted) inserted++
  moved += res.moved.length
}
const workerTimes: number[] = []
for (const u of urgentJobs.slice(0, 6)) {
  const wt = performance.now()
  await reoptimizeInWorker({ problem: { ...day, jobs: [...day.jobs, u] }, routes, jobId: u.id, now: 600 })
  workerTimes.push(performance.now() - wt)
}
const workerMs = workerTimes[0]!
const warm = workerTimes.slice(1).sort((a, b) => a - b)
const warmMs = warm[Math.floor(warm.length / 2)]!
times.sort((a, b) => a - b)
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!
console.log(`\nRe-optimisation, 50 engineers × 300 jobs (${300 - planned.unassigned.length} routed), 20 urgent jobs, now = 10:00:`)
console.log(
  `  in-process: p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms (incl. validation + model build)`,
)
console.log(
  `  through the long-lived worker thread: first call ${workerMs.toFixed(0)} ms (incl. worker start-up), then median ${warmMs.toFixed(1)} ms`,
)
console.log(`  inserted ${inserted}/20, other jobs moved: ${moved}`)

mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(
  join(root, 'bench/results/dispatch-city.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      timeLimit,
      seed,
      city: {
        wallS,
        iterations: sol.stats.iterations,
        timeToBestMs: sol.stats.timeToBestMs,
        cost: sol.cost,
        unassigned: reasons,
        feasible: check.feasible,
        curve,
        log,
      },
      reoptimize: { p50: pct(0.5), p95: pct(0.95), max: times[times.length - 1], workerMs, warmMs, inserted, moved },
    },
    null,
    2,
  ),
)
