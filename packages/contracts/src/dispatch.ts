import { z } from 'zod'

// Dispatch optimisation (R6): the problem an engineer day is planned from, and the plan that comes back.
// Times are plain numbers in one unit chosen by the caller (minutes since midnight is the usual choice);
// distances come out in the unit of the distance source (km for haversine, coordinate units for euclidean).

const Id = z.string().trim().min(1).max(100)
const Finite = z.number().finite()
const NonNeg = z.number().finite().min(0)

/** A place: geographic coordinates, planar coordinates, or a row of a supplied matrix. */
export const DispatchLocation = z.union([
  z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).strict(),
  z.object({ x: Finite, y: Finite }).strict(),
  z.object({ index: z.number().int().min(0) }).strict(),
])
export type DispatchLocation = z.infer<typeof DispatchLocation>

/** Service may START anywhere in [start, end] (the end is the latest start, as in the Solomon convention). */
export const DispatchTimeWindow = z
  .object({ start: Finite, end: Finite })
  .strict()
  .refine((w) => w.end >= w.start, { message: 'end must not be before start', path: ['end'] })
export type DispatchTimeWindow = z.infer<typeof DispatchTimeWindow>

export const DispatchEngineer = z
  .object({
    id: Id,
    start: DispatchLocation,
    /** Where the day ends; the start location when omitted. */
    end: DispatchLocation.optional(),
    /** Leave `start` no earlier than shift.start, be back at `end` no later than shift.end. */
    shift: DispatchTimeWindow,
    skills: z.array(z.string().min(1).max(100)).max(200).default([]),
    maxJobs: z.number().int().min(0).optional(),
    /** Parts load the engineer can carry (compared with the jobs' `demand`). */
    capacity: NonNeg.optional(),
    /** A fixed break: no service overlaps it (the engineer waits at the next stop). */
    break: DispatchTimeWindow.optional(),
    /** Cost of using this engineer at all (0 = engineers are on shift anyway). */
    fixedCost: NonNeg.default(0),
  })
  .strict()
export type DispatchEngineer = z.input<typeof DispatchEngineer>

export const DispatchJob = z
  .object({
    id: Id,
    location: DispatchLocation,
    /** Service duration, in time units. */
    duration: NonNeg.default(0),
    /** One or more windows for the START of service; any time when omitted. */
    timeWindows: z.array(DispatchTimeWindow).max(20).optional(),
    /**
     * Soft end: service may start up to this much after the LAST window closes, each time unit late
     * costing `objective.lateness`. Earlier windows stay hard. 0 (the default) keeps the windows hard.
     */
    maxLateness: NonNeg.default(0),
    requiredSkills: z.array(z.string().min(1).max(100)).max(50).default([]),
    demand: NonNeg.default(0),
    /** Cost of leaving the job unassigned; higher priority means it is dropped last. */
    penalty: NonNeg.optional(),
    priority: z.number().int().min(0).max(10).default(1),
    pinnedEngineer: Id.optional(),
    forbiddenEngineers: z.array(Id).max(500).default([]),
    /**
     * Precedence: ids of jobs that must be finished before this one starts. Both go to the same
     * engineer, those first; when one of them is left out, this job is left out too.
     */
    after: z.array(Id).max(50).default([]),
  })
  .strict()
export type DispatchJob = z.input<typeof DispatchJob>

export const DispatchDistanceSource = z.discriminatedUnion('type', [
  /** Great-circle distance (km) × detour factor; travel time = distance / speed (km/h) in minutes × timeScale. */
  z
    .object({
      type: z.literal('haversine'),
      detourFactor: z.number().min(1).max(5).default(1.3),
      speedKmh: z.number().positive().max(300).default(30),
      /** Time units per minute (1 when times are minutes, 60 when seconds). */
      timeUnitsPerMinute: z.number().positive().default(1),
    })
    .strict(),
  /** Planar distance; travel time = distance / speed (the Solomon convention is speed 1). */
  z.object({ type: z.literal('euclidean'), speed: z.number().positive().default(1) }).strict(),
  /** A full matrix: locations are `{ index }` rows. */
  z
    .object({
      type: z.literal('matrix'),
      distances: z.array(z.array(NonNeg)).min(1),
      durations: z.array(z.array(NonNeg)).optional(),
    })
    .strict(),
])
export type DispatchDistanceSource = z.input<typeof DispatchDistanceSource>

export const DispatchObjective = z
  .object({
    distance: NonNeg.default(1),
    travelTime: NonNeg.default(0),
    /** Multiplies every job's unassigned penalty. */
    unassigned: NonNeg.default(1),
    /** Cost per time unit a job starts after its last window (only jobs with `maxLateness` > 0 can be late). */
    lateness: NonNeg.default(1),
    /**
     * Workload balance: each engineer's route adds balance × workload² / shift length, where workload is
     * driving plus service time. Convex, so spreading work lowers it; 0 (the default) turns it off.
     */
    balance: NonNeg.default(0),
  })
  .strict()

export const DispatchProblem = z
  .object({
    engineers: z.array(DispatchEngineer).min(1).max(1000),
    jobs: z.array(DispatchJob).max(5000),
    distance: DispatchDistanceSource.default({ type: 'haversine', detourFactor: 1.3, speedKmh: 30, timeUnitsPerMinute: 1 }),
    objective: DispatchObjective.default({ distance: 1, travelTime: 0, unassigned: 1, lateness: 1, balance: 0 }),
    timeLimitSeconds: z.number().positive().max(3600).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict()
export type DispatchProblem = z.input<typeof DispatchProblem>
export type DispatchProblemParsed = z.output<typeof DispatchProblem>

export const UnassignedReason = z.enum(['no_skilled_engineer', 'capacity', 'shift', 'window_unreachable', 'precedence', 'no_room'])
export type UnassignedReason = z.infer<typeof UnassignedReason>

export const DispatchStop = z.object({
  jobId: z.string(),
  arrival: z.number(),
  wait: z.number().optional(),
  start: z.number(),
  end: z.number(),
  /** Time units the start is after the job's last window (soft windows only; omitted when on time). */
  lateness: z.number().optional(),
})
export type DispatchStop = z.infer<typeof DispatchStop>

export const DispatchRoute = z.object({
  engineerId: z.string(),
  stops: z.array(DispatchStop),
  distance: z.number().optional(),
  /** Driving plus service time (what the workload-balance objective evens out). */
  workload: z.number().optional(),
  /** Departure from the start location and return to the end location. */
  departure: z.number().optional(),
  returnAt: z.number().optional(),
})
export type DispatchRoute = z.infer<typeof DispatchRoute>

export const DispatchSolution = z.object({
  routes: z.array(DispatchRoute),
  unassigned: z.array(z.object({ jobId: z.string(), reason: UnassignedReason })),
  cost: z.object({
    distance: z.number(),
    vehicles: z.number().int(),
    travelTime: z.number().optional(),
    /** Sum of the stops' lateness, in time units. */
    lateness: z.number().optional(),
    total: z.number().optional(),
  }),
  elapsedMs: z.number(),
  /** Best cost over time: [elapsed ms, cost]. */
  log: z.array(z.tuple([z.number(), z.number()])).optional(),
})
export type DispatchSolution = z.infer<typeof DispatchSolution>

/** Insert one urgent job into an existing plan; started or pinned stops stay where they are. */
export const DispatchReoptimizeRequest = z
  .object({
    problem: DispatchProblem,
    routes: z.array(
      z
        .object({
          engineerId: Id,
          stops: z.array(z.object({ jobId: Id, started: z.boolean().default(false), pinned: z.boolean().default(false) }).strict()),
        })
        .strict(),
    ),
    /** The id of the new job (it must be in problem.jobs and in no route). */
    jobId: Id,
    /** Nothing new is started before this time. */
    now: Finite.optional(),
  })
  .strict()
export type DispatchReoptimizeRequest = z.input<typeof DispatchReoptimizeRequest>

export const DispatchReoptimizeResult = z.object({
  inserted: z.boolean(),
  engineerId: z.string().optional(),
  reason: UnassignedReason.optional(),
  /** Other jobs that had to move (least disruption: empty whenever a direct insertion exists). */
  moved: z.array(z.object({ jobId: z.string(), from: z.string(), to: z.string().nullable() })),
  addedCost: z.number(),
  solution: DispatchSolution,
})
export type DispatchReoptimizeResult = z.infer<typeof DispatchReoptimizeResult>
