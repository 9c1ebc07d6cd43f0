import type { DispatchProblem } from '@aftercare/contracts'
import { checkSolution, cityProblem } from '@aftercare/dispatch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { createDispatchService } from './dispatch.service.ts'

let rt: TestRuntime
let dispatcher: Client
let engineer: Client

beforeAll(async () => {
  rt = await createTestRuntime()
  const tenant = await buildTenant(rt)
  dispatcher = await loginAs(rt, tenant, 'dispatcher')
  engineer = await loginAs(rt, tenant, 'engineer')
})
afterAll(() => rt?.close())

const problem = (): DispatchProblem => ({ ...cityProblem({ engineers: 4, jobs: 25, seed: 2 }), timeLimitSeconds: 0.3, seed: 1 })

describe('dispatch API', () => {
  it('plans a day for a dispatcher; the plan passes the independent checker', async () => {
    const p = problem()
    const res = await dispatcher.post('/api/dispatch/optimize', p)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.routes.length).toBeGreaterThan(0)
    expect(body.routes[0].stops[0]).toEqual(
      expect.objectContaining({
        jobId: expect.any(String),
        arrival: expect.any(Number),
        start: expect.any(Number),
        end: expect.any(Number),
      }),
    )
    const check = checkSolution(p, body)
    expect(check.violations).toEqual([])
    expect(body.routes.flatMap((r: { stops: unknown[] }) => r.stops).length + body.unassigned.length).toBe(25)
    expect(body.cost.distance).toBeCloseTo(check.distance, 6)
  })

  it('fits an urgent job into existing routes', async () => {
    const p = problem()
    const day = (await dispatcher.post('/api/dispatch/optimize', p)).json()
    const urgent = { id: 'urgent-1', location: { lat: 31.24, lng: 121.48 }, duration: 30, priority: 9 }
    const res = await dispatcher.post('/api/dispatch/reoptimize', {
      problem: { ...p, jobs: [...p.jobs, urgent] },
      routes: day.routes.map((r: { engineerId: string; stops: { jobId: string }[] }) => ({
        engineerId: r.engineerId,
        stops: r.stops.map((s, i) => ({ jobId: s.jobId, started: i === 0 })),
      })),
      jobId: 'urgent-1',
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.inserted).toBe(true)
    expect(
      body.solution.routes
        .find((r: { engineerId: string }) => r.engineerId === body.engineerId)
        .stops.map((s: { jobId: string }) => s.jobId),
    ).toContain('urgent-1')
  })

  it('answers 400 for a malformed problem and 422 for one that cannot be planned, naming the field', async () => {
    const bad = await dispatcher.post('/api/dispatch/optimize', { engineers: [{ id: 'e' }], jobs: [] })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['body.engineers.0.start']))
    const p = problem()
    p.jobs[3] = { ...p.jobs[3]!, pinnedEngineer: 'nobody' }
    const res = await dispatcher.post('/api/dispatch/optimize', p)
    expect(res.statusCode).toBe(422)
    expect(res.json().issues).toEqual([{ path: 'body.jobs.3.pinnedEngineer', message: 'unknown engineer "nobody"' }])
    const reopt = await dispatcher.post('/api/dispatch/reoptimize', { problem: problem(), routes: [], jobId: 'ghost' })
    expect(reopt.statusCode).toBe(422)
    expect(reopt.json().issues[0].path).toBe('body.jobId')
  })

  it('plans soft windows, workload balance and precedence sent over HTTP; the checker agrees with the cost', async () => {
    const p: DispatchProblem = {
      distance: { type: 'euclidean' },
      objective: { lateness: 0.5, balance: 0.1 },
      engineers: [
        { id: 'west', start: { x: 0, y: 0 }, shift: { start: 0, end: 480 } },
        { id: 'east', start: { x: 100, y: 0 }, shift: { start: 0, end: 480 } },
      ],
      jobs: [
        { id: 'diagnose', location: { x: 10, y: 0 }, duration: 30 },
        { id: 'repair', location: { x: 90, y: 0 }, duration: 60, after: ['diagnose'] },
        { id: 'late-ok', location: { x: 50, y: 0 }, duration: 10, timeWindows: [{ start: 0, end: 5 }], maxLateness: 120 },
        { id: 'needs-ghost-part', location: { x: 60, y: 0 }, requiredSkills: ['ghost'] },
        { id: 'fit-ghost-part', location: { x: 60, y: 0 }, after: ['needs-ghost-part'] },
      ],
      timeLimitSeconds: 0.3,
      seed: 1,
    }
    const res = await dispatcher.post('/api/dispatch/optimize', p)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(checkSolution(p, body).violations).toEqual([])
    expect(body.cost.total).toBeCloseTo(checkSolution(p, body).cost, 6)
    const route = (id: string) => body.routes.find((r: { stops: { jobId: string }[] }) => r.stops.some((s) => s.jobId === id))
    expect(route('repair').engineerId).toBe(route('diagnose').engineerId)
    const late = route('late-ok').stops.find((s: { jobId: string }) => s.jobId === 'late-ok')
    expect(late.lateness).toBeGreaterThan(0)
    expect(body.cost.lateness).toBeCloseTo(late.lateness, 9)
    expect(body.routes.every((r: { workload: number }) => r.workload > 0)).toBe(true)
    expect(body.unassigned).toEqual([
      { jobId: 'needs-ghost-part', reason: 'no_skilled_engineer' },
      { jobId: 'fit-ghost-part', reason: 'precedence' },
    ])
  })

  it('answers 400 for a negative maxLateness and 422 for a precedence cycle, naming the field', async () => {
    const p = problem()
    p.jobs[0] = { ...p.jobs[0]!, maxLateness: -5 }
    const bad = await dispatcher.post('/api/dispatch/optimize', p)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toContain('body.jobs.0.maxLateness')
    const cyclic = problem()
    cyclic.jobs[0] = { ...cyclic.jobs[0]!, after: [cyclic.jobs[1]!.id] }
    cyclic.jobs[1] = { ...cyclic.jobs[1]!, after: [cyclic.jobs[0]!.id] }
    const res = await dispatcher.post('/api/dispatch/optimize', cyclic)
    expect(res.statusCode).toBe(422)
    expect(res.json().issues[0].path).toMatch(/^body\.jobs\.[01]\.after$/)
    const unknown = problem()
    unknown.jobs[2] = { ...unknown.jobs[2]!, after: ['WO-404'] }
    const res2 = await dispatcher.post('/api/dispatch/optimize', unknown)
    expect(res2.statusCode).toBe(422)
    expect(res2.json().issues).toEqual([{ path: 'body.jobs.2.after.0', message: 'unknown job "WO-404"' }])
  })

  it('needs the dispatch.plan permission: 401 anonymous, 403 for an engineer', async () => {
    const anon = await rt.app.inject({ method: 'POST', url: '/api/dispatch/optimize', payload: problem() })
    expect(anon.statusCode).toBe(401)
    expect((await engineer.post('/api/dispatch/optimize', problem())).statusCode).toBe(403)
    expect((await engineer.post('/api/dispatch/reoptimize', { problem: problem(), routes: [], jobId: 'job-1' })).statusCode).toBe(403)
  })
})

describe('dispatch service', () => {
  it('caps the time limit a request asks for', async () => {
    const service = createDispatchService({ maxTimeLimitSeconds: 0.2 })
    const ctx = { actor: undefined, requestId: 'test', ip: '127.0.0.1' } as unknown as Parameters<typeof service.optimize>[0]
    const sol = await service.optimize(ctx, { ...problem(), timeLimitSeconds: 3600 })
    expect(sol.elapsedMs).toBeLessThan(60_000)
    expect(sol.routes.length).toBeGreaterThan(0)
  })
})
