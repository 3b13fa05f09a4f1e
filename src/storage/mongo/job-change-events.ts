import type {
  ChangeStream,
  ChangeStreamOptions,
  Collection,
  Document,
  ResumeToken,
  Timestamp,
} from 'mongodb';
import { JobEventsLostError } from '../../errors';
import type { JobRecord, JobState } from '../job-record';
import {
  toStreamError,
  type JobEventFilter,
  type JobEventPosition,
  type JobEventReader,
  type JobStreamEventName,
  type PositionedEvent,
  type UnpositionedJobStreamEvent,
} from '../job-stream-event';
import { storageError } from './mongo-errors';
import { STREAM_AWAIT_MS } from './new-work-watch';

/** The events each state a job enters can mean (which one, the rest of the change says). */
const EVENTS_OF_STATE: Readonly<Record<JobState, readonly JobStreamEventName[]>> = {
  enqueued: ['enqueued'],
  scheduled: ['scheduled', 'retried', 'snoozed'],
  processing: ['started'],
  succeeded: ['succeeded'],
  failed: ['failed'],
  deleted: ['deleted'],
  awaiting: [],
};

/** Events whose attempt number the stream learns from the claim that started the attempt. */
const ATTEMPT_EVENTS: readonly JobStreamEventName[] = [
  'progress',
  'retried',
  'succeeded',
  'failed',
  'deleted',
];

/** How many jobs' running attempts a reader remembers (the oldest are forgotten first). */
const REMEMBERED_ATTEMPTS = 10_000;

/**
 * The states whose entry can mean one of `events`; `processing` too when an event needs the
 * attempt its claim started (the reader drops the `started` events not asked for).
 */
function statesFor(events: ReadonlySet<JobStreamEventName>): JobState[] {
  const needsClaims = ATTEMPT_EVENTS.some((event) => events.has(event));
  return (Object.keys(EVENTS_OF_STATE) as JobState[]).filter(
    (state) =>
      EVENTS_OF_STATE[state].some((event) => events.has(event)) ||
      (state === 'processing' && needsClaims),
  );
}

/**
 * Server codes after which a change stream cannot go on from its token: the oplog no longer
 * holds it (ChangeStreamHistoryLost), the token is not one (InvalidResumeToken), or the stream
 * met an event it cannot pass (ChangeStreamFatalError).
 */
const LOST_CODES = new Set([286, 260, 280]);

/** The fields of the job the events need, from the change or from the looked-up document. */
const JOB_FIELDS = [
  'state',
  'attempt',
  'dueAt',
  'leaseOwner',
  'error.name',
  'error.message',
  'progress.percent',
  'progress.message',
];

/** The paths an update changed: the keys of its `updatedFields`, dotted ones included. */
const CHANGED_PATHS: Document = {
  $map: {
    input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } },
    in: '$$this.k',
  },
};

/**
 * The pipeline of the stream: inserts and replacements of jobs in a wanted state, updates
 * that set such a state (or progress), of the wanted queues and types; each event cut down to
 * the fields its job event needs. Every update is matched on `state` at the top level of
 * `updatedFields`, which MongoDB reports whole whatever the form of the update; progress is
 * matched whole (a modifier update's report) or by a dotted path (`progress.percent`, as a
 * diff may report it), and `changed` lists the paths for the reader.
 *
 * The first stage refers to nothing of the looked-up document, so that MongoDB can filter on
 * it before looking anything up (or while reading the oplog): queue and type come from the
 * document MongoDB looks up for an update (`fullDocument: 'updateLookup'`, a read inside the
 * server), since no update of Docket's carries them, and are matched after.
 */
export function jobEventPipeline(filter: JobEventFilter): Document[] {
  const states = statesFor(filter.events);
  const kinds: Document[] = [
    { operationType: { $in: ['insert', 'replace'] }, 'fullDocument.state': { $in: states } },
    { operationType: 'update', 'updateDescription.updatedFields.state': { $in: states } },
  ];
  if (filter.events.has('progress')) {
    kinds.push(
      { operationType: 'update', 'updateDescription.updatedFields.progress': { $exists: true } },
      {
        operationType: 'update',
        $expr: {
          $gt: [
            {
              $size: {
                $filter: {
                  input: CHANGED_PATHS,
                  cond: { $eq: [{ $substrCP: ['$$this', 0, 9] }, 'progress.'] },
                },
              },
            },
            0,
          ],
        },
      },
    );
  }
  const scope: Document[] = [];
  if (filter.queues) scope.push({ 'fullDocument.queue': { $in: [...filter.queues] } });
  if (filter.types) scope.push({ 'fullDocument.type': { $in: [...filter.types] } });
  const keep: Document = {
    operationType: 1,
    documentKey: 1,
    wallTime: 1,
    clusterTime: 1,
    changed: CHANGED_PATHS,
    'fullDocument.type': 1,
    'fullDocument.queue': 1,
    hasResult: {
      $or: [
        { $ne: [{ $type: '$updateDescription.updatedFields.result' }, 'missing'] },
        { $ne: [{ $type: '$fullDocument.result' }, 'missing'] },
      ],
    },
  };
  for (const field of JOB_FIELDS) {
    keep[`fullDocument.${field}`] = 1;
    keep[`updateDescription.updatedFields.${field}`] = 1;
  }
  return [
    { $match: { $or: kinds } },
    ...(scope.length > 0 ? [{ $match: { $and: scope } }] : []),
    { $project: keep },
  ];
}

/** The reader of a replica set or sharded cluster: the jobs collection's change stream. */
export class ChangeStreamEventReader implements JobEventReader {
  readonly transport = 'change-stream' as const;
  private closing = false;
  /** The attempt each job's last claim started, by job id (see `eventOfChange`). */
  private readonly attempts = new Map<string, number>();

  private constructor(
    private readonly stream: ChangeStream,
    /** The token it resumes after, or the cluster time it starts at (null: unknown). */
    readonly opened: JobEventPosition | null,
  ) {}

  /**
   * Opens the stream after `token`, or at `operationTime` (a position's, or the time of the
   * `hello` that detected the deployment, so that the stream is armed when this returns,
   * although the driver sends its `aggregate` only on its first read). Starting at a time
   * delivers the changes at that time too: a stream that stands at its start time delivered
   * none of them.
   */
  static open(
    jobs: Collection<JobRecord>,
    filter: JobEventFilter,
    start: { readonly token: string } | { readonly operationTime: Timestamp | undefined },
  ): ChangeStreamEventReader {
    let from: ChangeStreamOptions = {};
    let opened: JobEventPosition | null = null;
    if ('token' in start) {
      from = { resumeAfter: { _data: start.token } as ResumeToken };
      opened = { kind: 'change-stream', token: start.token };
    } else if (start.operationTime?._bsontype === 'Timestamp') {
      from = { startAtOperationTime: start.operationTime };
      opened = {
        kind: 'change-stream-time',
        seconds: start.operationTime.getHighBits() >>> 0,
        increment: start.operationTime.getLowBits() >>> 0,
      };
    }
    const stream = jobs.watch(jobEventPipeline(filter), {
      fullDocument: 'updateLookup',
      maxAwaitTimeMS: STREAM_AWAIT_MS,
      ...from,
    });
    // Errors reach the reader through `tryNext`; a listener keeps an emitted one from being
    // unhandled.
    stream.on('error', () => undefined);
    return new ChangeStreamEventReader(stream, opened);
  }

  /**
   * Taken from the driver's resume token when a read returns, never in between: a read that
   * a close interrupted may have taken a change it never handed out.
   */
  position: JobEventPosition | null = null;

  async read(): Promise<readonly PositionedEvent[]> {
    let change: Document | null;
    try {
      change = await this.stream.tryNext();
    } catch (error) {
      if (this.closing) return [];
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number' && LOST_CODES.has(code)) {
        throw new JobEventsLostError(
          `The job event stream cannot go on from its position: ${(error as Error).message}`,
          null,
          { cause: error },
        );
      }
      throw storageError('read the job event stream', error);
    }
    if (this.closing) return [];
    // Past the change just read, or, after an empty wait, past every change the filter left
    // out (the driver keeps the batch's resume token).
    const reached = (this.stream.resumeToken as { _data?: unknown } | null)?._data;
    if (typeof reached === 'string') this.position = { kind: 'change-stream', token: reached };
    if (change === null) {
      if (this.stream.closed && !this.closing) {
        throw new JobEventsLostError(
          'The change stream of the jobs collection ended (the collection was dropped or renamed)',
          null,
        );
      }
      return [];
    }
    const event = eventOfChange(change, this.attempts);
    const token = (change._id as { _data?: unknown } | undefined)?._data;
    if (event === null || typeof token !== 'string') return [];
    return [{ event, position: { kind: 'change-stream', token } }];
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.stream.close().catch(() => undefined);
  }
}

/**
 * The job event a change means, or null (a change of a job whose document was removed before
 * the stream read the change: its queue and type are gone with it).
 */
export function eventOfChange(
  change: Document,
  attempts: Map<string, number> = new Map(),
): UnpositionedJobStreamEvent | null {
  const looked = (change.fullDocument ?? null) as Document | null;
  const jobId = change.documentKey?._id;
  if (looked === null || typeof jobId !== 'string') return null;
  const updated = (change.updateDescription?.updatedFields ?? {}) as Document;
  const changed = new Set<string>(Array.isArray(change.changed) ? change.changed : []);
  const isUpdate = change.operationType === 'update';
  // An update's own fields say what it did; the looked-up document fills in what it left
  // unchanged (the attempt of an outcome, an error equal to the last attempt's).
  const field = (name: string): unknown => (name in updated ? updated[name] : looked[name]);
  const base = {
    jobId,
    jobType: String(looked.type ?? ''),
    queue: String(looked.queue ?? ''),
    at: timeOf(change),
    attempt: attemptOf(jobId, updated, looked, attempts),
  };
  const state = (isUpdate ? updated.state : looked.state) as JobState | undefined;
  const dueAt = asDate(field('dueAt'));
  const error = toStreamError(field('error'));
  switch (state) {
    case 'enqueued':
      return { ...base, event: 'enqueued', dueAt };
    case 'scheduled':
      // An outcome always writes `recordedFence`: a scheduled job that got one failed an
      // attempt or snoozed (a snooze counts itself in `snoozeCount`).
      // A snooze gives its attempt back: the attempt that snoozed ran under the next number.
      if (isUpdate && changed.has('snoozeCount')) {
        return { ...base, attempt: base.attempt + 1, event: 'snoozed', until: dueAt };
      }
      if (isUpdate && changed.has('recordedFence')) {
        return { ...base, event: 'retried', error, nextAttemptAt: dueAt };
      }
      return { ...base, event: 'scheduled', dueAt };
    case 'processing':
      return { ...base, event: 'started', serverId: asString(field('leaseOwner')) };
    case 'succeeded':
      return { ...base, event: 'succeeded', hasResult: change.hasResult === true };
    case 'failed':
      return { ...base, event: 'failed', error };
    case 'deleted':
      // The last attempt's error is the cause only when this very write recorded an outcome.
      return { ...base, event: 'deleted', error: changed.has('recordedFence') ? error : null };
    case undefined: {
      const progress = (field('progress') ?? null) as Document | null;
      if (typeof progress?.percent !== 'number') return null;
      return {
        ...base,
        event: 'progress',
        percent: progress.percent,
        message: asString(progress.message),
      };
    }
    default:
      return null;
  }
}

/**
 * The attempt a change belongs to. A claim writes it (and it is remembered); an outcome or
 * progress does not, and the looked-up job may be further on by the time the stream reads the
 * change (already claimed again): the attempt its claim started comes first, then the
 * looked-up job's. A finished job is forgotten.
 */
function attemptOf(
  jobId: string,
  updated: Document,
  looked: Document,
  attempts: Map<string, number>,
): number {
  if (typeof updated.attempt === 'number') {
    if (updated.state === 'processing') {
      attempts.delete(jobId);
      attempts.set(jobId, updated.attempt);
      if (attempts.size > REMEMBERED_ATTEMPTS) attempts.delete(attempts.keys().next().value!);
    }
    return updated.attempt;
  }
  const started = attempts.get(jobId);
  if (updated.state === 'succeeded' || updated.state === 'failed' || updated.state === 'deleted') {
    attempts.delete(jobId);
  }
  if (started !== undefined) return started;
  return typeof looked.attempt === 'number' ? looked.attempt : 0;
}

/** The time of a change: the wall time of its write, or its cluster time (whole seconds). */
function timeOf(change: Document): Date {
  if (change.wallTime instanceof Date) return change.wallTime;
  const seconds = (
    change.clusterTime as { getHighBits?: () => number } | undefined
  )?.getHighBits?.();
  return new Date(typeof seconds === 'number' ? seconds * 1_000 : Date.now());
}

function asDate(value: unknown): Date | null {
  return value instanceof Date ? value : null;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
