// Soft time windows (lateness), workload balance and precedence: what a dispatcher would notice, and a
// generated-problem property that the independent checker agrees with the solver on every plan.
import type { DispatchProblem } from '@aftercare/contracts'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkSolution } from './checker.ts'
import { buildModel } from './model.ts'
import { reoptimize } from './reoptimize.ts'
import { solve } from './solve.ts'

const stopsOf = (sol: { routes: { engineerId: string; stops: { jobId: string }[] }[] }) =>
  Object.fromEntries(sol.routes.map((r) => [r.engineerId, r.stops.map((s) => s.jobId)]))

describe('soft time windows', () => {
  // Two customers on opposite sides, both expecting a visit by t = 10. One engineer can reach only one of
  // them on time (the other 20 late); a second engineer costs 15 to call in.
  const problem = (lateness: number, maxLateness = 100): DispatchProblem => ({
    distance: { type: 'euclidean' },
    objective: { lateness },
    engineers: [
      { id: 'e', start: { x: 0, y: 0 }, shift: { start: 0, end: 1000 }, fixedCost: 15 },
      { id: 'f', start: { x: 0, y: 0 }, shift: { start: 0, end: 1000 }, fixedCost: 15 },
    ],
    jobs: [
      { id: 'A', location: { x: 10, y: 0 }, timeWindows: [{ start: 0, end: 10 }], maxLateness },
      { id: 'B', location: { x: -10, y: 0 }, timeWindows: [{ start: 0, end: 10 }], maxLateness },
    ],
  })

  it('accepts lateness when it is cheaper than the alternative, and prices it per time unit', () => {
    const cheap = problem(0.5)
    const sol = solve(cheap, { seed: 1, maxIterations: 200 })
    expect(sol.routes).toHaveLength(1)
    expect(sol.routes[0]!.stops.map((s) => s.lateness ?? 0).sort()).toEqual([0, 20])
    expect(sol.cost).toMatchObject({ distance: 40, lateness: 20, total: 40 + 15 + 0.5 * 20 })
    expect(checkSolution(cheap, sol)).toMatchObject({ violations: [], lateness: 20, cost: sol.cost.total })
  })

  it('calls in a second engineer when lateness costs more', () => {
    const dear = problem(1)
    const sol = solve(dear, { seed: 1, maxIterations: 200 })
    expect(sol.routes).toHaveLength(2)
    expect(sol.cost).toMatchObject({ lateness: 0, total: 40 + 30 })
    expect(checkSolution(dear, sol).violations).toEqual([])
  })

  it('keeps windows hard by default and never goes past maxLateness', () => {
    const hard: DispatchProblem = { ...problem(0.5), engineers: [problem(0.5).engineers[0]!] }
    hard.jobs = hard.jobs.map(({ maxLateness: _, ...j }) => j)
    const sol = solve(hard, { seed: 1, maxIterations: 200 })
    expect(sol.unassigned).toEqual([{ jobId: expect.any(String), reason: 'no_room' }])
    const short: DispatchProblem = { ...problem(0.5, 19), engineers: [problem(0.5).engineers[0]!] }
    expect(solve(short, { seed: 1, maxIterations: 200 }).unassigned).toHaveLength(1)
    const enough: DispatchProblem = { ...problem(0.5, 20), engineers: [problem(0.5).engineers[0]!] }
    expect(solve(enough, { seed: 1, maxIterations: 200 }).unassigned).toEqual([])
  })

  it('waits for a later window rather than being late for an earlier one; only the last window is soft', () => {
    const p: DispatchProblem = {
      distance: { type: 'euclidean' },
      engineers: [{ id: 'e', start: { x: 0, y: 0 }, shift: { start: 0, end: 1000 } }],
      jobs: [
        {
          id: 'two-slots',
          location: { x: 30, y: 0 },
          timeWindows: [
            { start: 0, end: 20 },
            { start: 40, end: 50 },
          ],
          maxLateness: 30,
        },
      ],
    }
    const sol = solve(p, { seed: 1, maxIterations: 10 })
    expect(sol.routes[0]!.stops[0]).toMatchObject({ arrival: 30, start: 40 })
    expect(sol.routes[0]!.stops[0]!.lateness).toBeUndefined()
    expect(checkSolution(p, sol).violations).toEqual([])
  })
})

describe('workload balance', () => {
  // Four hour-long jobs in one street: distance alone sends one engineer to all four.
  const problem = (balance: number, shifts: [number, number] = [480, 480]): DispatchProblem => ({
    distance: { type: 'euclidean' },
    objective: { balance },
    engineers: shifts.map((end, k) => ({ id: `e${k}`, start: { x: 0, y: 0 }, shift: { start: 0, end } })),
    jobs: [0, 1, 2, 3].map((i) => ({ id: `j${i}`, location: { x: 10, y: i }, duration: 60 })),
  })

  it('is off by default: the shortest plan uses one engineer', () => {
    const sol = solve(problem(0), { seed: 1, maxIterations: 200 })
    expect(sol.routes).toHaveLength(1)
  })

  it('spreads the work evenly when weighted, and the checker re-derives the same cost', () => {
    const p = problem(1)
    const sol = solve(p, { seed: 1, maxIterations: 200 })
    expect(sol.routes.map((r) => r.stops.length)).toEqual([2, 2])
    const [a, b] = sol.routes.map((r) => r.workload!)
    expect(Math.abs(a! - b!)).toBeLessThan(2)
    const check = checkSolution(p, sol)
    expect(check.violations).toEqual([])
    expect(check.cost).toBeCloseTo(sol.cost.total!, 9)
    expect(sol.cost.total).toBeCloseTo(sol.cost.distance + (a! * a! + b! * b!) / 480, 9)
  })

  it('evens out utilisation, not hours: a half-day engineer gets about half the work', () => {
    const p: DispatchProblem = { ...problem(5, [600, 300]) }
    p.jobs = [0, 1, 2, 3, 4, 5].map((i) => ({ id: `j${i}`, location: { x: 10, y: i }, duration: 60 }))
    const sol = solve(p, { seed: 1, maxIterations: 300 })
    expect(stopsOf(sol).e0).toHaveLength(4)
    expect(stopsOf(sol).e1).toHaveLength(2)
    expect(checkSolution(p, sol).violations).toEqual([])
  })
})

describe('precedence', () => {
  const problem = (): DispatchProblem => ({
    distance: { type: 'euclidean' },
    engineers: [
      { id: 'west', start: { x: 0, y: 0 }, shift: { start: 0, end: 480 }, skills: ['gas'] },
      { id: 'east', start: { x: 100, y: 0 }, shift: { start: 0, end: 480 }, skills: ['gas'] },
    ],
    jobs: [
      { id: 'diagnose', location: { x: 5, y: 0 }, duration: 30 },
      // Nearer the east engineer, but it follows the diagnosis, which the west engineer does.
      { id: 'repair', location: { x: 95, y: 0 }, duration: 30, after: ['diagnose'] },
      { id: 'survey', location: { x: 50, y: 0 }, requiredSkills: ['roof'] },
      { id: 'install', location: { x: 50, y: 0 }, after: ['survey'] },
      { id: 'old-out', location: { x: 20, y: 0 }, pinnedEngineer: 'west' },
      { id: 'new-in', location: { x: 20, y: 0 }, pinnedEngineer: 'east', after: ['old-out'] },
    ],
  })

  it('puts a job after the jobs it follows, on the same engineer, and explains the ones it cannot plan', () => {
    const p = problem()
    const sol = solve(p, { seed: 1, maxIterations: 300 })
    expect(checkSolution(p, sol).violations).toEqual([])
    const west = sol.routes.find((r) => r.engineerId === 'west')!.stops
    const at = (id: string) => west.find((s) => s.jobId === id)!
    expect(west.map((s) => s.jobId).indexOf('repair')).toBeGreaterThan(west.map((s) => s.jobId).indexOf('diagnose'))
    expect(at('repair').start).toBeGreaterThanOrEqual(at('diagnose').end)
    expect(Object.fromEntries(sol.unassigned.map((u) => [u.jobId, u.reason]))).toEqual({
      survey: 'no_skilled_engineer',
      install: 'precedence',
      'new-in': 'precedence',
    })
  })

  it('explains a follow-up whose window closes before the job it follows can be done', () => {
    const p: DispatchProblem = {
      distance: { type: 'euclidean' },
      engineers: [{ id: 'e', start: { x: 0, y: 0 }, shift: { start: 0, end: 480 } }],
      jobs: [
        { id: 'collect-part', location: { x: 10, y: 0 }, duration: 30, timeWindows: [{ start: 300, end: 330 }] },
        { id: 'fit-part', location: { x: 20, y: 0 }, duration: 30, timeWindows: [{ start: 0, end: 200 }], after: ['collect-part'] },
      ],
    }
    const sol = solve(p, { seed: 1, maxIterations: 100 })
    expect(sol.unassigned).toEqual([{ jobId: 'fit-part', reason: 'precedence' }])
    // On its own the job would fit the day.
    p.jobs[1] = { ...p.jobs[1]!, after: [] }
    expect(solve(p, { seed: 1, maxIterations: 100 }).unassigned).toEqual([])
  })

  it('rejects unknown jobs, a job after itself and cycles, naming the field', () => {
    const p = problem()
    expect(() => buildModel({ ...p, jobs: [...p.jobs, { id: 'x', location: { x: 0, y: 0 }, after: ['ghost'] }] })).toThrow(
      /jobs\.6\.after\.0: unknown job "ghost"/,
    )
    expect(() => buildModel({ ...p, jobs: [{ id: 'x', location: { x: 0, y: 0 }, after: ['x'] }] })).toThrow(/jobs\.0\.after\.0/)
    const cyclic = { ...p, jobs: p.jobs.map((j) => (j.id === 'diagnose' ? { ...j, after: ['repair'] } : j)) }
    expect(() => buildModel(cyclic)).toThrow(/jobs\.\d\.after: precedence cycle/)
  })

  it('re-optimisation puts a follow-up job after the job it follows', () => {
    const p = problem()
    p.jobs = p.jobs.filter((j) => j.id !== 'repair')
    const day = solve(p, { seed: 1, maxIterations: 200 })
    const withFollowUp: DispatchProblem = { ...p, jobs: [...p.jobs, { id: 'repair', location: { x: 95, y: 0 }, after: ['diagnose'] }] }
    const res = reoptimize({
      problem: withFollowUp,
      routes: day.routes.map((r) => ({ engineerId: r.engineerId, stops: r.stops.map((s) => ({ jobId: s.jobId })) })),
      jobId: 'repair',
    })
    expect(res).toMatchObject({ inserted: true, engineerId: 'west' })
    const west = res.solution.routes.find((r) => r.engineerId === 'west')!.stops.map((s) => s.jobId)
    expect(west.indexOf('repair')).toBeGreaterThan(west.indexOf('diagnose'))
  })
})

describe('checker: lateness, balance and precedence from the raw problem', () => {
  const problem: DispatchProblem = {
    distance: { type: 'euclidean' },
    objective: { lateness: 2, balance: 1 },
    engineers: [
      { id: 'e', start: { x: 0, y: 0 }, shift: { start: 0, end: 100 } },
      { id: 'f', start: { x: 0, y: 0 }, shift: { start: 0, end: 100 } },
    ],
    jobs: [
      { id: 'a', location: { x: 3, y: 4 }, duration: 10, timeWindows: [{ start: 0, end: 2 }], maxLateness: 5 },
      { id: 'b', location: { x: 6, y: 8 }, duration: 10, after: ['a'] },
    ],
  }

  it('recomputes lateness and the balance term', () => {
    const ok = checkSolution(problem, {
      routes: [
        {
          engineerId: 'e',
          stops: [
            { jobId: 'a', arrival: 5, start: 5, end: 15, lateness: 3 },
            { jobId: 'b', arrival: 20, start: 20, end: 30 },
          ],
        },
      ],
      unassigned: [],
    })
    // 20 km, 3 late × 2, workload 20 driving + 20 service → 40² / 100.
    expect(ok).toMatchObject({ feasible: true, distance: 20, lateness: 3, cost: 20 + 6 + 16 })
  })

  it('finds lateness beyond the limit, a wrong reported lateness and broken precedence', () => {
    const tooLate = checkSolution(
      { ...problem, jobs: [{ ...problem.jobs[0]!, maxLateness: 2 }, problem.jobs[1]!] },
      {
        routes: [{ engineerId: 'e', stops: [{ jobId: 'a', arrival: 5, start: 5, end: 15, lateness: 3 }] }],
        unassigned: [{ jobId: 'b', reason: 'precedence' }],
      },
    )
    expect(tooLate.violations).toEqual(['job a: arrival 5.000 misses every time window (3.000 late, more than its maxLateness 2)'])
    const wrong = checkSolution(
      { ...problem, jobs: [{ ...problem.jobs[0]!, maxLateness: 30 }, problem.jobs[1]!] },
      {
        routes: [
          {
            engineerId: 'e',
            stops: [
              { jobId: 'b', arrival: 10, start: 10, end: 20 },
              { jobId: 'a', arrival: 25, start: 25, end: 35, lateness: 1 },
            ],
          },
        ],
        unassigned: [],
      },
    )
    expect(wrong.violations).toEqual(['job a: reported lateness 1 but recomputed 23', 'job b starts before job a ends'])
    const split = checkSolution(problem, {
      routes: [
        { engineerId: 'e', stops: [{ jobId: 'a', arrival: 5, start: 5, end: 15, lateness: 3 }] },
        { engineerId: 'f', stops: [{ jobId: 'b', arrival: 10, start: 10, end: 20 }] },
      ],
      unassigned: [],
    })
    expect(split.violations).toEqual(['job b must follow job a on the same engineer'])
    const orphan = checkSolution(problem, {
      routes: [{ engineerId: 'e', stops: [{ jobId: 'b', arrival: 10, start: 10, end: 20 }] }],
      unassigned: [{ jobId: 'a', reason: 'precedence' }],
    })
    expect(orphan.violations).toEqual([
      'job b is planned but job a, which it must follow, is not',
      'job a is explained by precedence but follows no job',
    ])
  })
})

// Generated days where the new rules bite: wide-ish windows with a soft end, chains of follow-up jobs,
// and random lateness / balance weights (0 included, the fast path).
const softDay = fc
  .record({
    engineers: fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 40 }),
        y: fc.integer({ min: 0, max: 40 }),
        length: fc.integer({ min: 200, max: 600 }),
        skills: fc.subarray(['gas', 'ac']),
        breakAt: fc.option(fc.integer({ min: 100, max: 300 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    jobs: fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 40 }),
        y: fc.integer({ min: 0, max: 40 }),
        duration: fc.integer({ min: 5, max: 45 }),
        windows: fc.array(fc.record({ start: fc.integer({ min: 0, max: 300 }), width: fc.integer({ min: 10, max: 90 }) }), {
          maxLength: 2,
        }),
        skill: fc.option(fc.constantFrom('gas', 'ac'), { nil: undefined, freq: 3 }),
        maxLateness: fc.oneof(fc.constant(0), fc.integer({ min: 10, max: 200 })),
        follows: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
        pin: fc.option(fc.nat(), { nil: undefined, freq: 8 }),
      }),
      { minLength: 1, maxLength: 20 },
    ),
    lateness: fc.constantFrom(0, 0.1, 1, 10),
    balance: fc.constantFrom(0, 0.2, 2),
    seed: fc.nat(1000),
  })
  .map(({ engineers, jobs, lateness, balance, seed }) => {
    const problem: DispatchProblem = {
      distance: { type: 'euclidean' },
      objective: { lateness, balance },
      engineers: engineers.map((e, k) => ({
        id: `e${k}`,
        start: { x: e.x, y: e.y },
        shift: { start: 0, end: e.length },
        skills: e.skills,
        break: e.breakAt === undefined ? undefined : { start: e.breakAt, end: e.breakAt + 30 },
      })),
      jobs: jobs.map((j, i) => ({
        id: `j${i}`,
        location: { x: j.x, y: j.y },
        duration: j.duration,
        timeWindows: j.windows.length ? j.windows.map((w) => ({ start: w.start, end: w.start + w.width })) : undefined,
        requiredSkills: j.skill ? [j.skill] : [],
        maxLateness: j.maxLateness,
        after: j.follows === undefined || i === 0 ? [] : [`j${j.follows % i}`],
        pinnedEngineer: j.pin === undefined ? undefined : `e${j.pin % engineers.length}`,
      })),
    }
    return { problem, seed }
  })

describe('generated days with soft windows, balance and precedence (property)', () => {
  it('hard windows hold, lateness stays within its limit, precedence holds, and the checker agrees with the solver cost', () => {
    let late = 0
    let followed = 0
    fc.assert(
      fc.property(softDay, ({ problem, seed }) => {
        const sol = solve(problem, { seed, maxIterations: 200, timeLimitMs: 60_000 })
        const check = checkSolution(problem, sol)
        expect(check.violations).toEqual([])
        expect(check.cost).toBeCloseTo(sol.cost.total!, 6)
        expect(check.lateness).toBeCloseTo(sol.cost.lateness!, 6)
        const jobs = new Map(problem.jobs.map((j) => [j.id, j]))
        const served = new Map(sol.routes.flatMap((r) => r.stops.map((s) => [s.jobId, { ...s, engineer: r.engineerId }] as const)))
        for (const [id, s] of served) {
          const job = jobs.get(id)!
          const windows = job.timeWindows ?? []
          const lastEnd = Math.max(...windows.map((w) => w.end))
          const inWindow = windows.length === 0 || windows.some((w) => s.start >= w.start && s.start <= w.end)
          if (!inWindow) {
            expect(job.maxLateness).toBeGreaterThan(0)
            expect(s.start).toBeGreaterThan(lastEnd)
            expect(s.start - lastEnd).toBeLessThanOrEqual(job.maxLateness! + 1e-9)
            expect(s.lateness).toBeCloseTo(s.start - lastEnd, 9)
            late++
          }
          for (const before of job.after ?? []) {
            const a = served.get(before)
            expect(a?.engineer).toBe(s.engineer)
            expect(a!.end).toBeLessThanOrEqual(s.start + 1e-9)
            followed++
          }
        }
        for (const u of sol.unassigned)
          if (u.reason !== 'precedence' && u.reason !== 'no_skilled_engineer' && u.reason !== 'shift')
            for (const before of jobs.get(u.jobId)!.after ?? []) if (u.reason === 'no_room') expect(served.has(before)).toBe(true)
      }),
      { numRuns: 150, seed: 7 },
    )
    // The generator really exercises the new rules.
    expect(late).toBeGreaterThan(20)
    expect(followed).toBeGreaterThan(50)
  })
})
