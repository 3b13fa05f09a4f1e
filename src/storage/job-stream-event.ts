/** The lifecycle events a {@link JobEventStream} delivers, in the order a job usually meets them. */
export const JOB_STREAM_EVENT_NAMES = [
  'enqueued',
  'scheduled',
  'started',
  'progress',
  'retried',
  'snoozed',
  'succeeded',
  'failed',
  'deleted',
] as const;

/** A name of {@link JOB_STREAM_EVENT_NAMES}. */
export type JobStreamEventName = (typeof JOB_STREAM_EVENT_NAMES)[number];

/** What every {@link JobStreamEvent} carries. */
export interface JobStreamEventBase {
  /** The job's id. */
  readonly jobId: string;
  /** Its stable job type name. */
  readonly jobType: string;
  /** Its queue. */
  readonly queue: string;
  /**
   * When the change was written: the database's wall time of the write on a replica set, the
   * writing process's clock (the job's history entry) on a standalone.
   */
  readonly at: Date;
  /**
   * The job's attempt number after the change, from 1 once claimed (0 before its first claim);
   * for `retried`, `failed` and `snoozed`, the attempt that ended.
   */
  readonly attempt: number;
  /**
   * Where the stream stands after this event: pass it as `after` to a new stream to go on
   * with the next event (see {@link JobEventStreamOptions.after}). Opaque.
   */
  readonly position: string;
}

/** The message of what an attempt threw (its stack stays in the job: `getJob`). */
export interface JobStreamError {
  /** The error's `name`. */
  readonly name: string;
  /** Its message. */
  readonly message: string;
}

/** The {@link JobStreamError} of a job's stored `error`, or null when it has no message. */
export function toStreamError(value: unknown): JobStreamError | null {
  const error = value as { name?: unknown; message?: unknown } | null | undefined;
  if (typeof error?.message !== 'string') return null;
  return { name: String(error.name ?? 'Error'), message: error.message };
}

/**
 * A job lifecycle event, as any process sees it through a {@link JobEventStream}: derived from
 * the writes Docket makes to the job, whichever process made them.
 */
export type JobStreamEvent =
  | (JobStreamEventBase & {
      /**
       * The job became enqueued: inserted, requeued, released (a continuation, a batch), or
       * given back by its server or by recovery after its lease ran out.
       */
      readonly event: 'enqueued';
      /** When it is due (now, usually). */
      readonly dueAt: Date | null;
    })
  | (JobStreamEventBase & {
      /** The job was inserted (or released) to run at a later time. */
      readonly event: 'scheduled';
      /** When it becomes due. */
      readonly dueAt: Date | null;
    })
  | (JobStreamEventBase & {
      /** A server claimed the job: its attempt starts. */
      readonly event: 'started';
      /** The server that claimed it. */
      readonly serverId: string | null;
    })
  | (JobStreamEventBase & {
      /** The handler reported progress (`JobContext.progress`). */
      readonly event: 'progress';
      /** How far it got, 0 to 100. */
      readonly percent: number;
      /** What it said it was doing, when it said. */
      readonly message: string | null;
    })
  | (JobStreamEventBase & {
      /** An attempt failed and another is scheduled. */
      readonly event: 'retried';
      /** What the attempt threw. */
      readonly error: JobStreamError | null;
      /** When the next attempt becomes due. */
      readonly nextAttemptAt: Date | null;
    })
  | (JobStreamEventBase & {
      /** The handler snoozed the job (`JobContext.snooze`): due again at `until`. */
      readonly event: 'snoozed';
      /** When the job is due again. */
      readonly until: Date | null;
    })
  | (JobStreamEventBase & {
      /** The handler succeeded. */
      readonly event: 'succeeded';
      /** Whether it resolved with a result (read it with `getJob` or `waitForJob`). */
      readonly hasResult: boolean;
    })
  | (JobStreamEventBase & {
      /** An attempt failed and no attempt is left: the job failed for good. */
      readonly event: 'failed';
      /** What the last attempt threw. */
      readonly error: JobStreamError | null;
    })
  | (JobStreamEventBase & {
      /**
       * The job was deleted (`delete`, a cancelled continuation, or a handler's
       * `onAttemptsExhausted: 'delete'`: then `error` says what the last attempt threw).
       */
      readonly event: 'deleted';
      /** The last attempt's error when the job was deleted because its attempts ran out. */
      readonly error: JobStreamError | null;
    });

/** The fields of a {@link JobStreamEvent} before the stream gives it its position. */
export type UnpositionedJobStreamEvent = JobStreamEvent extends infer E
  ? E extends JobStreamEvent
    ? Omit<E, 'position'>
    : never
  : never;

/**
 * Where a job event stream stands, in the form of its transport: a change stream's resume
 * token, or, on a standalone, the last history entry delivered (its time, job and index among
 * that job's entries).
 */
export type JobEventPosition =
  | { readonly kind: 'change-stream'; readonly token: string }
  /** A change stream's start before it read anything: the cluster time it was opened at. */
  | { readonly kind: 'change-stream-time'; readonly seconds: number; readonly increment: number }
  | {
      readonly kind: 'history';
      readonly atMs: number;
      readonly jobId: string;
      readonly index: number;
    };

/** Which events a reader delivers (null: no filter on that field). */
export interface JobEventFilter {
  readonly queues: readonly string[] | null;
  readonly types: readonly string[] | null;
  readonly events: ReadonlySet<JobStreamEventName>;
}

/** An event and the position of the stream after it. */
export interface PositionedEvent {
  readonly event: UnpositionedJobStreamEvent;
  readonly position: JobEventPosition;
}

/**
 * The storage port of job event streams: it reads job lifecycle events from the jobs
 * collection, through its change stream on a replica set or sharded cluster, by reading the
 * jobs' histories on a standalone. The MongoDB implementation is `MongoJobEvents`.
 */
export interface JobEventSource {
  /**
   * Opens a reader of the events matching `filter` after `after` (null: from now on). It is
   * armed when the returned promise resolves: an event written from then on is delivered.
   * @throws StorageError - when the deployment cannot be asked or the stream not opened.
   * @throws InvalidOptionsError - when `after` belongs to the other transport.
   */
  open(
    filter: JobEventFilter,
    after: JobEventPosition | null,
    pollIntervalMs: number,
  ): Promise<JobEventReader>;
}

/** An open reader of job events. */
export interface JobEventReader {
  /** How it reads: `change-stream` (replica set, sharded cluster) or `history` (standalone). */
  readonly transport: 'change-stream' | 'history';
  /**
   * Waits for the next events, in order, and resolves with them (possibly none: a wait that
   * ended empty, which the caller simply repeats).
   * @throws StorageError - when reading failed (reopening from the last position may help).
   * @throws JobEventsLostError - when the position has left the deployment's window, or the
   *   stream was invalidated: reading again cannot help.
   */
  read(): Promise<readonly PositionedEvent[]>;
  /** Where the reader stands before any event was read (the position it was opened at). */
  readonly opened: JobEventPosition | null;
  /**
   * Where the reader stands after its reads: past every event it read, and past changes it
   * skipped (a change stream's resume token advances through changes its filter left out);
   * null while it cannot tell yet.
   */
  readonly position: JobEventPosition | null;
  /** Stops reading; a pending `read` resolves empty. */
  close(): Promise<void>;
}
