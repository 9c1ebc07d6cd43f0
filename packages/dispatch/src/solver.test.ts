import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DispatchProblem } from '@aftercare/contracts'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkSolution } from './checker.ts'
import { buildModel, ProblemError } from './model.ts'
import { parseSolomon, solomonToProblem } from './solomon.ts'
import { solve } from './solve.ts'

const solomonDir = join(new URL('../../..', import.meta.url).pathname, '../shared/bench/solomon')

/** Distance of a solution with every arc truncated to one decimal (the exact-methods convention). */
function truncatedDistance(problem: DispatchProblem, routes: { stops: { jobId: string }[] }[]): number {
  const pos = new Map(problem.jobs.map((j) => [j.id, j.location as { x: number; y: number }]))
  const depot = problem.engineers[0]!.start as { x: number; y: number }
  let total = 0
  for (const r of routes) {
    let here = depot
    for (const s of [...r.stops.map((s) => pos.get(s.jobId)!), depot]) {
      total += Math.floor(10 * Math.hypot(here.x - s.x, here.y - s.y)) / 10
      here = s
    }
  }
  return total
}

describe('Solomon instances', () => {
  it('reads the text format: vehicles, capacity, depot and customers', () => {
    const inst = parseSolomon(readFileSync(join(solomonDir, 'instances/C101.txt'), 'utf8'))
    expect(inst.name).toBe('C101')
    expect(inst.vehicles).toBe(25)
    expect(inst.capacity).toBe(200)
    expect(inst.nodes).toHaveLength(101)
    expect(inst.nodes[1]).toEqual({ id: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90 })
    const problem = solomonToProblem(inst)
    expect(problem.engineers.map((e) => e.id).slice(0, 2)).toEqual(['v1', 'v2'])
    expect(problem.jobs[99]!.id).toBe('100')
  })

  // Proven optima of the 25-customer type-1 instances (truncated arcs). Our solutions use exact
  // distances; re-priced with truncated arcs they can't beat the optimum and should be close to it.
  const optima = readFileSync(join(solomonDir, 'solomon_25_50_opt_type1.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','))
    .filter((f) => f[1] === '25')
    .map((f) => ({ name: f[0]!, opt: Number(f[3]) }))

  it('solves the 29 type-1 instances with 25 customers within 1.5% of the proven optimum, verified', () => {
    const gaps: number[] = []
    for (const { name, opt } of optima) {
      const problem = solomonToProblem(parseSolomon(readFileSync(join(solomonDir, `instances/${name}.txt`), 'utf8'), 25))
      const sol = solve(problem, { seed: 7, maxIterations: 4000, timeLimitMs: 60_000 })
      const check = checkSolution(problem, sol)
      expect(check.violations, name).toEqual([])
      expect(sol.unassigned, name).toEqual([])
      const truncated = truncatedDistance(problem, sol.routes)
      expect(truncated, name).toBeGreaterThanOrEqual(opt - 1e-6)
      gaps.push((100 * (truncated - opt)) / opt)
    }
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1.5)
  })
})

describe('solver behaviour', () => {
  const base = (): DispatchProblem => ({
    distance: { type: 'euclidean', speed: 1 },
    engineers: [
      { id: 'alice', start: { x: 0, y: 0 }, shift: { start: 0, end: 600 }, skills: ['boiler'], capacity: 10 },
      { id: 'bob', start: { x: 100, y: 0 }, shift: { start: 0, end: 600 }, skills: ['ac'], maxJobs: 3, capacity: 10 },
    ],
    jobs: [
      { id: 'j1', location: { x: 10, y: 0 }, duration: 30, requiredSkills: ['boiler'] },
      { id: 'j2', location: { x: 90, y: 0 }, duration: 30, requiredSkills: ['ac'], timeWindows: [{ start: 100, end: 120 }] },
      { id: 'j3', location: { x: 50, y: 50 }, duration: 30, requiredSkills: ['plumbing'] },
      { id: 'j4', location: { x: 20, y: 0 }, duration: 30, timeWindows: [{ start: 700, end: 800 }] },
      { id: 'j5', location: { x: 30, y: 0 }, duration: 30, demand: 50 },
      { id: 'j6', location: { x: 3000, y: 0 }, duration: 30, timeWindows: [{ start: 0, end: 100 }] },
    ],
  })

  it('routes what it can and explains every job it leaves out', () => {
    const problem = base()
    const sol = solve(problem, { seed: 1, maxIterations: 300 })
    expect(checkSolution(problem, sol).violations).toEqual([])
    const reasons = Object.fromEntries(sol.unassigned.map((u) => [u.jobId, u.reason]))
    expect(reasons).toEqual({ j3: 'no_skilled_engineer', j4: 'shift', j5: 'capacity', j6: 'window_unreachable' })
    const byEngineer = Object.fromEntries(sol.routes.map((r) => [r.engineerId, r.stops.map((s) => s.jobId)]))
    expect(byEngineer.alice).toContain('j1')
    expect(byEngineer.bob).toEqual(['j2'])
    expect(sol.routes.find((r) => r.engineerId === 'bob')!.stops[0]!.start).toBe(100)
  })

  it('keeps a pinned job on its engineer and never uses a forbidden one', () => {
    const problem: DispatchProblem = {
      distance: { type: 'euclidean' },
      engineers: [
        { id: 'near', start: { x: 0, y: 0 }, shift: { start: 0, end: 1000 } },
        { id: 'far', start: { x: 500, y: 0 }, shift: { start: 0, end: 1000 } },
      ],
      jobs: [
        { id: 'a', location: { x: 5, y: 0 }, pinnedEngineer: 'far' },
        { id: 'b', location: { x: 6, y: 0 }, forbiddenEngineers: ['near'] },
        { id: 'c', location: { x: 7, y: 0 } },
      ],
    }
    const sol = solve(problem, { seed: 2, maxIterations: 200 })
    expect(checkSolution(problem, sol).feasible).toBe(true)
    const far = sol.routes.find((r) => r.engineerId === 'far')!.stops.map((s) => s.jobId)
    expect(far).toEqual(expect.arrayContaining(['a', 'b']))
    const near = sol.routes.find((r) => r.engineerId === 'near')?.stops.map((s) => s.jobId) ?? []
    expect(near).not.toContain('a')
    expect(near).not.toContain('b')
  })

  it('chooses among several windows and never serves across the break', () => {
    const problem: DispatchProblem = {
      distance: { type: 'euclidean' },
      engineers: [{ id: 'e', start: { x: 0, y: 0 }, shift: { start: 0, end: 1000 }, break: { start: 100, end: 160 } }],
      jobs: [
        {
          id: 'late',
          location: { x: 10, y: 0 },
          duration: 50,
          timeWindows: [
            { start: 20, end: 30 },
            { start: 400, end: 500 },
          ],
        },
        { id: 'x', location: { x: 0, y: 10 }, duration: 60, timeWindows: [{ start: 50, end: 200 }] },
      ],
    }
    const sol = solve(problem, { seed: 3, maxIterations: 200 })
    expect(checkSolution(problem, sol).violations).toEqual([])
    for (const s of sol.routes[0]!.stops) expect(s.end <= 100 || s.start >= 160).toBe(true)
  })

  it('reads coordinates with haversine and a supplied matrix', () => {
    const hv = solve(
      {
        engineers: [{ id: 'e', start: { lat: 31.23, lng: 121.47 }, shift: { start: 480, end: 1080 } }],
        jobs: [{ id: 'j', location: { lat: 31.3, lng: 121.5 }, duration: 60 }],
      },
      { seed: 1, maxIterations: 10 },
    )
    // ~8.3 km great-circle × 1.3 detour, there and back.
    expect(hv.cost.distance).toBeGreaterThan(20)
    expect(hv.cost.distance).toBeLessThan(23)
    expect(hv.routes[0]!.stops[0]!.arrival).toBeCloseTo(480 + (hv.cost.distance / 2 / 30) * 60, 6)
    const mx = solve(
      {
        distance: {
          type: 'matrix',
          distances: [
            [0, 5],
            [7, 0],
          ],
          durations: [
            [0, 10],
            [14, 0],
          ],
        },
        engineers: [{ id: 'e', start: { index: 0 }, shift: { start: 0, end: 100 } }],
        jobs: [{ id: 'j', location: { index: 1 }, duration: 1 }],
      },
      { seed: 1, maxIterations: 10 },
    )
    expect(mx.cost.distance).toBe(12)
    expect(mx.routes[0]!.stops[0]).toMatchObject({ arrival: 10, start: 10, end: 11 })
  })

  it('rejects a bad problem naming the field', () => {
    expect(() => buildModel({ engineers: [], jobs: [] })).toThrow(ProblemError)
    expect(() =>
      buildModel({
        engineers: [{ id: 'e', start: { lat: 0, lng: 0 }, shift: { start: 0, end: 1 } }],
        jobs: [{ id: 'j', location: { lat: 0, lng: 0 }, pinnedEngineer: 'ghost' }],
      }),
    ).toThrow(/jobs\.0\.pinnedEngineer/)
    expect(() =>
      buildModel({
        distance: { type: 'euclidean' },
        engineers: [{ id: 'e', start: { lat: 0, lng: 0 }, shift: { start: 0, end: 1 } }],
        jobs: [],
      }),
    ).toThrow(/engineers\.0\.start/)
  })

  it('is deterministic for a seed and an iteration budget', () => {
    const problem = solomonToProblem(parseSolomon(readFileSync(join(solomonDir, 'instances/RC101.txt'), 'utf8'), 40))
    const a = solve(problem, { seed: 11, maxIterations: 1500 })
    const b = solve(problem, { seed: 11, maxIterations: 1500 })
    expect(a.routes).toEqual(b.routes)
    expect(a.cost).toEqual(b.cost)
  })
})

describe('checker', () => {
  const problem: DispatchProblem = {
    distance: { type: 'euclidean' },
    engineers: [{ id: 'e', start: { x: 0, y: 0 }, shift: { start: 0, end: 100 }, skills: ['a'], capacity: 5 }],
    jobs: [
      { id: 'j1', location: { x: 3, y: 4 }, duration: 10, timeWindows: [{ start: 0, end: 20 }], demand: 3 },
      { id: 'j2', location: { x: 6, y: 8 }, duration: 10, requiredSkills: ['b'], demand: 3 },
    ],
  }
  it('recomputes arrivals and finds every kind of violation', () => {
    const ok = checkSolution(problem, {
      routes: [{ engineerId: 'e', stops: [{ jobId: 'j1', arrival: 5, start: 5, end: 15 }] }],
      unassigned: [{ jobId: 'j2', reason: 'no_skilled_engineer' }],
    })
    expect(ok).toMatchObject({ feasible: true, distance: 10, vehicles: 1 })
    const bad = checkSolution(problem, {
      routes: [
        {
          engineerId: 'e',
          stops: [
            { jobId: 'j2', arrival: 10, start: 10, end: 20 },
            { jobId: 'j1', arrival: 20, start: 25, end: 35 },
          ],
        },
      ],
      unassigned: [],
    })
    expect(bad.feasible).toBe(false)
    expect(bad.violations.join('\n')).toMatch(/lacks skill b/)
    expect(bad.violations.join('\n')).toMatch(/misses every time window/)
    expect(bad.violations.join('\n')).toMatch(/load 6 > capacity 5/)
    expect(bad.violations.join('\n')).toMatch(/reported arrival 20 but recomputed 25/)
    const missing = checkSolution(problem, { routes: [], unassigned: [{ jobId: 'j1', reason: 'no_room' }] })
    expect(missing.violations).toEqual(['job j2 is neither routed nor explained'])
  })
})

// Generated field-service days: skills, shifts, capacities, breaks, several windows, pins and bans.
const fieldProblem = fc
  .record({
    engineers: fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 50 }),
        y: fc.integer({ min: 0, max: 50 }),
        start: fc.integer({ min: 0, max: 120 }),
        length: fc.integer({ min: 60, max: 480 }),
        skills: fc.subarray(['gas', 'ac', 'fridge']),
        maxJobs: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        capacity: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        breakAt: fc.option(fc.integer({ min: 60, max: 400 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    jobs: fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 50 }),
        y: fc.integer({ min: 0, max: 50 }),
        duration: fc.integer({ min: 0, max: 60 }),
        windows: fc.array(fc.record({ start: fc.integer({ min: 0, max: 500 }), width: fc.integer({ min: 0, max: 120 }) }), {
          maxLength: 3,
        }),
        skills: fc.subarray(['gas', 'ac', 'fridge'], { maxLength: 2 }),
        demand: fc.integer({ min: 0, max: 8 }),
        pin: fc.option(fc.nat(), { nil: undefined }),
        ban: fc.option(fc.nat(), { nil: undefined }),
        priority: fc.integer({ min: 0, max: 3 }),
        // Soft end (0 = hard windows) and up to two earlier jobs this one must follow.
        maxLateness: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90 })),
        after: fc.array(fc.nat(), { maxLength: 2 }),
      }),
      { minLength: 0, maxLength: 25 },
    ),
    lateness: fc.constantFrom(0, 0.2, 1, 5),
    balance: fc.constantFrom(0, 0, 0.5, 3),
    seed: fc.nat(1000),
  })
  .map(({ engineers, jobs, lateness, balance, seed }) => {
    const problem: DispatchProblem = {
      distance: { type: 'euclidean', speed: 1 },
      objective: { lateness, balance },
      engineers: engineers.map((e, k) => ({
        id: `e${k}`,
        start: { x: e.x, y: e.y },
        end: { x: e.y, y: e.x },
        shift: { start: e.start, end: e.start + e.length },
        skills: e.skills,
        maxJobs: e.maxJobs,
        capacity: e.capacity,
        break: e.breakAt === undefined ? undefined : { start: e.breakAt, end: e.breakAt + 30 },
      })),
      jobs: jobs.map((j, i) => ({
        id: `j${i}`,
        location: { x: j.x, y: j.y },
        duration: j.duration,
        timeWindows: j.windows.length ? j.windows.map((w) => ({ start: w.start, end: w.start + w.width })) : undefined,
        requiredSkills: j.skills,
        demand: j.demand,
        priority: j.priority,
        pinnedEngineer: j.pin === undefined ? undefined : `e${j.pin % engineers.length}`,
        forbiddenEngineers: j.ban === undefined ? [] : [`e${j.ban % engineers.length}`],
        maxLateness: j.maxLateness,
        // Only earlier jobs, so there is no cycle.
        after: i === 0 ? [] : j.after.map((a) => `j${a % i}`),
      })),
    }
    return { problem, seed }
  })

describe('generated field-service problems (property)', () => {
  it('never violates skills, shifts, capacity, breaks, hard windows, lateness limits, precedence or pins; every job routed or explained; checker agrees on cost', () => {
    fc.assert(
      fc.property(fieldProblem, ({ problem, seed }) => {
        const sol = solve(problem, { seed, maxIterations: 150, timeLimitMs: 60_000 })
        const check = checkSolution(problem, sol)
        expect(check.violations).toEqual([])
        expect(sol.routes.length + 0).toBeLessThanOrEqual(problem.engineers.length)
        expect(check.distance).toBeCloseTo(sol.cost.distance, 6)
        expect(check.lateness).toBeCloseTo(sol.cost.lateness!, 6)
        expect(check.cost).toBeCloseTo(sol.cost.total!, 4)
        expect(check.vehicles).toBe(sol.cost.vehicles)
        const jobs = new Map(problem.jobs.map((j) => [j.id, j]))
        const served = new Map(sol.routes.flatMap((r) => r.stops.map((s, i) => [s.jobId, { ...s, engineer: r.engineerId, i }] as const)))
        for (const r of sol.routes)
          for (const s of r.stops) {
            const job = jobs.get(s.jobId)!
            if (job.pinnedEngineer) expect(r.engineerId).toBe(job.pinnedEngineer)
            // Hard windows hold; a soft job is late by at most its maxLateness, and only after its last window.
            const windows = job.timeWindows ?? []
            const inWindow = windows.length === 0 || windows.some((w) => s.start >= w.start - 1e-9 && s.start <= w.end + 1e-9)
            const lastEnd = Math.max(...windows.map((w) => w.end))
            const late = windows.length === 0 ? 0 : Math.max(0, s.start - lastEnd)
            if (!job.maxLateness) expect(inWindow).toBe(true)
            else expect(inWindow || (late > 0 && late <= job.maxLateness + 1e-9)).toBe(true)
            expect(s.lateness ?? 0).toBeCloseTo(late, 9)
            // Precedence: every job it follows is on the same engineer and ends before it starts.
            for (const id of job.after ?? []) {
              const before = served.get(id)
              expect(before?.engineer).toBe(r.engineerId)
              expect(before!.end).toBeLessThanOrEqual(s.start + 1e-9)
            }
          }
        // A job is only left out when no engineer could take it on an empty day, or nobody had room left.
        for (const u of sol.unassigned) {
          expect(['no_skilled_engineer', 'capacity', 'shift', 'window_unreachable', 'precedence', 'no_room']).toContain(u.reason)
          if (u.reason === 'precedence') expect(jobs.get(u.jobId)!.after!.length).toBeGreaterThan(0)
          // A job whose predecessor is left out says so (unless something more basic already rules it out).
          if (u.reason === 'no_room') for (const id of jobs.get(u.jobId)!.after ?? []) expect(served.has(id)).toBe(true)
        }
      }),
      { numRuns: 200, seed: 42 },
    )
  })
})
