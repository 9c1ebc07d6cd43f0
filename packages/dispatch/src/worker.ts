// Runs inside a worker thread: solves (or re-optimises) and posts progress and the result back.
import { parentPort, workerData } from 'node:worker_threads'
import { ProblemError } from './model.ts'
import { reoptimize } from './reoptimize.ts'
import { solve } from './solve.ts'
import type { DispatchReoptimizeRequest } from '@aftercare/contracts'
import type { WorkerRequest, WorkerMessage } from './runner.ts'

const data = workerData as WorkerRequest | null
const post = (m: WorkerMessage) => parentPort!.postMessage(m)
const errorMessage = (e: unknown): WorkerMessage =>
  e instanceof ProblemError
    ? { type: 'error', path: e.path, message: e.message }
    : { type: 'error', message: e instanceof Error ? e.message : String(e) }

if (data) {
  // One-shot worker: a full solve.
  try {
    if (data.kind === 'solve') {
      const stop = new Int32Array(data.stop)
      const result = solve(data.problem, {
        ...data.options,
        shouldStop: () => Atomics.load(stop, 0) === 1,
        onImprove: (elapsedMs, cost) => post({ type: 'progress', elapsedMs, cost }),
      })
      post({ type: 'result', result })
    } else {
      post({ type: 'result', result: reoptimize(data.request) })
    }
  } catch (e) {
    post(errorMessage(e))
  }
} else {
  // Long-lived worker: quick re-optimisations, one message each, answered with the same id.
  parentPort!.on('message', (m: { id: number; request: DispatchReoptimizeRequest }) => {
    try {
      parentPort!.postMessage({ id: m.id, message: { type: 'result', result: reoptimize(m.request) } })
    } catch (e) {
      parentPort!.postMessage({ id: m.id, message: errorMessage(e) })
    }
  })
}
