// `aftercare dispatch solve`: the command's core, and the real bin as other tools run it.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { checkSolution, cityProblem, parseSolomon, solomonToProblem } from '@aftercare/dispatch'
import { describe, expect, it } from 'vitest'
import { runDispatchSolve } from './dispatch.ts'

const run = promisify(execFile)
const bin = new URL('../../bin/aftercare.js', import.meta.url).pathname
const solomonFile = join(new URL('../../../..', import.meta.url).pathname, '../shared/bench/solomon/instances/C101.txt')

async function aftercare(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

describe('dispatch solve (core)', () => {
  it('solves a JSON problem file into the documented shape, logging to the given sink only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercare-dispatch-'))
    const problem = cityProblem({ engineers: 3, jobs: 12, seed: 4 })
    writeFileSync(join(dir, 'p.json'), JSON.stringify(problem))
    const logs: string[] = []
    const out = runDispatchSolve({ file: join(dir, 'p.json'), timeLimitSeconds: 0.2, seed: 1 }, (l) => logs.push(l))
    expect(Object.keys(out)).toEqual(['routes', 'unassigned', 'cost', 'elapsedMs'])
    expect(Object.keys(out.cost)).toEqual(['distance', 'vehicles'])
    for (const r of out.routes) for (const s of r.stops) expect(Object.keys(s)).toEqual(['jobId', 'arrival', 'start', 'end'])
    expect(checkSolution(problem, out).violations).toEqual([])
    expect(logs.some((l) => /iterations/.test(l))).toBe(true)
  })

  it('reads soft windows, balance and precedence from the file; the output keeps its documented shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercare-dispatch-'))
    const base = cityProblem({ engineers: 3, jobs: 12, seed: 4 })
    const problem = {
      ...base,
      objective: { distance: 1, lateness: 0.2, balance: 0.05 },
      jobs: base.jobs.map((j, i) => ({ ...j, maxLateness: 60, after: i % 4 === 3 ? [base.jobs[i - 1]!.id] : [] })),
    }
    writeFileSync(join(dir, 'p.json'), JSON.stringify(problem))
    const out = runDispatchSolve({ file: join(dir, 'p.json'), timeLimitSeconds: 0.2, seed: 1 })
    expect(Object.keys(out.cost)).toEqual(['distance', 'vehicles'])
    for (const r of out.routes) for (const s of r.stops) expect(Object.keys(s)).toEqual(['jobId', 'arrival', 'start', 'end'])
    expect(checkSolution(problem, out).violations).toEqual([])
  })

  it('explains a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercare-dispatch-'))
    writeFileSync(join(dir, 'bad.json'), '{"engineers": [')
    expect(() => runDispatchSolve({ file: join(dir, 'bad.json') })).toThrow(/bad\.json/)
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ engineers: [], jobs: [] }))
    expect(() => runDispatchSolve({ file: join(dir, 'bad.json') })).toThrow(/engineers/)
    expect(() => runDispatchSolve({})).toThrow(/problem file/)
  })
})

describe('npx aftercare dispatch solve (real bin)', { timeout: 60_000 }, () => {
  it('prints exactly one JSON document for a Solomon file: vehicles v1.., customer numbers as job ids', async () => {
    const res = await aftercare(['dispatch', 'solve', '--solomon', solomonFile, '--time-limit', '0.5', '--seed', '3'])
    expect(res.code).toBe(0)
    expect(res.stdout.trim().split('\n')).toHaveLength(1)
    const out = JSON.parse(res.stdout)
    expect(out.unassigned).toEqual([])
    expect(out.routes[0].engineerId).toMatch(/^v\d+$/)
    const ids = out.routes
      .flatMap((r: { stops: { jobId: string }[] }) => r.stops.map((s) => s.jobId))
      .sort((a: string, b: string) => Number(a) - Number(b))
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)))
    const problem = solomonToProblem(parseSolomon(readFileSync(solomonFile, 'utf8')))
    const check = checkSolution(problem, out)
    expect(check.violations).toEqual([])
    expect(out.cost.distance).toBeCloseTo(check.distance, 6)
    expect(out.cost.vehicles).toBe(check.vehicles)
    expect(res.stderr).toMatch(/dispatch: /)
  })

  it('fails with a message on stderr and nothing on stdout for a problem it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercare-dispatch-'))
    writeFileSync(
      join(dir, 'p.json'),
      JSON.stringify({
        engineers: [{ id: 'e', start: { lat: 0, lng: 0 }, shift: { start: 0, end: 9 } }],
        jobs: [{ id: 'j', location: { lat: 0 } }],
      }),
    )
    const res = await aftercare(['dispatch', 'solve', join(dir, 'p.json'), '--time-limit', '0.2'])
    expect(res.code).toBe(1)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/jobs\.0\.location/)
  })
})
