// Runs the solver in a worker thread so the caller's event loop never blocks. Cancellable with an
// AbortSignal: the search stops at its next check and the best plan found so far is returned.
import { Worker } from 'node:worker_threads'
import type { DispatchProblem, DispatchReoptimizeRequest, DispatchReoptimizeResult, DispatchSolution } from '@aftercare/contracts'
import { ProblemError } from './model.ts'
import type { SolveOptions, SolveStats } from './solve.ts'

export type WorkerRequest =
  | { kind: 'solve'; problem: DispatchProblem; options: Omit<SolveOptions, 'shouldStop' | 'onImprove'>; stop: SharedArrayBuffer }
  | { kind: 'reoptimize'; request: DispatchReoptimizeRequest }

export type WorkerMessage =
  | { type: 'progress'; elapsedMs: number; cost: number }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string; path?: string }

export interface WorkerSolveOptions extends Omit<SolveOptions, 'shouldStop' | 'onImprove'> {
  signal?: AbortSignal
  onProgress?: (elapsedMs: number, cost: number) => void
}

const entry = new URL('./worker-entry.mjs', import.meta.url)

function run<T>(
  request: WorkerRequest,
  graceMs: number,
  onProgress?: (ms: number, cost: number) => void,
  signal?: AbortSignal,
  stop?: Int32Array,
) {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(entry, { workerData: request })
    let settled = false
    let killTimer: NodeJS.Timeout | undefined
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(killTimer)
      signal?.removeEventListener('abort', onAbort)
      fn()
      void worker.terminate()
    }
    const onAbort = () => {
      if (stop) Atomics.store(stop, 0, 1)
      // A worker that does not answer soon after the stop request is ended outright.
      killTimer = setTimeout(() => finish(() => reject(new Error('dispatch solver cancelled'))), 2000)
    }
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
    // Hard stop well after the time limit, whatever happens inside.
    const guard = setTimeout(() => finish(() => reject(new Error('dispatch solver did not finish in time'))), graceMs)
    guard.unref()
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.elapsedMs, m.cost)
      else if (m.type === 'result') finish(() => (clearTimeout(guard), resolve(m.result as T)))
      else
        finish(
          () => (
            clearTimeout(guard),
            reject(m.path !== undefined ? new ProblemError(m.path, m.message.replace(`${m.path}: `, '')) : new Error(m.message))
          ),
        )
    })
    worker.on('error', (e) => finish(() => (clearTimeout(guard), reject(e))))
    worker.on('exit', (code) => finish(() => (clearTimeout(guard), reject(new Error(`dispatch worker exited with code ${code}`)))))
  })
}

export function solveInWorker(problem: DispatchProblem, opts: WorkerSolveOptions = {}): Promise<DispatchSolution & { stats: SolveStats }> {
  const { signal, onProgress, ...options } = opts
  const stopBuffer = new SharedArrayBuffer(4)
  const limit = options.timeLimitMs ?? (problem.timeLimitSeconds ?? 10) * 1000
  return run({ kind: 'solve', problem, options, stop: stopBuffer }, limit + 30_000, onProgress, signal, new Int32Array(stopBuffer))
}

// Re-optimisation answers in milliseconds, so it goes to one long-lived worker instead of paying a
// worker start-up per request. The worker is unref'd: it never keeps the process alive.
let shared: { worker: Worker; pending: Map<number, (m: WorkerMessage) => void>; nextId: number } | undefined

function sharedWorker() {
  if (shared) return shared
  const worker = new Worker(entry, { workerData: null })
  worker.unref()
  const state = { worker, pending: new Map<number, (m: WorkerMessage) => void>(), nextId: 1 }
  const fail = (message: string) => {
    if (shared === state) shared = undefined
    for (const cb of state.pending.values()) cb({ type: 'error', message })
    state.pending.clear()
  }
  worker.on('message', (m: { id: number; message: WorkerMessage }) => {
    const cb = state.pending.get(m.id)
    state.pending.delete(m.id)
    if (state.pending.size === 0) worker.unref()
    cb?.(m.message)
  })
  worker.on('error', (e) => fail(e.message))
  worker.on('exit', (code) => fail(`dispatch worker exited with code ${code}`))
  shared = state
  return state
}

export function reoptimizeInWorker(request: DispatchReoptimizeRequest, signal?: AbortSignal): Promise<DispatchReoptimizeResult> {
  return new Promise((resolve, reject) => {
    const state = sharedWorker()
    const id = state.nextId++
    const timer = setTimeout(() => {
      // Stuck: replace the worker.
      state.pending.delete(id)
      if (shared === state) shared = undefined
      void state.worker.terminate()
      reject(new Error('dispatch re-optimisation did not finish in time'))
    }, 30_000)
    timer.unref()
    const onAbort = () => {
      state.pending.delete(id)
      if (state.pending.size === 0) state.worker.unref()
      clearTimeout(timer)
      reject(new Error('dispatch re-optimisation cancelled'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    state.worker.ref()
    state.pending.set(id, (m) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (m.type === 'result') resolve(m.result as DispatchReoptimizeResult)
      else if (m.type === 'error')
        reject(m.path !== undefined ? new ProblemError(m.path, m.message.replace(`${m.path}: `, '')) : new Error(m.message))
    })
    state.worker.postMessage({ id, request })
  })
}
