// Solomon VRPTW benchmark for the dispatch solver (distance-only objective, graded on `distmin_distance`).
// Run: npm run bench:dispatch -- [--time-limit SECONDS] [--only C101,R1] [--seed N]
// Every solution is verified by the independent checker. Results: bench/results/dispatch-solomon-<limit>s.json
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { checkSolution, parseSolomon, solomonToProblem, solve } from '@aftercare/dispatch'

const root = new URL('..', import.meta.url).pathname
const benchDir = process.env.SOLOMON_DIR ?? join(root, '../shared/bench/solomon')

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const timeLimit = Number(flag('--time-limit') ?? 10)
const seed = Number(flag('--seed') ?? 1)
const only = flag('--only')
  ?.split(',')
  .map((s) => s.trim().toUpperCase())
  .filter(Boolean)
const UNRELIABLE = new Set(['R109', 'RC103'])

interface Bks {
  family: string
  distminVehicles: number
  distmin: number
}
const bks = new Map<string, Bks>()
const [header, ...rows] = readFileSync(join(benchDir, 'solomon_100_bks.csv'), 'utf8').trim().split(/\r?\n/)
const cols = header!.split(',')
for (const row of rows) {
  const f = row.split(',')
  const get = (c: string) => f[cols.indexOf(c)]!
  bks.set(get('instance'), {
    family: get('family'),
    distminVehicles: Number(get('distmin_vehicles')),
    distmin: Number(get('distmin_distance')),
  })
}

const files = readdirSync(join(benchDir, 'instances'))
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace(/\.txt$/, ''))
  .filter((name) => !only || only.some((o) => name.toUpperCase() === o || bks.get(name)?.family === o))
  .sort((a, b) => {
    const fa = bks.get(a)?.family ?? ''
    const fb = bks.get(b)?.family ?? ''
    return fa === fb
      ? a.localeCompare(b, 'en', { numeric: true })
      : ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2'].indexOf(fa) - ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2'].indexOf(fb)
  })

interface Row {
  instance: string
  family: string
  vehicles: number
  distance: number
  bksVehicles: number
  bks: number
  gap: number | null
  timeToBestS: number
  iterations: number
  feasible: boolean
  violations: string[]
}
const results: Row[] = []
const pad = (s: string | number, w: number) => String(s).padStart(w)
console.log(`Solomon 100-customer VRPTW, distance-only objective, ${timeLimit} s per instance, seed ${seed}`)
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`)
console.log(
  `${'inst'.padEnd(6)} ${pad('veh', 4)} ${pad('distance', 9)} ${pad('bks veh', 7)} ${pad('distmin', 9)} ${pad('gap %', 7)} ${pad('t best s', 8)} ${pad('iters', 8)}  feasible`,
)
for (const name of files) {
  const inst = parseSolomon(readFileSync(join(benchDir, 'instances', `${name}.txt`), 'utf8'))
  const problem = solomonToProblem(inst)
  const sol = solve(problem, { timeLimitMs: timeLimit * 1000, seed })
  const check = checkSolution(problem, sol)
  const ref = bks.get(name)
  const allIn = sol.unassigned.length === 0
  const feasible = check.feasible && allIn
  const gap = ref && !UNRELIABLE.has(name) ? (100 * (check.distance - ref.distmin)) / ref.distmin : null
  const row: Row = {
    instance: name,
    family: ref?.family ?? '?',
    vehicles: check.vehicles,
    distance: check.distance,
    bksVehicles: ref?.distminVehicles ?? 0,
    bks: ref?.distmin ?? 0,
    gap,
    timeToBestS: sol.stats.timeToBestMs / 1000,
    iterations: sol.stats.iterations,
    feasible,
    violations: [...check.violations, ...(allIn ? [] : [`${sol.unassigned.length} customers unassigned`])],
  }
  results.push(row)
  console.log(
    `${name.padEnd(6)} ${pad(row.vehicles, 4)} ${pad(row.distance.toFixed(2), 9)} ${pad(row.bksVehicles, 7)} ${pad(row.bks.toFixed(2), 9)} ${pad(gap === null ? 'n/a' : gap.toFixed(2), 7)} ${pad(row.timeToBestS.toFixed(2), 8)} ${pad(row.iterations, 8)}  ${feasible ? 'yes' : 'NO ' + row.violations.slice(0, 2).join('; ')}`,
  )
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN)
const summary = (rs: Row[]) => {
  const graded = rs.filter((r) => r.gap !== null)
  return {
    instances: rs.length,
    vehicles: mean(rs.map((r) => r.vehicles)),
    distance: mean(rs.map((r) => r.distance)),
    gap: mean(graded.map((r) => r.gap!)),
    timeToBestS: mean(rs.map((r) => r.timeToBestS)),
    feasible: rs.filter((r) => r.feasible).length,
  }
}
console.log('\nfamily  n   mean veh  mean dist  mean gap %  mean t best s  verified')
const families: Record<string, ReturnType<typeof summary>> = {}
for (const fam of ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2']) {
  const rs = results.filter((r) => r.family === fam)
  if (!rs.length) continue
  const s = (families[fam] = summary(rs))
  console.log(
    `${fam.padEnd(6)} ${pad(s.instances, 2)} ${pad(s.vehicles.toFixed(2), 10)} ${pad(s.distance.toFixed(2), 10)} ${pad(s.gap.toFixed(2), 11)} ${pad(s.timeToBestS.toFixed(2), 14)}  ${s.feasible}/${s.instances}`,
  )
}
const all = summary(results)
console.log(
  `${'all'.padEnd(6)} ${pad(all.instances, 2)} ${pad(all.vehicles.toFixed(2), 10)} ${pad(all.distance.toFixed(2), 10)} ${pad(all.gap.toFixed(2), 11)} ${pad(all.timeToBestS.toFixed(2), 14)}  ${all.feasible}/${all.instances}`,
)
console.log(
  `(gap = 100·(distance − distmin_distance)/distmin_distance; R109 and RC103 are not graded: their distmin values are unreliable)`,
)
mkdirSync(join(root, 'bench/results'), { recursive: true })
const out = join(root, `bench/results/dispatch-solomon-${timeLimit}s${only ? '-partial' : ''}.json`)
writeFileSync(
  out,
  JSON.stringify({ timeLimit, seed, date: new Date().toISOString(), machine: cpus()[0]?.model, families, overall: all, results }, null, 2),
)
console.log(`written ${out}`)
if (results.some((r) => !r.feasible)) process.exitCode = 1
