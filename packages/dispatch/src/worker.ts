// Runs inside a worker thread: solves (or re-optimises) and posts progress and the result back.
import { parentPort, workerData } from 'node:worker_threads'
import { ProblemError } from './model.ts'
import { reoptimize } from './reoptimize.ts'
import { solve } from './solve.ts'
import type { WorkerRequest, WorkerMessage } from './runner.ts'

const data = workerData as WorkerRequest
const post = (m: WorkerMessage) => parentPort!.postMessage(m)
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
  post(
    e instanceof ProblemError
      ? { type: 'error', path: e.path, message: e.message }
      : { type: 'error', message: e instanceof Error ? e.message : String(e) },
  )
}
