// Group commit: concurrent writes of the same kind and key (ticket creations of one tenant) share
// one transaction. A write that arrives while the key has `maxInFlight` batches running waits for
// one of them and goes with the others that arrived meanwhile; a write on an idle key waits only
// for the current turn of the event loop. Under load this turns N transactions of a few round trips
// each into one transaction with multi-row statements; at rest it changes nothing.
//
// `run` answers each item on its own (a validation error is that item's, not the batch's). When the
// batch itself fails (a database error, a constraint), every item of a batch of several is run
// again alone, so one bad write never fails the others and each gets the error it would have got
// without batching.

/** One item's outcome: its value, or the error its caller gets. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown }

export interface GroupCommitOptions {
  /** Most items in one batch. */
  maxBatch?: number
  /** Most batches of one key running at once (each holds a database connection). */
  maxInFlight?: number
}

interface Waiting<T, R> {
  item: T
  resolve: (value: R) => void
  reject: (error: unknown) => void
}

interface KeyState<T, R> {
  queue: Waiting<T, R>[]
  inFlight: number
  scheduled: boolean
}

export function createGroupCommit<T, R>(
  run: (key: string, items: readonly T[]) => Promise<Settled<R>[]>,
  { maxBatch = 64, maxInFlight = 2 }: GroupCommitOptions = {},
) {
  const keys = new Map<string, KeyState<T, R>>()

  const settle = (w: Waiting<T, R>, s: Settled<R> | undefined) => {
    if (!s) w.reject(new Error('group commit: the batch gave no outcome for an item'))
    else if (s.ok) w.resolve(s.value)
    else w.reject(s.error)
  }

  async function runBatch(key: string, batch: Waiting<T, R>[]) {
    let outcomes: Settled<R>[]
    try {
      outcomes = await run(
        key,
        batch.map((w) => w.item),
      )
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error)
        return
      }
      // the batch failed as a whole: each item alone, one after the other, as without batching
      for (const w of batch) {
        try {
          const [s] = await run(key, [w.item])
          settle(w, s)
        } catch (e) {
          w.reject(e)
        }
      }
      return
    }
    batch.forEach((w, i) => settle(w, outcomes[i]))
  }

  function flush(key: string) {
    const state = keys.get(key)
    if (!state) return
    state.scheduled = false
    while (state.queue.length && state.inFlight < maxInFlight) {
      const batch = state.queue.splice(0, maxBatch)
      state.inFlight++
      void runBatch(key, batch).finally(() => {
        state.inFlight--
        if (state.queue.length) schedule(key, state)
        else if (state.inFlight === 0 && !state.scheduled) keys.delete(key)
      })
    }
  }

  function schedule(key: string, state: KeyState<T, R>) {
    if (state.scheduled) return
    state.scheduled = true
    // the requests parsed in this turn of the event loop join the batch
    setImmediate(() => flush(key))
  }

  return {
    /** Runs `item` in the next batch of `key`; settles with its own outcome. */
    submit(key: string, item: T): Promise<R> {
      let state = keys.get(key)
      if (!state) keys.set(key, (state = { queue: [], inFlight: 0, scheduled: false }))
      const s = state
      return new Promise<R>((resolve, reject) => {
        s.queue.push({ item, resolve, reject })
        if (s.inFlight < maxInFlight) schedule(key, s)
      })
    },
  }
}
export type GroupCommit<T, R> = ReturnType<typeof createGroupCommit<T, R>>
