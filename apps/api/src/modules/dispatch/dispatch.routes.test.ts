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
