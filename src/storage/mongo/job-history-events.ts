import type { Collection, Document } from 'mongodb';
import type { JobHistoryEntry, JobRecord } from '../job-record';
import {
  toStreamError,
  type JobEventFilter,
  type JobEventPosition,
  type JobEventReader,
  type JobStreamError,
  type PositionedEvent,
  type UnpositionedJobStreamEvent,
} from '../job-stream-event';
import { guard } from './mongo-errors';

/**
 * How late (ms) an entry may become visible after the time it carries and still be delivered
 * by a running stream: a write's time is taken before the write commits, by the clock of the
 * process that writes it. Each poll reads back this far.
 */
const LATE_WRITE_MS = 5_000;

/** The index a progress event takes in the order of its job's events of the same time. */
const PROGRESS_INDEX = 9_999;

/** What a poll reads of a job. */
interface PolledJob {
  _id: string;
  type: string;
  queue: string;
  attempt: number;
  dueAt?: Date;
  error?: { name?: string; message?: string } | null;
  progress?: { percent?: number; message?: string; at?: Date } | null;
  hasResult: boolean;
  history?: JobHistoryEntry[];
}

/** An event with the place it takes in the order of events. */
interface Candidate {
  readonly atMs: number;
  readonly jobId: string;
  readonly index: number;
  readonly event: UnpositionedJobStreamEvent;
}

/**
 * The reader of a standalone server, which has no change streams: every `pollIntervalMs` one
 * aggregation reads the jobs with history entries (or progress) newer than the last delivered
 * event, less {@link LATE_WRITE_MS}, and turns the entries not yet delivered into events. It
 * writes nothing: every state change already adds an entry to its job's history.
 *
 * Events are ordered by their time; a job's own entries keep their order (an entry's time is
 * taken as at least its predecessor's, in case the clocks of the processes that wrote them
 * disagree). Each position is an entry's (time, job, index), so a new reader started after it
 * delivers exactly the entries past it. What it cannot see: an entry whose write became
 * visible more than {@link LATE_WRITE_MS} after its time (or, on resuming, after a later
 * entry was delivered); progress reported several times between two polls (the last is
 * seen); the entries of a job beyond the 50 its history keeps.
 */
export class HistoryEventReader implements JobEventReader {
  readonly transport = 'history' as const;
  /** Keys of the events delivered whose time is still within the read-back window. */
  private readonly delivered = new Map<string, number>();
  private last: JobEventPosition & { kind: 'history' };
  private polled = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: Collection<JobRecord>,
    private readonly filter: JobEventFilter,
    readonly opened: JobEventPosition & { kind: 'history' },
    private readonly pollIntervalMs: number,
  ) {
    this.last = opened;
  }

  get position(): JobEventPosition {
    return this.last;
  }

  async read(): Promise<readonly PositionedEvent[]> {
    if (this.polled) await this.sleep();
    if (this.closed) return [];
    this.polled = true;
    const sinceMs = this.last.atMs - LATE_WRITE_MS;
    const polled = await guard('read the jobs for new events', () =>
      this.jobs.aggregate<PolledJob>(this.pipeline(new Date(sinceMs))).toArray(),
    );
    if (this.closed) return [];
    const fresh = polled
      .flatMap((job) => eventsOfJob(job, this.filter))
      .filter((candidate) => candidate.atMs > sinceMs && this.isNew(candidate))
      .sort(compareCandidates);
    for (const candidate of fresh) this.delivered.set(keyOf(candidate), candidate.atMs);
    const newest = fresh.at(-1);
    if (newest) this.last = { kind: 'history', ...newest };
    for (const [key, atMs] of this.delivered) {
      if (atMs <= this.last.atMs - LATE_WRITE_MS) this.delivered.delete(key);
    }
    return fresh.map(({ event, atMs, jobId, index }) => ({
      event,
      position: { kind: 'history', atMs, jobId, index },
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.wake?.();
  }

  /** Past the position the reader was opened at, and not delivered yet. */
  private isNew(candidate: Candidate): boolean {
    return compareCandidates(candidate, this.opened) > 0 && !this.delivered.has(keyOf(candidate));
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, this.pollIntervalMs);
    });
  }

  private pipeline(since: Date): Document[] {
    const { queues, types, events } = this.filter;
    const recent: Document[] = [{ 'history.at': { $gt: since } }];
    if (events.has('progress')) recent.push({ 'progress.at': { $gt: since } });
    return [
      {
        $match: {
          ...(queues ? { queue: { $in: [...queues] } } : {}),
          ...(types ? { type: { $in: [...types] } } : {}),
          $or: recent,
        },
      },
      {
        $project: {
          type: 1,
          queue: 1,
          attempt: 1,
          dueAt: 1,
          'error.name': 1,
          'error.message': 1,
          'progress.percent': 1,
          'progress.message': 1,
          'progress.at': 1,
          hasResult: { $ne: [{ $type: '$result' }, 'missing'] },
          history: 1,
        },
      },
    ];
  }
}

function keyOf({ atMs, jobId, index }: Pick<Candidate, 'atMs' | 'jobId' | 'index'>): string {
  return `${atMs} ${index} ${jobId}`;
}

/** The order of events: by time, then job id, then index among the job's events of that time. */
function compareCandidates(
  a: Pick<Candidate, 'atMs' | 'jobId' | 'index'>,
  b: Pick<Candidate, 'atMs' | 'jobId' | 'index'>,
): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a.jobId !== b.jobId) return a.jobId < b.jobId ? -1 : 1;
  return a.index - b.index;
}

/** Whether a history entry is an attempt's end that scheduled the job again by a snooze. */
const isSnooze = (entry: JobHistoryEntry) => entry.reason?.startsWith('snoozed until ') === true;
/** Whether a history entry is a requeue of a finished job, which starts its attempts afresh. */
const isRestart = (entry: JobHistoryEntry) =>
  entry.state === 'enqueued' && entry.reason?.startsWith('requeued from ') === true;

/** The events of one job's history entries and progress, each with its place in the order. */
export function eventsOfJob(job: PolledJob, filter: JobEventFilter): Candidate[] {
  const history = job.history ?? [];
  const attempts = attemptsAfter(history, job.attempt);
  const lastFailure = history.findLastIndex(
    (entry) => entry.reason?.startsWith('attempt ') === true,
  );
  const error = toStreamError(job.error);
  const candidates: Candidate[] = [];
  let atMs = -Infinity;
  let index = 0;
  history.forEach((entry, i) => {
    const entryMs = entry.at instanceof Date ? entry.at.getTime() : atMs;
    index = entryMs > atMs ? 0 : index + 1;
    atMs = Math.max(atMs, entryMs);
    const isLast = i === history.length - 1;
    const base = {
      jobId: job._id,
      jobType: job.type,
      queue: job.queue,
      at: new Date(atMs),
      attempt: attempts[i]!,
    };
    const ended = i > 0 && history[i - 1]!.state === 'processing' && entry.serverId !== undefined;
    const failure = i === lastFailure ? error : null;
    const event = eventOfEntry(entry, base, { isLast, ended, failure, job });
    if (event && filter.events.has(event.event)) {
      candidates.push({ atMs, jobId: job._id, index, event });
    }
  });
  const progress = job.progress;
  if (
    filter.events.has('progress') &&
    progress?.at instanceof Date &&
    typeof progress.percent === 'number'
  ) {
    // Progress keeps its own time: it was reported during an attempt, before the entry that
    // ended it.
    const progressMs = progress.at.getTime();
    candidates.push({
      atMs: progressMs,
      jobId: job._id,
      index: PROGRESS_INDEX,
      event: {
        jobId: job._id,
        jobType: job.type,
        queue: job.queue,
        at: new Date(progressMs),
        attempt: job.attempt,
        event: 'progress',
        percent: progress.percent,
        message: progress.message ?? null,
      },
    });
  }
  return candidates;
}

function eventOfEntry(
  entry: JobHistoryEntry,
  base: Omit<UnpositionedJobStreamEvent, 'event'>,
  context: { isLast: boolean; ended: boolean; failure: JobStreamError | null; job: PolledJob },
): UnpositionedJobStreamEvent | null {
  const { isLast, ended, failure, job } = context;
  // The job's own `dueAt` belongs to its last entry only.
  const dueAt = isLast ? (job.dueAt ?? null) : null;
  switch (entry.state) {
    case 'enqueued':
      return { ...base, event: 'enqueued', dueAt: dueAt ?? base.at };
    case 'scheduled':
      // A snooze gave the attempt back: the attempt that snoozed ran under the next number.
      if (ended && isSnooze(entry)) {
        return { ...base, attempt: base.attempt + 1, event: 'snoozed', until: dueAt };
      }
      if (ended) return { ...base, event: 'retried', error: failure, nextAttemptAt: dueAt };
      return { ...base, event: 'scheduled', dueAt };
    case 'processing':
      return { ...base, event: 'started', serverId: entry.serverId ?? null };
    case 'succeeded':
      return { ...base, event: 'succeeded', hasResult: isLast && job.hasResult };
    case 'failed':
      return { ...base, event: 'failed', error: failure };
    case 'deleted':
      return { ...base, event: 'deleted', error: failure };
    default:
      return null;
  }
}

/**
 * The job's attempt after each history entry: a claim counts one, a snooze gives it back, a
 * requeue of a finished job starts again from 0. A history cut short (it keeps 50 entries)
 * is aligned on the job's current attempt.
 */
function attemptsAfter(history: readonly JobHistoryEntry[], current: number): number[] {
  let attempt = 0;
  let restarted = false;
  const counted = history.map((entry) => {
    if (entry.state === 'processing') attempt++;
    else if (entry.state === 'scheduled' && isSnooze(entry)) attempt--;
    else if (isRestart(entry)) {
      attempt = 0;
      restarted = true;
    }
    return attempt;
  });
  const offset = restarted ? 0 : current - attempt;
  return counted.map((value) => value + offset);
}
