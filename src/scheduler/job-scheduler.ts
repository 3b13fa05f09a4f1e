import { calculateObjectSize, ObjectId } from 'bson';
import { PayloadTooLargeError } from '../errors';
import type { EventBus } from '../events/event-bus';
import { jobTypeOf, toStoredPayload, validateJob, type IJob } from '../jobs';
import { type JobRecord, type JobState } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import type { Clock } from '../server/clock';
import { resolveDueAt, resolveEnqueueOptions, type ResolvedEnqueueOptions } from './enqueue-options';
import type { EnqueueOptions, IJobScheduler, ScheduleTime } from './job-scheduler.interface';

/** MongoDB's document size limit: a job record must fit in one document. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** {@link IJobScheduler} on a {@link JobStore}. */
export class JobScheduler implements IJobScheduler {
  constructor(
    private readonly store: JobStore,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  async enqueue(job: IJob, options?: EnqueueOptions): Promise<string> {
    const now = this.clock.now();
    return this.persist(await this.prepare(job, options, now, now, 'enqueued'));
  }

  async schedule(job: IJob, when: ScheduleTime, options?: EnqueueOptions): Promise<string> {
    const now = this.clock.now();
    const dueAt = resolveDueAt(when, now);
    const state: JobState = dueAt.getTime() <= now.getTime() ? 'enqueued' : 'scheduled';
    return this.persist(await this.prepare(job, options, now, dueAt, state));
  }

  async delete(jobId: string): Promise<boolean> {
    if (typeof jobId !== 'string' || jobId.length === 0) return false;
    const before = await this.store.delete(jobId, this.clock.now());
    if (!before) return false;
    this.events.emit('job.deleted', {
      jobId,
      jobType: before.type,
      queue: before.queue,
      wasRunning: before.state === 'processing',
    });
    return true;
  }

  private async persist(record: JobRecord): Promise<string> {
    await this.store.insert(record);
    this.events.emit('job.enqueued', {
      jobId: record._id,
      jobType: record.type,
      queue: record.queue,
      dueAt: record.dueAt,
    });
    return record._id;
  }

  /** Checks everything before anything is written, and builds the record to insert. */
  private async prepare(
    job: IJob,
    options: EnqueueOptions | undefined,
    now: Date,
    dueAt: Date,
    state: JobState,
  ): Promise<JobRecord> {
    const jobType = jobTypeOf(job);
    const resolved: ResolvedEnqueueOptions = resolveEnqueueOptions(options);
    await validateJob(job, jobType);
    const record: JobRecord = {
      _id: new ObjectId().toHexString(),
      type: jobType,
      queue: resolved.queue,
      priority: resolved.priority,
      state,
      payload: toStoredPayload(job, jobType),
      dueAt,
      createdAt: now,
      attempt: 0,
      maxAttempts: resolved.maxAttempts,
      timeoutMs: resolved.timeoutMs,
      fence: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      progress: null,
      error: null,
      history: [{ state, at: now }],
    };
    const size = calculateObjectSize(record);
    if (size > MAX_DOCUMENT_BYTES) throw new PayloadTooLargeError(jobType, size, MAX_DOCUMENT_BYTES);
    return record;
  }
}
