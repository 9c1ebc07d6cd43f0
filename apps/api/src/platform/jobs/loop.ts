import type { FastifyBaseLogger } from 'fastify'

/** A worker loop: runs `step` again at once while it reports more work, else every `intervalMs` or when woken. */
export interface PollingLoop {
  start(): void
  /** Runs the step soon (a notification said there is work). */
  wake(): void
  /** Stops scheduling; waits up to `graceMs` for a step in progress. */
  stop(graceMs?: number): Promise<void>
}

export function createPollingLoop(
  name: string,
  step: () => Promise<boolean>,
  opts: { intervalMs: number; log: FastifyBaseLogger },
): PollingLoop {
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> | undefined
  let again = false
  let stopped = true

  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(run, ms)
  }
  function run() {
    timer = undefined
    if (stopped) return
    again = false
    current = step()
      .catch((e: unknown) => {
        opts.log.error({ loop: name, err: e instanceof Error ? e.message : String(e) }, 'worker loop step failed')
        return false
      })
      .then((more) => {
        current = undefined
        if (!stopped) schedule(more || again ? 0 : opts.intervalMs)
      })
  }

  return {
    start() {
      stopped = false
      schedule(0)
    },
    wake() {
      if (stopped) return
      if (current) again = true
      else schedule(0)
    },
    async stop(graceMs = 10_000) {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
      if (current) {
        let graceTimer: NodeJS.Timeout | undefined
        await Promise.race([current, new Promise((r) => (graceTimer = setTimeout(r, graceMs)))])
        clearTimeout(graceTimer)
      }
    },
  }
}
