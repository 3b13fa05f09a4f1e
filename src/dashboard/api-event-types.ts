/*
 * The JSON shapes of job events in the dashboard's REST API (`api/events`), shared by the
 * server and the typed client like those of `api-types.ts`, with no runtime dependencies.
 */

/** A job lifecycle event's name (see `JobStreamEvent`). */
export type ApiJobEventName =
  | 'enqueued'
  | 'scheduled'
  | 'started'
  | 'progress'
  | 'retried'
  | 'snoozed'
  | 'succeeded'
  | 'failed'
  | 'deleted';

/**
 * A job lifecycle event, as `Docket.jobEvents` delivers it, with its times as ISO strings.
 * The fields an event does not have are absent.
 */
export interface ApiJobEvent {
  /** What happened. */
  readonly event: ApiJobEventName;
  /** The job's id. */
  readonly jobId: string;
  /** Its stable job type name. */
  readonly jobType: string;
  /** Its queue. */
  readonly queue: string;
  /** When the change was written. */
  readonly at: string;
  /** The attempt after the change (for `retried`, `failed`, `snoozed`: the one that ended). */
  readonly attempt: number;
  /** Where the stream stands after this event: `after` of the next request to go on from it. */
  readonly position: string;
  /** `enqueued`, `scheduled`: when it is due. */
  readonly dueAt?: string | null;
  /** `started`: the server that claimed it. */
  readonly serverId?: string | null;
  /** `progress`: how far the handler got, 0 to 100. */
  readonly percent?: number;
  /** `progress`: what the handler said it was doing. */
  readonly message?: string | null;
  /** `retried`, `failed`, `deleted`: what the attempt threw. */
  readonly error?: ApiJobEventError | null;
  /** `retried`: when the next attempt is due. */
  readonly nextAttemptAt?: string | null;
  /** `snoozed`: when the job is due again. */
  readonly until?: string | null;
  /** `succeeded`: whether the handler returned a result. */
  readonly hasResult?: boolean;
}

/** What an attempt threw, as a job event tells it (the stack stays with the job). */
export interface ApiJobEventError {
  /** The error's `name`. */
  readonly name: string;
  /** Its message. */
  readonly message: string;
}

/** An answer of `GET api/events`. */
export interface ApiJobEventPage {
  /** The events, in order (none when the wait ended first). */
  readonly events: readonly ApiJobEvent[];
  /**
   * Where the stream stands after them: pass it as `after` to the next request; null only
   * when the deployment could not tell yet (then the next request starts from its own time).
   */
  readonly position: string | null;
}
