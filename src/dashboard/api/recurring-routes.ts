import { InvalidOptionsError } from '../../errors';
import {
  checkCronExpression,
  type RecurringOptions,
  type RecurringSchedule,
} from '../../recurring';
import type { ApiRecurringJob } from '../api-types';
import { notFound } from '../http/http-problem';
import { toApiRecurring } from '../queries/to-api';
import { checkBodyFields, idParam } from './api-params';
import { parseDateTimeField } from './date-time-field';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import { jobFromRequest } from './job-from-request';

/** The fields of a `PUT api/recurring/{id}` body; all but `type` are optional. */
export const RECURRING_FIELDS = [
  'type',
  'payload',
  'cron',
  'everyMs',
  'startAt',
  'endAt',
  'repeatLimit',
  'overlap',
  'timeZone',
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'missedRunPolicy',
];

async function recurringAction(context: ApiContext, action: (id: string) => Promise<boolean>) {
  checkBodyFields(context, []);
  const id = idParam(context, 'id');
  if (!(await action(id))) {
    throw notFound('RECURRING_JOB_NOT_FOUND', `Recurring job '${id}' was not found`);
  }
  return ok({ ok: true });
}

/**
 * Creates or updates a recurring job through the scheduler's `addOrUpdateRecurring`, which
 * checks everything (id, cron, time zone, options, the payload against its type's rules)
 * before it writes anything; answers the job as stored.
 */
async function addOrUpdate(context: ApiContext): Promise<ApiRecurringJob> {
  checkBodyFields(context, RECURRING_FIELDS);
  const id = idParam(context, 'id');
  const { type, payload, cron, everyMs, startAt, endAt, ...options } = context.body;
  const job = jobFromRequest(type, payload);
  const { scheduler } = context.docket;
  const schedule = scheduleFromRequest(cron, everyMs);
  // Types are the scheduler's to check: a wrong one is a 400 naming the field.
  await scheduler.addOrUpdateRecurring(id, job, schedule, {
    ...(options as RecurringOptions),
    ...(startAt === undefined ? {} : { startAt: parseDateTimeField('startAt', startAt) }),
    ...(endAt === undefined ? {} : { endAt: parseDateTimeField('endAt', endAt) }),
  });
  const saved = await scheduler.getRecurring(id);
  // Removed by another caller between the save and the read.
  if (saved === null) {
    throw notFound('RECURRING_JOB_NOT_FOUND', `Recurring job '${id}' was removed meanwhile`);
  }
  return toApiRecurring(saved);
}

/** The schedule of a request: `cron` or `everyMs`, exactly one of them. */
function scheduleFromRequest(cron: unknown, everyMs: unknown): RecurringSchedule {
  if ((cron === undefined) === (everyMs === undefined)) {
    throw new InvalidOptionsError(
      'give either cron or everyMs (an interval in ms), not both or neither',
      {
        option: 'cron',
      },
    );
  }
  // A cron that is not text is the cron's error (the scheduler would call it a bad schedule,
  // as its schedule may be either); the scheduler checks the rest.
  if (cron !== undefined && typeof cron !== 'string') checkCronExpression(cron);
  return cron === undefined ? { everyMs: everyMs as number } : (cron as string);
}

/** Recurring jobs: list, create or update, trigger, pause, resume, remove. */
export const RECURRING_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: 'api/recurring',
    operationId: 'listRecurring',
    async handle(context) {
      return ok((await context.docket.scheduler.listRecurring()).map(toApiRecurring));
    },
  },
  {
    method: 'GET',
    path: 'api/recurring/{id}',
    operationId: 'getRecurring',
    async handle(context) {
      const id = idParam(context, 'id');
      const recurring = await context.docket.scheduler.getRecurring(id);
      if (recurring === null) {
        throw notFound('RECURRING_JOB_NOT_FOUND', `No recurring job '${id}'`);
      }
      return ok(toApiRecurring(recurring));
    },
  },
  {
    method: 'PUT',
    path: 'api/recurring/{id}',
    operationId: 'addOrUpdateRecurring',
    handle: async (context) => ok(await addOrUpdate(context)),
  },
  {
    method: 'POST',
    path: 'api/recurring/{id}/trigger',
    operationId: 'triggerRecurring',
    async handle(context) {
      checkBodyFields(context, []);
      const jobId = await context.docket.scheduler.triggerRecurring(idParam(context, 'id'));
      return { status: 201, body: { jobId } };
    },
  },
  {
    method: 'POST',
    path: 'api/recurring/{id}/pause',
    operationId: 'pauseRecurring',
    handle: (context) =>
      recurringAction(context, (id) => context.docket.scheduler.pauseRecurring(id)),
  },
  {
    method: 'POST',
    path: 'api/recurring/{id}/resume',
    operationId: 'resumeRecurring',
    handle: (context) =>
      recurringAction(context, (id) => context.docket.scheduler.resumeRecurring(id)),
  },
  {
    method: 'DELETE',
    path: 'api/recurring/{id}',
    operationId: 'removeRecurring',
    handle: (context) =>
      recurringAction(context, (id) => context.docket.scheduler.removeRecurring(id)),
  },
];
