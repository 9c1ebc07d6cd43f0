// What modules see of the job queue: they declare jobs (name + handler) and send them.

export interface JobDefinition<T = Record<string, unknown>> {
  /** `module.verb`, e.g. `sla.flagBreaches`. Unique: boot fails on a duplicate or a job without handler. */
  name: string
  /** Throw to retry (platform backoff), return to finish. Safe to run twice; re-reads state by id. */
  handler(data: T): Promise<void>
  /** Cron schedule (Asia/Shanghai unless `tz`), for recurring jobs. */
  cron?: string
  tz?: string
  retryLimit?: number
  retryDelaySeconds?: number
}

export interface SendOptions {
  /** Run no earlier than this time (a Date) or after this many seconds. */
  startAfter?: Date | number
  /** At most one queued job per key (e.g. one SLA timer per ticket and target). */
  singletonKey?: string
}

export interface Jobs {
  /** Queues a job; returns its id (null when a singleton already waits). */
  send(name: string, data: Record<string, unknown>, opts?: SendOptions): Promise<string | null>
  /** Cancels a queued job by id (no-op when it already ran). */
  cancel(name: string, id: string): Promise<void>
}
