import { JOB_TYPE_NAME_PATTERN } from '../jobs/job.decorator';
import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  checkQueueName,
  checkString,
  describeValue,
  readingOptions,
} from '../options/option-checks';
import { InvalidOptionsError } from '../errors';
import { parsePosition } from './job-event-position';
import type { JobEventPosition } from '../storage/job-stream-event';
import { JOB_STREAM_EVENT_NAMES, type JobStreamEventName } from '../storage/job-stream-event';

/** Options of `Docket.jobEvents`. */
export interface JobEventStreamOptions {
  /**
   * Only events of jobs in these queues (1 to 100 names). Filtered by MongoDB on a replica set.
   * @defaultValue every queue
   */
  readonly queues?: readonly string[];
  /**
   * Only events of jobs of these types (1 to 100 names, as `@Job` gives them).
   * @defaultValue every type
   */
  readonly types?: readonly string[];
  /**
   * Only these events (1 or more of {@link JOB_STREAM_EVENT_NAMES}).
   * @defaultValue every event
   */
  readonly events?: readonly JobStreamEventName[];
  /**
   * Start after this position (`JobStreamEvent.position` of the last event handled), to go
   * on where an earlier stream stopped: no event after it is lost and none before it is
   * delivered again, as long as the position is within the deployment's window (the oplog on
   * a replica set, the jobs' history on a standalone; see the guide). A position of the
   * other transport (a replica set's on a standalone, or the reverse) is refused.
   * @defaultValue none: events from the moment the stream is open
   */
  readonly after?: string;
  /**
   * On a standalone (no change streams), how often the jobs are read for new events
   * (integer ms, 10..3600000). Unused on a replica set.
   * @defaultValue 1000
   */
  readonly pollIntervalMs?: number;
}

/** {@link JobEventStreamOptions} checked, with defaults. */
export interface ResolvedJobEventStreamOptions {
  /** null: every queue. */
  readonly queues: readonly string[] | null;
  /** null: every type. */
  readonly types: readonly string[] | null;
  readonly events: ReadonlySet<JobStreamEventName>;
  readonly after: JobEventPosition | null;
  readonly pollIntervalMs: number;
}

const JOB_EVENT_STREAM_DEFAULTS = {
  pollIntervalMs: 1_000,
} as const satisfies Partial<JobEventStreamOptions>;

/** The most names a `queues` or `types` filter takes. */
const MAX_NAMES = 100;

const KEYS = ['queues', 'types', 'events', 'after', 'pollIntervalMs'] as const;

/**
 * Validates {@link JobEventStreamOptions}.
 * @throws InvalidOptionsError - naming the option, e.g. "events[1] must be one of ...".
 */
export function resolveJobEventStreamOptions(
  options: JobEventStreamOptions | undefined,
): ResolvedJobEventStreamOptions {
  return readingOptions('options', () => {
    const given = options === undefined ? {} : checkPlainObject('options', options);
    checkKnownKeys('options', given, KEYS);
    const { queues, types, events, after, pollIntervalMs } = given as JobEventStreamOptions;
    return Object.freeze({
      queues: queues === undefined ? null : checkNames('queues', queues, checkQueueName),
      types:
        types === undefined
          ? null
          : checkNames('types', types, (name, value) =>
              checkString(name, value, {
                pattern: JOB_TYPE_NAME_PATTERN,
                patternDescription: 'that is a job type name (a letter, then [A-Za-z0-9_.:-])',
              }),
            ),
      events: new Set(
        events === undefined
          ? JOB_STREAM_EVENT_NAMES
          : checkNames('events', events, (name, value) =>
              checkOneOf(name, value, JOB_STREAM_EVENT_NAMES),
            ),
      ),
      after: after === undefined ? null : parsePosition('after', after),
      pollIntervalMs:
        pollIntervalMs === undefined
          ? JOB_EVENT_STREAM_DEFAULTS.pollIntervalMs
          : checkInteger('pollIntervalMs', pollIntervalMs, { min: 10, max: 3_600_000 }),
    });
  });
}

/** A non-empty array of at most {@link MAX_NAMES} names, each checked, without repeats. */
function checkNames<T extends string>(
  name: string,
  value: unknown,
  check: (name: string, value: unknown) => T,
): T[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_NAMES) {
    throw new InvalidOptionsError(
      `${name} must be an array of 1 to ${MAX_NAMES} names, got ${describeValue(value)}`,
      { option: name },
    );
  }
  return [...new Set(value.map((item, index) => check(`${name}[${index}]`, item)))];
}
