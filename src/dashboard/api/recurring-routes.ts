import type { RecurringOptions } from '../../recurring';
import type { ApiRecurringJob } from '../api-types';
import { notFound } from '../http/http-problem';
import { toApiRecurring } from '../queries/to-api';
import { checkBodyFields, idParam } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import { jobFromRequest } from './job-from-request';

const RECURRING_FIELDS = [
  'type',
  'payload',
  'cron',
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
  const { type, payload, cron, ...options } = context.body;
  const job = jobFromRequest(type, payload);
  const { scheduler } = context.docket;
  // Types are the scheduler's to check: a wrong one is a 400 naming the field.
  await scheduler.addOrUpdateRecurring(id, job, cron as string, options as RecurringOptions);
  const saved = (await scheduler.listRecurring()).find((recurring) => recurring.id === id);
  // Removed by another caller between the save and the read.
  if (saved === undefined) {
    throw notFound('RECURRING_JOB_NOT_FOUND', `Recurring job '${id}' was removed meanwhile`);
  }
  return toApiRecurring(saved);
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
