import { describe, expect, it } from 'vitest'
import { createGroupCommit, type Settled } from './group-commit.ts'

/** A runner that records its batches; items starting with `bad` fail alone, `boom` fails the batch. */
function recorder(opts?: { maxBatch?: number; maxInFlight?: number }) {
  const batches: { key: string; items: string[] }[] = []
  let running = 0
  let mostRunning = 0
  const gc = createGroupCommit<string, string>(async (key, items) => {
    batches.push({ key, items: [...items] })
    running++
    mostRunning = Math.max(mostRunning, running)
    await new Promise((r) => setTimeout(r, 5))
    running--
    if (items.some((i) => i.startsWith('boom'))) throw new Error(`batch of ${items.length} failed`)
    return items.map((i): Settled<string> =>
      i.startsWith('bad') ? { ok: false, error: new Error(`${i} refused`) } : { ok: true, value: `${key}:${i}` },
    )
  }, opts)
  return { gc, batches, mostRunning: () => mostRunning }
}

describe('group commit', () => {
  it('runs writes that arrive together in one batch per key, each answered with its own outcome', async () => {
    const { gc, batches } = recorder()
    const results = await Promise.allSettled([gc.submit('t1', 'a'), gc.submit('t1', 'bad-b'), gc.submit('t1', 'c'), gc.submit('t2', 'd')])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      't1:a',
      'bad-b refused',
      't1:c',
      't2:d',
    ])
    expect(batches).toEqual([
      { key: 't1', items: ['a', 'bad-b', 'c'] },
      { key: 't2', items: ['d'] },
    ])
  })

  it('queues what arrives while the key is busy and sends it as the next batch, at most maxBatch at a time', async () => {
    const { gc, batches, mostRunning } = recorder({ maxBatch: 3, maxInFlight: 1 })
    const first = gc.submit('t', 'x0')
    await new Promise((r) => setImmediate(r)) // x0's batch is running
    const rest = Array.from({ length: 7 }, (_, i) => gc.submit('t', `x${i + 1}`))
    expect(await Promise.all([first, ...rest])).toEqual(Array.from({ length: 8 }, (_, i) => `t:x${i}`))
    expect(batches.map((b) => b.items)).toEqual([['x0'], ['x1', 'x2', 'x3'], ['x4', 'x5', 'x6'], ['x7']])
    expect(mostRunning()).toBe(1)
  })

  it('runs up to maxInFlight batches of a key at once', async () => {
    const { gc, mostRunning } = recorder({ maxBatch: 2, maxInFlight: 2 })
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit('t', `y${i}`)))
    expect(mostRunning()).toBe(2)
  })

  it('when a batch fails as a whole, runs each of its writes alone: only the culprit fails', async () => {
    const { gc, batches } = recorder()
    const results = await Promise.allSettled([gc.submit('t', 'a'), gc.submit('t', 'boom'), gc.submit('t', 'c')])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      't:a',
      'batch of 1 failed',
      't:c',
    ])
    expect(batches.map((b) => b.items)).toEqual([['a', 'boom', 'c'], ['a'], ['boom'], ['c']])
  })
})
