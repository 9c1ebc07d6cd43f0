// `aftercare dispatch solve`: plan engineer routes from a JSON problem or a Solomon instance.
// Stable contract: exactly ONE JSON document on stdout; progress and logs go to stderr.
import { readFileSync } from 'node:fs'
import { parseSolomon, solomonToProblem, solve } from '@aftercare/dispatch'
import type { DispatchProblem, UnassignedReason } from '@aftercare/contracts'
import type { Command } from 'commander'

export interface DispatchSolveInput {
  /** Path of a JSON problem (see docs/dispatch.md). */
  file?: string
  /** Path of a Solomon text instance. */
  solomon?: string
  timeLimitSeconds?: number
  seed?: number
}

export interface DispatchSolveOutput {
  routes: { engineerId: string; stops: { jobId: string; arrival: number; start: number; end: number }[] }[]
  unassigned: { jobId: string; reason: UnassignedReason }[]
  cost: { distance: number; vehicles: number }
  elapsedMs: number
}

/** The command's core: reads the input, solves, and returns the contract's document. */
export function runDispatchSolve(input: DispatchSolveInput, log: (line: string) => void = () => {}): DispatchSolveOutput {
  let problem: DispatchProblem
  if (input.solomon) {
    problem = solomonToProblem(parseSolomon(readFileSync(input.solomon, 'utf8')))
  } else if (input.file) {
    let json: unknown
    try {
      json = JSON.parse(readFileSync(input.file, 'utf8'))
    } catch (e) {
      throw new Error(`${input.file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
    }
    problem = json as DispatchProblem
  } else {
    throw new Error('give a problem file (problem.json) or --solomon FILE')
  }
  let lastLog = -Infinity
  const sol = solve(problem, {
    timeLimitMs: input.timeLimitSeconds !== undefined ? input.timeLimitSeconds * 1000 : undefined,
    seed: input.seed,
    onImprove: (ms, cost) => {
      if (ms - lastLog >= 250) {
        lastLog = ms
        log(`dispatch: best cost ${cost.toFixed(2)} at ${(ms / 1000).toFixed(2)} s`)
      }
    },
  })
  log(`dispatch: ${sol.stats.iterations} iterations, best found at ${(sol.stats.timeToBestMs / 1000).toFixed(2)} s`)
  return {
    routes: sol.routes.map((r) => ({
      engineerId: r.engineerId,
      stops: r.stops.map((s) => ({ jobId: s.jobId, arrival: s.arrival, start: s.start, end: s.end })),
    })),
    unassigned: sol.unassigned.map((u) => ({ jobId: u.jobId, reason: u.reason })),
    cost: { distance: sol.cost.distance, vehicles: sol.cost.vehicles },
    elapsedMs: sol.elapsedMs,
  }
}

function positiveNumber(name: string) {
  return (v: string) => {
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`)
    return n
  }
}

export function registerDispatchCommands(program: Command) {
  const dispatch = program.command('dispatch').description('Dispatch optimisation: engineer routes with skills, shifts and time windows')
  dispatch
    .command('solve')
    .description('Solve a JSON dispatch problem (or a Solomon instance) and print one JSON plan on stdout')
    .argument('[problem]', 'problem JSON file (see docs/dispatch.md)')
    .option('--solomon <file>', 'read a Solomon VRPTW text instance instead')
    .option('--time-limit <seconds>', 'search time limit in seconds (default: the problem’s, else 10)', positiveNumber('--time-limit'))
    .option('--seed <n>', 'random seed (same seed, same search)', (v: string) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 0) throw new Error('--seed must be a non-negative integer')
      return n
    })
    .action((file: string | undefined, o: { solomon?: string; timeLimit?: number; seed?: number }) => {
      if (file && o.solomon) throw new Error('give either a problem file or --solomon, not both')
      const out = runDispatchSolve({ file, solomon: o.solomon, timeLimitSeconds: o.timeLimit, seed: o.seed }, (l) => console.error(l))
      process.stdout.write(JSON.stringify(out) + '\n')
    })
}
