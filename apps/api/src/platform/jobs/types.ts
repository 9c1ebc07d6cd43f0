// What modules see of the job queue: they declare jobs (name + handler) and send them.
import type { DbOrTx } from '../db/index.ts'

export interface JobDefinition<T = Record<string, unknown>> {
  /** `module.verb`, e.g. `sla.flagBreaches`. Unique: boot fails on a duplicate or a job without handler. */
  name: string
  /** Throw to retry (platform backoff), return to finish. Safe to run twice; re-reads state by id. */
  handler(data: T): Promise<void>
  /** Cron schedule (Asia/Shanghai unless `tz`), for recurring jobs. */
  cron?: string
  tz?: string
  /** Retries after the first attempt before the job is dead-lettered (platform default 5). */
  retryLimit?: number
  /** First retry delay; each further retry waits about twice as long (platform default 10 s, at most 1 h). */
  retryDelaySeconds?: number
}

export interface SendOptions {
  /** Run no earlier than this time (a Date) or after this many seconds. */
  startAfter?: Date | number
  /** At most one queued job per key (e.g. one SLA timer per ticket and target). */
  singletonKey?: string
  /** Higher runs first among the queue's due jobs (default 0): a message someone stands waiting for, like a one-time code. */
  priority?: number
  /**
   * Queue the job in this transaction: it exists only if the transaction commits. On the embedded
   * database, a send from inside a transaction must pass it (its single connection would otherwise
   * wait for the transaction that is waiting for the send).
   */
  tx?: DbOrTx
}

/** One job of a batch (`Jobs.sendBatch`). */
export interface BatchJob {
  data: Record<string, unknown>
  startAfter?: Date
  /**
   * Jobs with the same key are one job: a later batch's job with a key already queued, running or
   * done is skipped (the key names the job's id). For jobs whose key says everything about them,
   * e.g. an SLA check of one clock, cycle, threshold and instant.
   */
  dedupeKey?: string
}

export interface Jobs {
  /** Queues a job; returns its id (null when a singleton already waits). */
  send(name: string, data: Record<string, unknown>, opts?: SendOptions): Promise<string | null>
  /** Queues several jobs of one name in one statement (no per-job lock or lookup). */
  sendBatch(name: string, jobs: readonly BatchJob[], opts?: { tx?: DbOrTx }): Promise<void>
  /** Cancels a queued job by id (no-op when it already ran). */
  cancel(name: string, id: string): Promise<void>
}

/** A job that failed every attempt, kept for an administrator to inspect or retry. */
export interface DeadJob {
  id: string
  name: string
  data: Record<string, unknown>
  /** The last error message. */
  error: string | null
  failedAt: Date
}
