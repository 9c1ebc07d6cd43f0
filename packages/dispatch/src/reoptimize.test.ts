import type { DispatchProblem } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import { checkSolution } from './checker.ts'
import { cityProblem } from './generate.ts'
import { ProblemError } from './model.ts'
import { reoptimize } from './reoptimize.ts'
import { reoptimizeInWorker, solveInWorker } from './runner.ts'
import { solve } from './solve.ts'

describe('re-optimisation: one urgent job into existing routes', () => {
  it('inserts into a 50-engineer × 300-job day without moving started or pinned work', () => {
    const problem = cityProblem({ engineers: 50, jobs: 300, seed: 5 })
    const urgent = problem.jobs.pop()!
    const day = solve(problem, { seed: 1, maxIterations: 300 })
    const routes = day.routes.map((r) => ({
      engineerId: r.engineerId,
      stops: r.stops.map((s, i) => ({ jobId: s.jobId, started: i === 0, pinned: i === 1 })),
    }))
    const withUrgent: DispatchProblem = { ...problem, jobs: [...problem.jobs, { ...urgent, timeWindows: undefined, priority: 5 }] }
    const res = reoptimize({ problem: withUrgent, routes, jobId: urgent.id })
    expect(res.inserted).toBe(true)
    expect(checkSolution(withUrgent, res.solution).violations).toEqual([])
    const after = new Map(res.solution.routes.map((r) => [r.engineerId, r.stops.map((s) => s.jobId)]))
    const moved = new Set(res.moved.map((m) => m.jobId))
    for (const r of routes) {
      const now = after.get(r.engineerId) ?? []
      // Started and pinned stops stay with their engineer, in order, and nothing new goes before a started one.
      expect(now[0]).toBe(r.stops[0]!.jobId)
      if (r.stops[1]) expect(now).toContain(r.stops[1].jobId)
      for (const s of r.stops) if (!moved.has(s.jobId)) expect(now).toContain(s.jobId)
    }
    expect(res.solution.routes.find((r) => r.engineerId === res.engineerId)!.stops.map((s) => s.jobId)).toContain(urgent.id)
  })

  it('moves one other job when that is the only way in, and says why when there is none', () => {
    const problem: DispatchProblem = {
      distance: { type: 'euclidean' },
      engineers: [
        { id: 'a', start: { x: 0, y: 0 }, shift: { start: 0, end: 100 }, maxJobs: 1, skills: ['x'] },
        { id: 'b', start: { x: 0, y: 0 }, shift: { start: 0, end: 100 }, maxJobs: 1 },
      ],
      jobs: [
        { id: 'old', location: { x: 1, y: 0 } },
        { id: 'new', location: { x: 2, y: 0 }, requiredSkills: ['x'] },
        { id: 'late', location: { x: 2, y: 0 }, timeWindows: [{ start: 0, end: 50 }] },
      ],
    }
    const res = reoptimize({ problem, routes: [{ engineerId: 'a', stops: [{ jobId: 'old' }] }], jobId: 'new' })
    expect(res).toMatchObject({ inserted: true, engineerId: 'a', moved: [{ jobId: 'old', from: 'a', to: 'b' }] })
    expect(checkSolution(problem, res.solution).feasible).toBe(true)

    const started = reoptimize({ problem, routes: [{ engineerId: 'a', stops: [{ jobId: 'old', started: true }] }], jobId: 'new' })
    expect(started).toMatchObject({ inserted: false, reason: 'no_room', moved: [] })

    const tooLate = reoptimize({ problem, routes: [], jobId: 'late', now: 60 })
    expect(tooLate).toMatchObject({ inserted: false, reason: 'window_unreachable' })
    const inTime = reoptimize({ problem, routes: [], jobId: 'late', now: 30 })
    expect(inTime.inserted).toBe(true)
    expect(inTime.solution.routes[0]!.stops[0]!.start).toBe(30)

    expect(() => reoptimize({ problem, routes: [{ engineerId: 'zed', stops: [] }], jobId: 'new' })).toThrow(/routes\.0\.engineerId/)
  })
})

describe('worker thread runner', () => {
  const problem = cityProblem({ engineers: 8, jobs: 60, seed: 9 })

  it('solves in a worker, reporting progress, and the plan verifies', async () => {
    const progress: number[] = []
    const sol = await solveInWorker(problem, { timeLimitMs: 400, seed: 3, onProgress: (_ms, cost) => progress.push(cost) })
    expect(progress.length).toBeGreaterThan(0)
    expect(checkSolution(problem, sol).violations).toEqual([])
    expect(sol.cost.total).toBeCloseTo(progress[progress.length - 1]!, 6)
  })

  it('stops on abort and still returns the best plan so far', async () => {
    const ac = new AbortController()
    // Stop once the solver reports a plan (a fixed delay may fall before the worker has one on a busy machine).
    const pending = solveInWorker(problem, { timeLimitMs: 120_000, seed: 3, signal: ac.signal, onProgress: () => ac.abort() })
    const sol = await pending
    expect(sol.elapsedMs).toBeLessThan(120_000)
    expect(checkSolution(problem, sol).feasible).toBe(true)
  })

  it('answers several re-optimisations from one long-lived worker', async () => {
    const day = solve(problem, { seed: 1, maxIterations: 100 })
    const routes = day.routes.map((r) => ({ engineerId: r.engineerId, stops: r.stops.map((s) => ({ jobId: s.jobId })) }))
    const extra = (id: string) => ({ id, location: { lat: 31.23, lng: 121.47 }, duration: 10 })
    const answers = await Promise.all(
      ['u1', 'u2', 'u3'].map((id) =>
        reoptimizeInWorker({ problem: { ...problem, jobs: [...problem.jobs, extra(id)] }, routes, jobId: id }),
      ),
    )
    for (const a of answers) expect(a.inserted).toBe(true)
  })

  it('passes problem errors back with the field', async () => {
    await expect(solveInWorker({ ...problem, engineers: [] }, { timeLimitMs: 100 })).rejects.toThrow(ProblemError)
    await expect(reoptimizeInWorker({ problem, routes: [], jobId: 'nope' })).rejects.toMatchObject({ path: 'jobId' })
  })
})
