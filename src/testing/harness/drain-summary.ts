/**
 * What a drain saw run, by job id, in the order the events came (a job retried twice then
 * succeeded appears twice in `retried` and once in `succeeded`).
 */
export interface DrainSummary {
  /** Jobs whose attempt started (each id once). */
  readonly started: readonly string[];
  /** Jobs that succeeded. */
  readonly succeeded: readonly string[];
  /** Jobs that failed for good (no retry left). */
  readonly failed: readonly string[];
  /** Failed attempts that were rescheduled; once per retry. */
  readonly retried: readonly string[];
  /** Jobs deleted meanwhile (continuations cancelled, a `delete` from a handler...). */
  readonly deleted: readonly string[];
  /** How long the drain lasted, in real milliseconds. */
  readonly elapsedMs: number;
}
