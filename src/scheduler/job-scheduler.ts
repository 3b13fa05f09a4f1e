import {
  drainFilter,
  type BulkActionResult,
  type BulkJobActions,
  type DrainQueueOptions,
  type JobSelection,
} from '../bulk-actions';
import { checkJobId } from '../options/option-checks';
import type { EventBus } from '../events/event-bus';
import type {
  CountJobsOptions,
  FindJobsOptions,
  JobCount,
  JobFilter,
  JobPage,
  JobSearch,
} from '../job-search';
import type { IJob } from '../jobs';
import type {
  RecurringJobInfo,
  RecurringJobs,
  RecurringOptions,
  RecurringSchedule,
} from '../recurring';
import type { Clock } from '../server/clock';
import type { JobFilters } from '../filters';
import type { JobStore } from '../storage/job-store';
import type {
  ContinuationOptions,
  EnqueueOptions,
  FinishedJob,
  IJobScheduler,
  MarkFailedOptions,
  MarkSucceededOptions,
  ScheduleTime,
} from './job-scheduler.interface';
import { WaitingJobEdits } from './waiting-job-edits';
import { ExternalOutcomes } from './external-outcomes';
import { resolveJobWaitOptions, type JobWaitOptions } from './job-wait-options';
import type { JobWaits } from './job-waits';
import { afterDeletions } from './after-deletion';
import { JobWriter, type JobWriterDeps } from './job-writer';
import { EnqueueVerbs } from './enqueue-verbs';
import { BatchVerbs, type BatchPage, type ListBatchesOptions } from '../batches/batch-verbs';
import type {
  BatchContinuationOptions,
  BatchInfo,
  BatchSpec,
  CreateBatchOptions,
} from '../batches/batch-types';

export { MAX_DOCUMENT_BYTES } from '../jobs';

/** What a scheduler asks its Docket before each verb. */
export interface SchedulerLifecycle {
  /** @throws DocketClosedError once the Docket is closed. */
  checkOpen(operation: string): void;
}

/** What a {@link JobScheduler} works with: the collaborators of its Docket. */
export interface JobSchedulerDeps {
  readonly store: JobStore;
  readonly recurring: RecurringJobs;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly lifecycle: SchedulerLifecycle;
  readonly waits: JobWaits;
  readonly search: JobSearch;
  readonly bulk: BulkJobActions;
  /** The job filters whose `onEnqueue` hooks run before a job is stored. */
  readonly filters: JobFilters;
  /** The largest result a job may store (`markSucceeded` checks it as a handler's). */
  readonly maxResultBytes: number;
  /** The concurrency key a handler of this process declares for a job type, if any. */
  readonly handlerKey: JobWriterDeps['handlerKey'];
}

/**
 * {@link IJobScheduler} on a {@link JobStore} (and the recurring jobs of the same Docket).
 * Every verb first asks `lifecycle` whether the Docket is still open, so a call after
 * `close()` fails with a `DocketClosedError` before anything touches storage.
 */
export class JobScheduler implements IJobScheduler {
  private readonly store: JobStore;
  private readonly recurring: RecurringJobs;
  private readonly events: EventBus;
  private readonly clock: Clock;
  private readonly lifecycle: SchedulerLifecycle;
  private readonly waits: JobWaits;
  private readonly search: JobSearch;
  private readonly bulk: BulkJobActions;
  private readonly filters: JobFilters;
  private readonly batches: BatchVerbs;
  private readonly writer: JobWriter;
  private readonly enqueues: EnqueueVerbs;
  private readonly edits: WaitingJobEdits;
  private readonly outcomes: ExternalOutcomes;

  constructor(deps: JobSchedulerDeps) {
    ({
      store: this.store,
      recurring: this.recurring,
      events: this.events,
      clock: this.clock,
      lifecycle: this.lifecycle,
      waits: this.waits,
      search: this.search,
      bulk: this.bulk,
      filters: this.filters,
    } = deps);
    this.writer = new JobWriter({
      store: this.store,
      events: this.events,
      filters: this.filters,
      handlerKey: deps.handlerKey,
    });
    this.enqueues = new EnqueueVerbs({
      store: this.store,
      events: this.events,
      clock: this.clock,
      writer: this.writer,
    });
    this.edits = new WaitingJobEdits({ store: this.store, events: this.events, clock: this.clock });
    this.outcomes = new ExternalOutcomes({
      store: this.store,
      events: this.events,
      clock: this.clock,
      maxResultBytes: deps.maxResultBytes,
    });
    this.batches = new BatchVerbs({
      store: this.store,
      events: this.events,
      clock: this.clock,
      bulk: this.bulk,
      prepare: (job, options, source, when) => this.writer.prepare(job, options, source, when),
    });
  }

  async enqueue(job: IJob, options?: EnqueueOptions): Promise<string> {
    this.lifecycle.checkOpen('enqueue');
    return this.enqueues.enqueue(job, options);
  }

  async enqueueMany(jobs: readonly IJob[], options?: EnqueueOptions): Promise<string[]> {
    this.lifecycle.checkOpen('enqueueMany');
    return this.enqueues.enqueueMany(jobs, options);
  }

  async schedule(job: IJob, when: ScheduleTime, options?: EnqueueOptions): Promise<string> {
    this.lifecycle.checkOpen('schedule');
    return this.enqueues.schedule(job, when, options);
  }

  async continueWith(parentId: string, job: IJob, options?: ContinuationOptions): Promise<string> {
    this.lifecycle.checkOpen('continueWith');
    return this.enqueues.continueWith(parentId, job, options);
  }

  async delete(jobId: string): Promise<boolean> {
    this.lifecycle.checkOpen('delete');
    checkJobId('jobId', jobId);
    const now = this.clock.now();
    const before = await this.store.delete(jobId, now);
    if (!before) return false;
    await afterDeletions(this.store, this.events, [before], now);
    return true;
  }

  async createBatch(spec: BatchSpec, options?: CreateBatchOptions): Promise<string> {
    this.lifecycle.checkOpen('createBatch');
    return this.batches.create(spec, options);
  }

  async continueBatchWith(
    batchId: string,
    job: IJob,
    options?: BatchContinuationOptions,
  ): Promise<string> {
    this.lifecycle.checkOpen('continueBatchWith');
    return this.batches.continueWith(batchId, job, options);
  }

  async cancelBatch(batchId: string): Promise<boolean> {
    this.lifecycle.checkOpen('cancelBatch');
    return this.batches.cancel(batchId);
  }

  async getBatch(batchId: string): Promise<BatchInfo | null> {
    this.lifecycle.checkOpen('getBatch');
    return this.batches.get(batchId);
  }

  /** Batches, newest first, a page at a time (the dashboard's list); see `Docket.listBatches`. */
  async listBatches(options?: ListBatchesOptions): Promise<BatchPage> {
    this.lifecycle.checkOpen('listBatches');
    return this.batches.list(options);
  }

  async findJobs(filter?: JobFilter, options?: FindJobsOptions): Promise<JobPage> {
    this.lifecycle.checkOpen('findJobs');
    return this.search.find(filter, options);
  }

  async countJobs(filter?: JobFilter, options?: CountJobsOptions): Promise<JobCount | null> {
    this.lifecycle.checkOpen('countJobs');
    return this.search.count(filter, options);
  }

  async retryJobs(selection: JobSelection): Promise<BulkActionResult> {
    this.lifecycle.checkOpen('retryJobs');
    return this.bulk.run('retry', selection);
  }

  async requeueJobs(selection: JobSelection): Promise<BulkActionResult> {
    this.lifecycle.checkOpen('requeueJobs');
    return this.bulk.run('requeue', selection);
  }

  async redriveJobs(selection: JobSelection): Promise<BulkActionResult> {
    this.lifecycle.checkOpen('redriveJobs');
    return this.bulk.run('redrive', selection);
  }

  async deleteJobs(selection: JobSelection): Promise<BulkActionResult> {
    this.lifecycle.checkOpen('deleteJobs');
    return this.bulk.run('delete', selection);
  }

  async purgeJobs(selection: JobSelection): Promise<BulkActionResult> {
    this.lifecycle.checkOpen('purgeJobs');
    return this.bulk.run('purge', selection);
  }

  async drainQueue(queue: string, options?: DrainQueueOptions): Promise<BulkActionResult> {
    this.lifecycle.checkOpen('drainQueue');
    return this.bulk.run('delete', { filter: drainFilter(queue, options) });
  }

  async requeue(jobId: string): Promise<boolean> {
    this.lifecycle.checkOpen('requeue');
    checkJobId('jobId', jobId);
    const record = await this.store.requeue(jobId, this.clock.now());
    if (!record) return false;
    this.events.emit('job.enqueued', {
      jobId,
      jobType: record.type,
      queue: record.queue,
      dueAt: record.dueAt,
    });
    return true;
  }

  async runNow(jobId: string): Promise<boolean> {
    this.lifecycle.checkOpen('runNow');
    return this.edits.runNow(jobId);
  }

  async reschedule(jobId: string, when: ScheduleTime): Promise<boolean> {
    this.lifecycle.checkOpen('reschedule');
    return this.edits.reschedule(jobId, when);
  }

  async changePriority(jobId: string, priority: number): Promise<boolean> {
    this.lifecycle.checkOpen('changePriority');
    return this.edits.changePriority(jobId, priority);
  }

  async replacePayload(jobId: string, job: IJob): Promise<boolean> {
    this.lifecycle.checkOpen('replacePayload');
    return this.edits.replacePayload(jobId, job);
  }

  async markSucceeded(jobId: string, options?: MarkSucceededOptions): Promise<boolean> {
    this.lifecycle.checkOpen('markSucceeded');
    return this.outcomes.markSucceeded(jobId, options);
  }

  async markFailed(jobId: string, options: MarkFailedOptions): Promise<boolean> {
    this.lifecycle.checkOpen('markFailed');
    return this.outcomes.markFailed(jobId, options);
  }

  async addOrUpdateRecurring(
    id: string,
    job: IJob,
    schedule: RecurringSchedule,
    options?: RecurringOptions,
  ): Promise<void> {
    this.lifecycle.checkOpen('addOrUpdateRecurring');
    return this.recurring.addOrUpdate(id, job, schedule, options);
  }

  async removeRecurring(id: string): Promise<boolean> {
    this.lifecycle.checkOpen('removeRecurring');
    return this.recurring.remove(id);
  }

  async triggerRecurring(id: string): Promise<string> {
    this.lifecycle.checkOpen('triggerRecurring');
    return this.recurring.trigger(id);
  }

  async pauseRecurring(id: string): Promise<boolean> {
    this.lifecycle.checkOpen('pauseRecurring');
    return this.recurring.pause(id);
  }

  async resumeRecurring(id: string): Promise<boolean> {
    this.lifecycle.checkOpen('resumeRecurring');
    return this.recurring.resume(id);
  }

  async listRecurring(): Promise<RecurringJobInfo[]> {
    this.lifecycle.checkOpen('listRecurring');
    return this.recurring.list();
  }

  async getRecurring(id: string): Promise<RecurringJobInfo | null> {
    this.lifecycle.checkOpen('getRecurring');
    return this.recurring.get(id);
  }

  async waitForJob(jobId: string, options?: JobWaitOptions): Promise<FinishedJob> {
    this.lifecycle.checkOpen('waitForJob');
    checkJobId('jobId', jobId);
    return this.waits.wait(jobId, resolveJobWaitOptions(options));
  }
}
