import type { ClientSession } from 'mongodb';
import type { BulkJobActions } from '../bulk-actions';
import { BatchNotFoundError } from '../errors';
import type { EventBus } from '../events/event-bus';
import type { IJob } from '../jobs';
import {
  checkInteger,
  checkJobId,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  readingOptions,
} from '../options/option-checks';
import { checkSession, resolveEnqueueOptions } from '../scheduler/enqueue-options';
import type { Clock } from '../server/clock';
import type { BatchRecord } from '../storage/batch-store';
import { UNFINISHED_STATES } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import { afterBatchEnded } from './batch-lifecycle';
import { BATCH_CONDITIONS, planBatch, type PrepareJob } from './batch-plan';
import type {
  BatchContinuationOptions,
  BatchInfo,
  BatchSpec,
  BatchState,
  CreateBatchOptions,
} from './batch-types';

/** The batch states, for validation and docs. */
export const BATCH_STATES: readonly BatchState[] = [
  'creating',
  'started',
  'succeeded',
  'finished',
  'cancelled',
];

/** Options of `Docket.listBatches`. */
export interface ListBatchesOptions {
  /** Only batches in this state. */
  state?: BatchState;
  /** Only the batches nested in this one; `null`: only outermost batches. */
  parentBatchId?: string | null;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Batches per page, 1..500.
   * @defaultValue 50
   */
  limit?: number;
}

/** One page of batches, newest first. */
export interface BatchPage {
  /** The batches of this page, newest first. */
  batches: BatchInfo[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** What the batch verbs need of their scheduler. */
export interface BatchVerbsDeps {
  readonly store: JobStore;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly bulk: BulkJobActions;
  /** The scheduler's checks, filters and record of one job. */
  readonly prepare: PrepareJob;
}

const CONTINUATION_OPTION_KEYS = ['queue', 'priority', 'maxAttempts', 'timeoutMs', 'on'];

/** The scheduler's verbs on batches (see `IJobScheduler.createBatch` and the verbs after it). */
export class BatchVerbs {
  constructor(private readonly deps: BatchVerbsDeps) {}

  async create(spec: BatchSpec, options?: CreateBatchOptions): Promise<string> {
    const session = resolveCreateBatchOptions(options);
    const { store, events, clock, prepare } = this.deps;
    const now = clock.now();
    const plan = await planBatch(spec, prepare, now);
    await store.jobBatches.create(plan.batches, plan.jobs, now, session ?? undefined);
    // Written in the caller's transaction, the jobs exist only once it commits: servers learn
    // of them then, through their change stream.
    if (!session?.inTransaction()) {
      const claimable = plan.jobs.filter((job) => job.awaitsBatch === undefined);
      for (const job of claimable) {
        events.emit('job.enqueued', {
          jobId: job._id,
          jobType: job.type,
          queue: job.queue,
          dueAt: job.dueAt,
        });
      }
      await store.announce(claimable);
    }
    return plan.batches[0]._id;
  }

  async continueWith(
    batchId: string,
    job: IJob,
    options?: BatchContinuationOptions,
  ): Promise<string> {
    checkJobId('batchId', batchId);
    const { on, session, enqueue } = resolveContinuationOptions(options);
    const { store, events, clock, prepare } = this.deps;
    const now = clock.now();
    const record = await prepare(job, enqueue, 'continuation', {
      now,
      dueAt: now,
      state: 'awaiting',
    });
    const state = await store.jobBatches.addContinuation(
      { ...record, awaitsBatch: batchId, batchCondition: on },
      session ?? undefined,
    );
    if (state === null) throw new BatchNotFoundError(batchId);
    // A batch that ended before (or while) the continuation was added is resolved here; its
    // ender or the sweep may resolve it too: the release is conditional, so the job runs once.
    if (
      !session?.inTransaction() &&
      (state === 'succeeded' || state === 'finished' || state === 'cancelled')
    ) {
      // Unless it was resolved since: then nothing is left to release.
      const batch = await store.jobBatches.get(batchId);
      if (batch && batch.continuationsResolved !== true) {
        const ended = { id: batchId, state, parentBatchId: batch.parentBatchId };
        await afterBatchEnded(store, events, ended, now);
      }
    }
    return record._id;
  }

  async cancel(batchId: string): Promise<boolean> {
    checkJobId('batchId', batchId);
    const { store, events, clock, bulk } = this.deps;
    const now = clock.now();
    const cancelled = await store.jobBatches.cancel(batchId, now);
    if (cancelled === null || cancelled.length === 0) return false;
    for (const batch of cancelled) {
      await bulk.run('delete', { filter: { batchId: batch.id, state: [...UNFINISHED_STATES] } });
    }
    // The outermost last: its count reaches the batch it is nested in, if any.
    for (const batch of [...cancelled].reverse()) await afterBatchEnded(store, events, batch, now);
    return true;
  }

  async get(batchId: string): Promise<BatchInfo | null> {
    checkJobId('batchId', batchId);
    const record = await this.deps.store.jobBatches.get(batchId);
    return record === null ? null : toBatchInfo(record);
  }

  async list(options?: ListBatchesOptions): Promise<BatchPage> {
    const { state, parentBatchId, cursor, limit } = resolveListOptions(options);
    const records = await this.deps.store.jobBatches.list({
      ...(state === undefined ? {} : { state }),
      ...(parentBatchId === undefined ? {} : { parentBatchId }),
      ...(cursor === undefined ? {} : { before: cursor }),
      limit: limit + 1,
    });
    const page = records.slice(0, limit);
    return {
      batches: page.map(toBatchInfo),
      nextCursor: records.length > limit ? page[page.length - 1]._id : null,
    };
  }
}

/** The public form of a stored batch. */
export function toBatchInfo(record: BatchRecord): BatchInfo {
  const { succeeded, failed, deleted, total } = record;
  return {
    id: record._id,
    state: record.state,
    description: record.description,
    parentBatchId: record.parentBatchId,
    total,
    succeeded,
    failed,
    deleted,
    pending: Math.max(0, total - succeeded - failed - deleted),
    continuations: record.continuations,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
  };
}

function resolveCreateBatchOptions(options: CreateBatchOptions | undefined): ClientSession | null {
  if (options === undefined) return null;
  return readingOptions('options', () => {
    checkPlainObject('options', options);
    checkKnownKeys('options', options, ['session']);
    return options.session === undefined ? null : checkSession(options.session);
  });
}

function resolveContinuationOptions(options: BatchContinuationOptions | undefined) {
  return readingOptions('options', () => {
    const given = options === undefined ? {} : checkPlainObject('options', options);
    checkKnownKeys('options', given, [...CONTINUATION_OPTION_KEYS, 'session']);
    const { on, session, ...enqueue } = given as BatchContinuationOptions;
    return {
      on: on === undefined ? ('succeeded' as const) : checkOneOf('on', on, BATCH_CONDITIONS),
      session: session === undefined ? null : checkSession(session),
      enqueue: resolveEnqueueOptions(enqueue),
    };
  });
}

function resolveListOptions(options: ListBatchesOptions | undefined) {
  return readingOptions('options', () => {
    const given = options === undefined ? {} : checkPlainObject('options', options);
    checkKnownKeys('options', given, ['state', 'parentBatchId', 'cursor', 'limit']);
    const { state, parentBatchId, cursor, limit } = given as ListBatchesOptions;
    return {
      state: state === undefined ? undefined : checkOneOf('state', state, BATCH_STATES),
      parentBatchId:
        parentBatchId === undefined || parentBatchId === null
          ? parentBatchId
          : checkJobId('parentBatchId', parentBatchId),
      cursor: cursor === undefined ? undefined : checkJobId('cursor', cursor),
      limit: limit === undefined ? 50 : checkInteger('limit', limit, { min: 1, max: 500 }),
    };
  });
}
