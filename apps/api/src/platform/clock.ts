/** Time is a dependency so tests set it instead of sleeping. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests move by hand. */
export function manualClock(start = new Date('2026-01-05T01:00:00Z')) {
  let t = start.getTime()
  return {
    now: () => new Date(t),
    set: (d: Date) => {
      t = d.getTime()
    },
    advance: (ms: number) => {
      t += ms
    },
  }
}
