import { InvalidOptionsError } from '../../errors';
import type { ScheduleTime } from '../../scheduler/job-scheduler-options';
import {
  CLAIMABLE_STATES,
  WAITING_STATES,
  type JobRecord,
  type JobState,
} from '../../storage/job-record';
import { conflict, notFound } from '../http/http-problem';
import { checkBodyFields, idParam } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import { parseDateTimeField } from './date-time-field';
import { jobFromRequest } from './job-from-request';

/** The job; 404 when there is no such job. */
async function jobOf(context: ApiContext, id: string): Promise<JobRecord> {
  const job = await context.docket.getJob(id);
  if (job === null) throw notFound('JOB_NOT_FOUND', `Job '${id}' was not found`);
  return job;
}

/** What a route does to the job it read: false when the job no longer allowed it. */
type JobChange = (id: string, job: JobRecord) => Promise<boolean>;

/**
 * Runs `change` on the job of the path when it is in one of `states`: 404 for an unknown
 * job, 409 `code` when it is in another state (before the change, or because a server claimed
 * or finished it meanwhile, which the change resolving false says).
 */
async function changeJob(
  context: ApiContext,
  states: readonly JobState[],
  code: string,
  allowed: string,
  change: JobChange,
) {
  const id = idParam(context, 'id');
  const refuse = (state: JobState) =>
    conflict(code, `Job '${id}' is ${state}: only ${allowed} jobs can be changed so`, { state });
  const job = await jobOf(context, id);
  if (!states.includes(job.state)) throw refuse(job.state);
  if (!(await change(id, job))) throw refuse((await jobOf(context, id)).state);
  return ok({ ok: true });
}

const waitingJob = (context: ApiContext, change: JobChange) =>
  changeJob(context, CLAIMABLE_STATES, 'JOB_NOT_WAITING', 'enqueued or scheduled', change);

const waitingOrAwaitingJob = (context: ApiContext, change: JobChange) =>
  changeJob(context, WAITING_STATES, 'JOB_NOT_WAITING', 'enqueued, scheduled or awaiting', change);

const unfinishedJob = (context: ApiContext, change: JobChange) =>
  changeJob(
    context,
    WAITING_STATES.concat('processing'),
    'JOB_FINISHED',
    'unfinished (waiting or running)',
    change,
  );

/** `{ runAt }` or `{ delayMs }`: exactly one. */
function rescheduleTime(context: ApiContext): ScheduleTime {
  checkBodyFields(context, ['runAt', 'delayMs']);
  const { runAt, delayMs } = context.body;
  if ((runAt === undefined) === (delayMs === undefined)) {
    throw new InvalidOptionsError(
      `Give exactly one of runAt and delayMs, got ${runAt === undefined ? 'neither' : 'both'}`,
      { option: 'runAt' },
    );
  }
  return runAt !== undefined
    ? { at: parseDateTimeField('runAt', runAt) }
    : { delayMs: delayMs as number };
}

/**
 * Changes to one job from outside: run a waiting job now, reschedule it, change its
 * priority, replace its payload, or record its outcome (an external system's report).
 */
export const JOB_EDIT_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: 'api/jobs/{id}/run-now',
    operationId: 'runJobNow',
    handle(context) {
      checkBodyFields(context, []);
      return waitingJob(context, (id) => context.docket.scheduler.runNow(id));
    },
  },
  {
    method: 'POST',
    path: 'api/jobs/{id}/reschedule',
    operationId: 'rescheduleJob',
    handle(context) {
      const when = rescheduleTime(context);
      return waitingJob(context, (id) => context.docket.scheduler.reschedule(id, when));
    },
  },
  {
    method: 'POST',
    path: 'api/jobs/{id}/priority',
    operationId: 'changeJobPriority',
    handle(context) {
      checkBodyFields(context, ['priority']);
      const { priority } = context.body;
      return waitingOrAwaitingJob(context, (id) =>
        context.docket.scheduler.changePriority(id, priority as number),
      );
    },
  },
  {
    method: 'PUT',
    path: 'api/jobs/{id}/payload',
    operationId: 'replaceJobPayload',
    handle(context) {
      checkBodyFields(context, ['payload']);
      return waitingOrAwaitingJob(context, (id, job) => {
        // The job's own type (which never changes): a payload of another type is no replacement.
        const replacement = jobFromRequest(job.type, context.body.payload);
        return context.docket.scheduler.replacePayload(id, replacement);
      });
    },
  },
  {
    method: 'POST',
    path: 'api/jobs/{id}/succeed',
    operationId: 'markJobSucceeded',
    handle(context) {
      checkBodyFields(context, ['result']);
      const { result } = context.body;
      return unfinishedJob(context, (id) =>
        context.docket.scheduler.markSucceeded(id, result === undefined ? {} : { result }),
      );
    },
  },
  {
    method: 'POST',
    path: 'api/jobs/{id}/fail',
    operationId: 'markJobFailed',
    handle(context) {
      checkBodyFields(context, ['message']);
      const { message } = context.body;
      return unfinishedJob(context, (id) =>
        context.docket.scheduler.markFailed(id, { message: message as string }),
      );
    },
  },
];
