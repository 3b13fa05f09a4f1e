import { BSON, type ClientSession } from 'mongodb';
import { DuplicateJobIdError, InvalidOptionsError, PayloadTooLargeError } from '../errors';
import type { EventBus } from '../events/event-bus';
import type { EnqueueSource, JobFilters } from '../filters';
import { MAX_DOCUMENT_BYTES, toStorableJob, type IJob } from '../jobs';
import type { JobRecord } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import { newJobRecord, type NewJobFields } from '../storage/new-job-record';
import type { ResolvedEnqueueOptions } from './enqueue-options';
import {
  jobConcurrencyKey,
  type ResolvedHandlerConcurrencyKey,
} from '../options/concurrency-key-options';

/** What a {@link JobWriter} works with. */
export interface JobWriterDeps {
  readonly store: JobStore;
  readonly events: EventBus;
  /** The job filters whose `onEnqueue` hooks run before a job is stored. */
  readonly filters: JobFilters;
  /**
   * The concurrency key a handler of this process declares for a job type (computed from
   * each job at enqueue); undefined when none.
   */
  readonly handlerKey: (jobType: string) => ResolvedHandlerConcurrencyKey | undefined;
}

/**
 * How the scheduler's verbs store a job: every check and the filters' `onEnqueue` hooks
 * before anything is written, then the insert (a caller-chosen id that is taken throws, or
 * gives the existing job when asked), then the announcement to this process's servers.
 */
export class JobWriter {
  constructor(private readonly deps: JobWriterDeps) {}

  /** A debounced enqueue: the pending job of its key, new or with this job folded in. */
  async enqueueDebounced(job: IJob, options: ResolvedEnqueueOptions, now: Date): Promise<string> {
    const { key, windowMs } = options.debounce!;
    const dueAt = new Date(now.getTime() + windowMs);
    const record = await this.prepare(job, options, 'enqueue', { now, dueAt, state: 'scheduled' });
    const stored = await this.deps.store.insertDebounced({ ...record, debounceKey: key }, now);
    // New or moved, the due time is what this process's servers must wake for.
    this.deps.events.emit('job.enqueued', {
      jobId: stored.id,
      jobType: record.type,
      queue: record.queue,
      dueAt: stored.dueAt,
    });
    return stored.id;
  }

  /** Inserts one job; a duplicate caller-chosen id throws, or returns it when asked. */
  async insert(record: JobRecord, options: ResolvedEnqueueOptions): Promise<string> {
    let storedId: string;
    try {
      storedId = await this.deps.store.insert(record, sessionOf(options), {
        callerId: options.id !== null,
      });
    } catch (error) {
      return existingOnDuplicate(error, options);
    }
    return this.persist(record, storedId, options);
  }

  /**
   * Inserts one job with a uniqueKey, or replaces the payload and options of the waiting job
   * holding the key (`onDuplicateKey: 'replace'`); a running holder's id is returned as is.
   */
  async upsert(record: JobRecord, now: Date): Promise<string> {
    const stored = await this.deps.store.upsertUnique(record, now);
    if (stored.outcome === 'inserted') return this.persist(record, record._id, { session: null });
    if (stored.outcome === 'running') return stored.jobId;
    const { job } = stored;
    // Its due time may have moved earlier: this process's servers wake for it.
    if (job.state !== 'awaiting') {
      this.deps.events.emit('job.enqueued', {
        jobId: job._id,
        jobType: job.type,
        queue: job.queue,
        dueAt: job.dueAt,
      });
    }
    return job._id;
  }

  /**
   * Tells this process's servers about a stored job; returns the id the caller gets. A job
   * written in the caller's transaction is not announced: it may never exist, and servers
   * cannot see it before the commit, when their change stream tells them.
   */
  persist(
    record: JobRecord,
    storedId: string,
    options: Pick<ResolvedEnqueueOptions, 'session'>,
  ): string {
    // Another id means an unfinished job already held the uniqueKey: nothing new to announce.
    if (storedId === record._id && !options.session?.inTransaction()) {
      this.deps.events.emit('job.enqueued', {
        jobId: record._id,
        jobType: record.type,
        queue: record.queue,
        dueAt: record.dueAt,
      });
    }
    return storedId;
  }

  /**
   * Checks everything before anything is written, runs the filters' `onEnqueue` hooks, and
   * builds the record to insert.
   */
  async prepare(
    job: IJob,
    options: ResolvedEnqueueOptions,
    source: EnqueueSource,
    when: Pick<NewJobFields, 'now' | 'dueAt' | 'state' | 'parent'>,
  ): Promise<JobRecord> {
    const { jobType, payload } = await toStorableJob(job);
    const concurrencyKey = jobConcurrencyKey(
      job,
      jobType,
      this.deps.handlerKey(jobType),
      options.concurrencyKey,
    );
    const metadata = await this.deps.filters.enqueue({
      jobType,
      payload,
      queue: options.queue,
      priority: options.priority,
      dueAt: when.dueAt,
      source,
    });
    const record = newJobRecord({
      metadata,
      ...when,
      type: jobType,
      queue: options.queue,
      priority: options.priority,
      payload,
      maxAttempts: options.maxAttempts,
      timeoutMs: options.timeoutMs,
      uniqueKey: options.uniqueKey,
      ...(options.id === null ? {} : { id: options.id }),
      tags: options.tags,
      startWithinMs: options.startWithinMs,
      concurrencyKey,
    });
    const size = BSON.calculateObjectSize(record);
    if (size > MAX_DOCUMENT_BYTES)
      throw new PayloadTooLargeError(jobType, size, MAX_DOCUMENT_BYTES);
    return record;
  }
}

/** Refuses `debounce` for a verb other than `enqueue`. */
export function onlyForEnqueue(
  options: ResolvedEnqueueOptions,
  verb: string,
): ResolvedEnqueueOptions {
  if (options.debounce !== null) {
    throw new InvalidOptionsError(`debounce applies to enqueue only, not to ${verb}`, {
      option: 'debounce',
    });
  }
  return options;
}

/**
 * The existing job's id when `error` says the caller's id is taken and the caller asked for
 * it (`onDuplicateId: 'return'`); otherwise rethrows `error`.
 */
export function existingOnDuplicate(error: unknown, options: ResolvedEnqueueOptions): string {
  if (error instanceof DuplicateJobIdError && options.onDuplicateId === 'return') {
    return error.jobId!;
  }
  throw error;
}

/** The caller's session of resolved options, for the store (which takes none as undefined). */
export function sessionOf(options: ResolvedEnqueueOptions): ClientSession | undefined {
  return options.session ?? undefined;
}
