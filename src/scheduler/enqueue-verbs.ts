import { InvalidOptionsError, JobNotFoundError } from '../errors';
import type { EventBus } from '../events/event-bus';
import type { IJob } from '../jobs';
import { checkJobId, describeValue, readingOptions } from '../options/option-checks';
import type { Clock } from '../server/clock';
import { FINISHED_STATES, type JobRecord, type JobState } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import { resolveContinuationOptions, resolveDueAt, resolveEnqueueOptions } from './enqueue-options';
import type { ContinuationOptions, EnqueueOptions, ScheduleTime } from './job-scheduler-options';
import { existingOnDuplicate, onlyForEnqueue, sessionOf, type JobWriter } from './job-writer';
import { releaseContinuations } from './release-continuations';

/** What {@link EnqueueVerbs} works with. */
export interface EnqueueVerbsDeps {
  readonly store: JobStore;
  readonly events: EventBus;
  readonly clock: Clock;
  /** How a checked job is stored (shared with the batches, which prepare jobs through it). */
  readonly writer: JobWriter;
}

/**
 * The scheduler's verbs that add jobs: `enqueue` (debounced, upserted by uniqueKey, or
 * inserted), `enqueueMany`, `schedule` and `continueWith`. Each checks its options and jobs
 * before anything is written. The scheduler asks whether its Docket is open first.
 */
export class EnqueueVerbs {
  private readonly store: JobStore;
  private readonly events: EventBus;
  private readonly clock: Clock;
  private readonly writer: JobWriter;

  constructor(deps: EnqueueVerbsDeps) {
    ({ store: this.store, events: this.events, clock: this.clock, writer: this.writer } = deps);
  }

  async enqueue(job: IJob, options?: EnqueueOptions): Promise<string> {
    const now = this.clock.now();
    const resolved = resolveEnqueueOptions(options);
    if (resolved.debounce !== null) return this.writer.enqueueDebounced(job, resolved, now);
    const record = await this.writer.prepare(job, resolved, 'enqueue', {
      now,
      dueAt: now,
      state: 'enqueued',
    });
    if (resolved.onDuplicateKey === 'replace') return this.writer.upsert(record, now);
    return this.writer.insert(record, resolved);
  }

  async enqueueMany(jobs: readonly IJob[], options?: EnqueueOptions): Promise<string[]> {
    // A copy: the caller's array (or Proxy) is read once, and cannot change while jobs are checked.
    const list = readingOptions('jobs', () => (Array.isArray(jobs) ? [...jobs] : null));
    if (list === null) {
      throw new InvalidOptionsError(`jobs must be an array of jobs, got ${describeValue(jobs)}`, {
        option: 'jobs',
      });
    }
    const resolved = onlyForEnqueue(resolveEnqueueOptions(options), 'enqueueMany');
    if (resolved.id !== null) {
      throw new InvalidOptionsError(
        'enqueueMany does not take an id: one id cannot name many jobs; give each job its own enqueue',
        { option: 'id' },
      );
    }
    if (resolved.uniqueKey !== null) {
      throw new InvalidOptionsError(
        'enqueueMany does not take a uniqueKey: give each job its own enqueue',
        {
          option: 'uniqueKey',
        },
      );
    }
    if (list.length === 0) return [];
    const now = this.clock.now();
    const records: JobRecord[] = [];
    for (const job of list) {
      records.push(
        await this.writer.prepare(job, resolved, 'enqueue', {
          now,
          dueAt: now,
          state: 'enqueued',
        }),
      );
    }
    await this.store.insertMany(records, sessionOf(resolved));
    for (const record of records) this.writer.persist(record, record._id, resolved);
    return records.map((record) => record._id);
  }

  async schedule(job: IJob, when: ScheduleTime, options?: EnqueueOptions): Promise<string> {
    const now = this.clock.now();
    const dueAt = resolveDueAt(when, now);
    const state: JobState = dueAt.getTime() <= now.getTime() ? 'enqueued' : 'scheduled';
    const resolved = onlyForEnqueue(resolveEnqueueOptions(options), 'schedule');
    const record = await this.writer.prepare(job, resolved, 'schedule', { now, dueAt, state });
    if (resolved.onDuplicateKey === 'replace') return this.writer.upsert(record, now);
    return this.writer.insert(record, resolved);
  }

  async continueWith(parentId: string, job: IJob, options?: ContinuationOptions): Promise<string> {
    checkJobId('parentId', parentId);
    const now = this.clock.now();
    const resolved = resolveContinuationOptions(options);
    const record = await this.writer.prepare(job, resolved, 'continuation', {
      now,
      dueAt: now,
      state: 'awaiting',
      parent: { id: parentId, policy: resolved.onParentFailure },
    });
    let added;
    try {
      added = await this.store.addContinuation({ ...record, parentId }, sessionOf(resolved), {
        callerId: resolved.id !== null,
      });
    } catch (error) {
      return existingOnDuplicate(error, resolved);
    }
    if (!added) throw new JobNotFoundError(parentId);
    // A parent that finished before (or while) the continuation was added is resolved here;
    // its worker may resolve it too: both writes are conditional, so the child runs once.
    // In the caller's transaction the store wrote it released already.
    if (FINISHED_STATES.includes(added.parentState) && !resolved.session?.inTransaction()) {
      await releaseContinuations(this.store, this.events, parentId, added.parentState, now);
    }
    return added.jobId;
  }
}
