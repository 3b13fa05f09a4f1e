import { BSON } from 'mongodb';
import { InvalidOptionsError, PayloadTooLargeError } from '../errors';
import type { EventBus } from '../events/event-bus';
import { MAX_DOCUMENT_BYTES, toStorableJob, type IJob } from '../jobs';
import { checkInteger, checkJobId, readingOptions } from '../options/option-checks';
import type { Clock } from '../server/clock';
import {
  CLAIMABLE_STATES,
  WAITING_STATES,
  type JobRecord,
  type JobState,
} from '../storage/job-record';
import type { JobStore, WaitingJobEdit } from '../storage/job-store';
import { resolveDueAt } from './enqueue-options';
import type { ScheduleTime } from './job-scheduler-options';

/** What {@link WaitingJobEdits} works with. */
export interface WaitingJobEditsDeps {
  readonly store: JobStore;
  readonly events: EventBus;
  readonly clock: Clock;
}

/**
 * How often an edit reads the job again when it changed between the read and the write (a
 * claim released at once, another edit): past that, the edit gives up and says so.
 */
const EDIT_TRIES = 3;

/** What an edit does to the job it read: a change, or nothing (it is as asked already). */
type EditPlan = WaitingJobEdit | 'unchanged';

/**
 * The scheduler's verbs on one waiting job: run now, reschedule, change priority, replace the
 * payload. Each reads the job, then writes the change pinned to the state and fence it read
 * (the write also moves the fence, which a batch claim that read the job before pins), so a
 * claim, an outcome or another edit in between makes the write match nothing: the verb reads
 * again, and gives up with false once the job no longer waits.
 */
export class WaitingJobEdits {
  constructor(private readonly deps: WaitingJobEditsDeps) {}

  runNow(jobId: string): Promise<boolean> {
    checkJobId('jobId', jobId);
    return this.edit(jobId, CLAIMABLE_STATES, (job, now) => {
      const due = job.dueAt.getTime() <= now.getTime();
      if (due && job.state === 'enqueued') return 'unchanged';
      // A job due already (a retry whose backoff passed) keeps its place in line.
      const at = due ? job.dueAt : now;
      return { due: { at, state: 'enqueued' }, reason: `enqueued now (was ${job.state})` };
    });
  }

  reschedule(jobId: string, when: ScheduleTime): Promise<boolean> {
    checkJobId('jobId', jobId);
    const at = resolveDueAt(when, this.deps.clock.now());
    return this.edit(jobId, CLAIMABLE_STATES, (_job, now) => {
      const state = at.getTime() <= now.getTime() ? 'enqueued' : 'scheduled';
      return { due: { at, state }, reason: `rescheduled to ${at.toISOString()}` };
    });
  }

  changePriority(jobId: string, priority: number): Promise<boolean> {
    checkJobId('jobId', jobId);
    const value = readingOptions('priority', () =>
      checkInteger('priority', priority, { min: -1000, max: 1000 }),
    );
    return this.edit(jobId, WAITING_STATES, (job) =>
      job.priority === value
        ? 'unchanged'
        : { priority: value, reason: `priority changed from ${job.priority} to ${value}` },
    );
  }

  async replacePayload(jobId: string, job: IJob): Promise<boolean> {
    checkJobId('jobId', jobId);
    const { jobType, payload } = await toStorableJob(job);
    return this.edit(jobId, WAITING_STATES, (current) => {
      if (current.type !== jobType) {
        throw new InvalidOptionsError(
          `job must be of the job's own type '${current.type}', got a '${jobType}' job`,
          { option: 'job', jobId, jobType },
        );
      }
      // The whole document must still fit, as enqueue checks the record it inserts.
      const size = BSON.calculateObjectSize({ ...current, payload });
      if (size > MAX_DOCUMENT_BYTES) {
        throw new PayloadTooLargeError(jobType, size, MAX_DOCUMENT_BYTES);
      }
      return { payload, reason: 'payload replaced' };
    });
  }

  /**
   * Reads the job and, while it is in one of `states`, writes what `plan` makes of it, pinned
   * to what was read. Announces a due time it moved to this process's servers.
   */
  private async edit(
    jobId: string,
    states: readonly JobState[],
    plan: (job: JobRecord, now: Date) => EditPlan,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= EDIT_TRIES; attempt++) {
      const job = await this.deps.store.findById(jobId);
      if (!job || !states.includes(job.state)) return false;
      const now = this.deps.clock.now();
      const edit = plan(job, now);
      if (edit === 'unchanged') return true;
      const pin = { jobId, state: job.state, fence: job.fence };
      const after = await this.deps.store.editWaiting(pin, edit, now);
      if (!after) continue;
      if (edit.due !== undefined) {
        this.deps.events.emit('job.enqueued', {
          jobId,
          jobType: after.type,
          queue: after.queue,
          dueAt: after.dueAt,
        });
      }
      return true;
    }
    return false;
  }
}
