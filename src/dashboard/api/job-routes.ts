import { InvalidOptionsError, JobDeletedError, JobWaitTimeoutError } from '../../errors';
import { registeredJobTypes } from '../../jobs';
import type { EnqueueOptions } from '../../scheduler/job-scheduler-options';
import { FINISHED_STATES, type JobRecord } from '../../storage/job-record';
import type { ApiEnqueueResult } from '../api-enqueue-types';
import type { ApiJobWaitResult } from '../api-types';
import { conflict, notFound } from '../http/http-problem';
import { jobTypeSchemas } from '../queries/job-type-schemas';
import { listJobs } from '../queries/list-jobs';
import { toApiUnhandled, toJobDetail } from '../queries/to-api';
import { checkBodyFields, idParam, waitQuery } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import { parseDateTimeField } from './date-time-field';
import { jobFromRequest } from './job-from-request';
import { JOB_LIST_PARAMETERS, readJobListQuery } from './job-list-query';

/** The fields of `POST api/jobs`: `type` is required, the others optional. */
export const ENQUEUE_FIELDS = [
  'type',
  'payload',
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'uniqueKey',
  'debounce',
  'delayMs',
  'runAt',
  'id',
  'onDuplicateId',
  'onDuplicateKey',
  'tags',
  'startWithinMs',
  'concurrencyKey',
];

async function requireJob(context: ApiContext, id: string) {
  const job = await context.docket.getJob(id);
  if (job === null) throw notFound('JOB_NOT_FOUND', `Job '${id}' was not found`);
  return job;
}

/** Builds the job instance from `type` and `payload`, then enqueues or schedules it. */
async function enqueue(context: ApiContext): Promise<ApiEnqueueResult> {
  checkBodyFields(context, ENQUEUE_FIELDS);
  const { type, payload, delayMs, runAt, ...options } = context.body;
  const job = jobFromRequest(type, payload);
  const enqueueOptions = options as EnqueueOptions;
  if (delayMs !== undefined && runAt !== undefined) {
    throw new InvalidOptionsError('Give at most one of delayMs and runAt, got both', {
      option: 'runAt',
    });
  }
  const { scheduler } = context.docket;
  if (runAt !== undefined) {
    const at = parseDateTimeField('runAt', runAt);
    return { id: await scheduler.schedule(job, { at }, enqueueOptions) };
  }
  if (delayMs !== undefined) {
    return {
      id: await scheduler.schedule(job, { delayMs: delayMs as number }, enqueueOptions),
    };
  }
  return { id: await scheduler.enqueue(job, enqueueOptions) };
}

/**
 * Waits up to `timeoutMs` for the job to finish (a long poll): the finished job, deleted
 * ones included, or the state it is still in. The wait stops when the client disconnects.
 */
async function waitForJob(
  context: ApiContext,
  id: string,
  timeoutMs: number,
): Promise<ApiJobWaitResult> {
  try {
    const job = await context.docket.scheduler.waitForJob(id, {
      timeoutMs,
      signal: context.signal,
    });
    return waitResult(job);
  } catch (error) {
    if (error instanceof JobWaitTimeoutError && error.lastState !== null) {
      return { finished: false, state: error.lastState };
    }
    // Deleted is an end too: the answer shows the job (as it is now: it may be requeued).
    if (error instanceof JobDeletedError) return waitResult(await requireJob(context, id));
    throw error;
  }
}

function waitResult(job: JobRecord): ApiJobWaitResult {
  return FINISHED_STATES.includes(job.state)
    ? { finished: true, job: toJobDetail(job) }
    : { finished: false, state: job.state };
}

/**
 * Jobs: list, detail, wait, enqueue, requeue, delete, and the job types enqueue accepts
 * (the actions on many jobs are in `job-bulk-route.ts`).
 */
export const JOB_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: 'api/jobs',
    operationId: 'listJobs',
    query: JOB_LIST_PARAMETERS,
    async handle(context) {
      const { filter, options } = readJobListQuery(context);
      return ok(await listJobs(context.docket.scheduler, filter, options));
    },
  },
  {
    method: 'POST',
    path: 'api/jobs',
    operationId: 'enqueueJob',
    async handle(context) {
      return { status: 201, body: await enqueue(context) };
    },
  },
  {
    method: 'GET',
    path: 'api/jobs/{id}',
    operationId: 'getJob',
    async handle(context) {
      return ok(toJobDetail(await requireJob(context, idParam(context, 'id'))));
    },
  },
  {
    method: 'GET',
    path: 'api/jobs/{id}/wait',
    operationId: 'waitForJob',
    query: ['timeoutMs'],
    async handle(context) {
      const id = idParam(context, 'id');
      const { maxWaitMs } = context.options;
      const timeoutMs = Math.min(waitQuery(context) ?? maxWaitMs, maxWaitMs);
      return ok(await waitForJob(context, id, timeoutMs));
    },
  },
  {
    method: 'DELETE',
    path: 'api/jobs/{id}',
    operationId: 'deleteJob',
    async handle(context) {
      checkBodyFields(context, []);
      const id = idParam(context, 'id');
      await requireJob(context, id);
      // Any state: a job deleted already (or meanwhile) stays deleted, as asked.
      await context.docket.scheduler.delete(id);
      return ok({ ok: true });
    },
  },
  {
    method: 'POST',
    path: 'api/jobs/{id}/requeue',
    operationId: 'requeueJob',
    async handle(context) {
      checkBodyFields(context, []);
      const id = idParam(context, 'id');
      const job = await requireJob(context, id);
      const unfinished = () =>
        conflict(
          'JOB_NOT_FINISHED',
          `Job '${id}' is ${job.state}: only finished jobs (succeeded, failed, deleted) can be requeued`,
          { state: job.state },
        );
      if (!FINISHED_STATES.includes(job.state)) throw unfinished();
      if (!(await context.docket.scheduler.requeue(id))) throw unfinished();
      return ok({ ok: true });
    },
  },
  {
    method: 'GET',
    path: 'api/job-types',
    operationId: 'listJobTypes',
    async handle(context) {
      const { docket, options } = context;
      const unhandled = await docket.listUnhandledJobTypes(options.serverStaleAfterMs);
      const types = registeredJobTypes().sort();
      return ok({
        types,
        unhandled: unhandled.map(toApiUnhandled),
        schemas: jobTypeSchemas(types),
      });
    },
  },
];
