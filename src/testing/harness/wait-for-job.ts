import type { Docket } from '../../docket';
import type { DocketEventName } from '../../events/docket-events';
import { checkInteger, checkOneOf, checkString, describeValue } from '../../options/option-checks';
import {
  FINISHED_STATES,
  UNFINISHED_STATES,
  type JobRecord,
  type JobState,
} from '../../storage/job-record';
import { InvalidOptionsError, JobWaitTimeoutError } from '../../errors';

/** Options of {@link waitForJob}. */
export interface WaitForJobOptions {
  /**
   * Real milliseconds to wait; integer ≥ 0. The default stays under jest's default test
   * timeout (5 s), so that a job that never gets there fails the test with a
   * {@link JobWaitTimeoutError} saying why, rather than with jest's timeout.
   * @defaultValue `4000` (a harness passes its own `timeoutMs`)
   */
  readonly timeoutMs?: number;
  /** Abandons the wait: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** What {@link waitForJob} needs of a Docket (a `Docket` has it). */
export type JobWatchSource = Pick<Docket, 'on'> & {
  /** Reads a job in full, or null when there is no such job (`Docket.getJob`). */
  getJob(jobId: string): Promise<JobRecord | null>;
};

/** The default of {@link WaitForJobOptions.timeoutMs}. */
export const WAIT_FOR_JOB_DEFAULTS = {
  /** {@link WaitForJobOptions.timeoutMs}: 4 seconds. */
  timeoutMs: 4_000,
} as const satisfies WaitForJobOptions;

const JOB_STATES: readonly JobState[] = [...UNFINISHED_STATES, ...FINISHED_STATES];

/** The state an event says the job entered; null when the event alone does not tell. */
const STATE_OF_EVENT = {
  'job.enqueued': null,
  'job.started': 'processing',
  'job.succeeded': 'succeeded',
  'job.failed': 'failed',
  'job.retried': 'scheduled',
  'job.snoozed': 'scheduled',
  'job.deleted': 'deleted',
  'job.progress': 'processing',
  'job.leaseLost': null,
} as const satisfies Partial<Record<DocketEventName, JobState | null>>;

/**
 * Resolves with the stored job once it is in one of `states`: at once if it is already there,
 * else at the event that brings it there. It subscribes to the job's events before reading
 * the job, so a transition between the read and the subscription is never missed, and it
 * never polls. Events come from the servers of the caller's process; a job run elsewhere is
 * read once more at the deadline.
 *
 * The record is read just after the event: for a passing state (`processing`, `scheduled`)
 * the job may already have moved on, and the record then shows where it is now.
 *
 * @param source - The Docket whose events and storage to watch.
 * @param states - One state or several (any one will do).
 * @throws InvalidOptionsError - for an empty job id, an unknown state or a bad `timeoutMs`.
 * @throws JobWaitTimeoutError - when the deadline passes first: names the job, the awaited
 *   states, the state last seen (null when there is no such job) and the time waited.
 * @throws the signal's reason when `signal` aborts; a storage error when a read fails.
 */
export async function waitForJob(
  source: JobWatchSource,
  jobId: string,
  states: JobState | readonly JobState[],
  options: WaitForJobOptions = {},
): Promise<JobRecord> {
  checkString('jobId', jobId, { maxLength: 1_000 });
  const awaited = checkStates(states);
  const timeoutMs = checkInteger(
    'timeoutMs',
    options.timeoutMs ?? WAIT_FOR_JOB_DEFAULTS.timeoutMs,
    {
      min: 0,
      max: 2_147_483_647,
    },
  );
  const { signal } = options;
  signal?.throwIfAborted();
  const startedAt = performance.now();
  let lastState: JobState | null = null;

  return new Promise<JobRecord>((resolve, reject) => {
    let settled = false;
    const cleanups: Array<() => void> = [];
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      outcome();
    };
    const fail = (error: unknown): void => settle(() => reject(error));
    /** Reads the job; resolves if it is (or, by the event, was just) in an awaited state. */
    const check = async (entered: JobState | null): Promise<void> => {
      const job = await source.getJob(jobId);
      if (settled) return;
      lastState = job?.state ?? entered ?? lastState;
      const reached =
        job !== null && (awaited.has(job.state) || (entered !== null && awaited.has(entered)));
      if (reached) settle(() => resolve(job));
    };

    for (const [event, entered] of Object.entries(STATE_OF_EVENT)) {
      cleanups.push(
        source.on(event as keyof typeof STATE_OF_EVENT, (payload) => {
          if (payload.jobId === jobId) check(entered).catch(fail);
        }),
      );
    }
    const timer = setTimeout(() => {
      // One last read: a job run by another process sends this one no events.
      check(null)
        .then(() =>
          fail(
            new JobWaitTimeoutError({
              jobId,
              awaitedStates: [...awaited],
              lastState,
              waitedMs: Math.round(performance.now() - startedAt),
              timeoutMs,
            }),
          ),
        )
        .catch(fail);
    }, timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    if (signal) {
      const onAbort = (): void => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    check(null).catch(fail);
  });
}

function checkStates(states: JobState | readonly JobState[]): ReadonlySet<JobState> {
  const list: readonly unknown[] = typeof states === 'string' ? [states] : states;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidOptionsError(
      `states must be a job state or a non-empty array of them, got ${describeValue(states)}`,
      { option: 'states' },
    );
  }
  return new Set(list.map((state, i) => checkOneOf(`states[${i}]`, state, JOB_STATES)));
}
