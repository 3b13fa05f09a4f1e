/**
 * The recurring jobs' part of the OpenAPI document: their paths, and the schemas of the request
 * that creates or updates one and of the job.
 */

import { MISSED_RUN_POLICIES, OVERLAP_POLICIES } from '../../recurring';
import { RECURRING_FIELDS } from '../api/recurring-routes';
import { errorResponse, jsonResponse, ok, operation, pathParameter } from './openapi-operation';
import { array, bool, int, nullable, object, ref, str, time, type Schema } from './schema-builders';

const recurringId = pathParameter('id', 'Recurring job id');

/** `PUT api/recurring/{id}`. */
export const RECURRING_REQUEST_SCHEMA: Schema = object(
  {
    type: { ...str, description: "Stable job type name (@Job('name'))" },
    payload: { type: 'object', additionalProperties: true },
    cron: { ...str, description: 'A cron expression; give it or everyMs' },
    everyMs: {
      ...int,
      minimum: 1000,
      maximum: 31_622_400_000,
      description: 'Interval schedule (ms); give it or cron',
    },
    startAt: time,
    endAt: { ...time, description: 'After startAt' },
    repeatLimit: { ...int, minimum: 1, maximum: 1_000_000_000 },
    overlap: { ...str, enum: [...OVERLAP_POLICIES], description: 'Default allow' },
    timeZone: { ...str, description: 'IANA time zone, default UTC' },
    queue: str,
    priority: { ...int, minimum: -1000, maximum: 1000 },
    maxAttempts: { ...int, minimum: 1, maximum: 1000 },
    timeoutMs: { ...int, minimum: 1 },
    missedRunPolicy: { ...str, enum: [...MISSED_RUN_POLICIES] },
  },
  RECURRING_FIELDS.filter((field) => field !== 'type'),
);

/** A recurring job as `GET api/recurring` lists it. */
export const RECURRING_JOB_SCHEMA: Schema = object({
  id: str,
  jobType: str,
  payload: { type: 'object', additionalProperties: true },
  cron: nullable(str),
  timeZone: str,
  everyMs: nullable(int),
  startAt: nullable(time),
  endAt: nullable(time),
  repeatLimit: nullable(int),
  remainingRuns: nullable(int),
  runCount: int,
  overlap: { ...str, enum: [...OVERLAP_POLICIES] },
  skippedCount: int,
  lastSkippedAt: nullable(time),
  waiting: bool,
  ended: bool,
  queue: str,
  priority: int,
  maxAttempts: nullable(int),
  timeoutMs: nullable(int),
  paused: bool,
  missedRunPolicy: str,
  nextRunAt: nullable(time),
  lastRunAt: nullable(time),
  lastJobId: nullable(str),
  createdAt: time,
  updatedAt: time,
});

/** The paths of `api/recurring`, in the document's order. */
export function recurringPaths(): Record<string, unknown> {
  return {
    '/api/recurring': {
      get: operation('listRecurring', 'Recurring jobs with their next and last run', {
        '200': jsonResponse('Recurring jobs', array(ref('RecurringJob'))),
      }),
    },
    '/api/recurring/{id}': {
      get: operation(
        'getRecurring',
        'One recurring job with its schedule, last run and next run',
        { '200': jsonResponse('The recurring job', ref('RecurringJob')) },
        {
          parameters: [recurringId],
          errors: { '404': errorResponse('RECURRING_JOB_NOT_FOUND') },
        },
      ),
      put: operation(
        'addOrUpdateRecurring',
        'Create a recurring job, or update it to this definition (the payload is validated against its type; nothing is written when anything is invalid)',
        { '200': jsonResponse('The recurring job as stored', ref('RecurringJob')) },
        {
          parameters: [recurringId],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('RecurringRequest') } },
          },
          errors: {
            '400': errorResponse(
              'INVALID_INPUT (details.field: id, timeZone, queue...), INVALID_CRON_EXPRESSION (details.field: cron), UNKNOWN_FIELD',
            ),
            '422': errorResponse(
              'UNKNOWN_JOB_TYPE, JOB_VALIDATION (details.issues), NON_SERIALIZABLE_PAYLOAD',
            ),
          },
        },
        true,
      ),
      delete: operation(
        'removeRecurring',
        'Remove a recurring job (jobs it enqueued stay)',
        { '200': ok },
        {
          parameters: [recurringId],
          errors: { '404': errorResponse('RECURRING_JOB_NOT_FOUND') },
        },
        true,
      ),
    },
    '/api/recurring/{id}/trigger': {
      post: operation(
        'triggerRecurring',
        'Enqueue one job of a recurring job now',
        { '201': jsonResponse('Enqueued', ref('TriggerResult')) },
        {
          parameters: [recurringId],
          errors: { '404': errorResponse('RECURRING_JOB_NOT_FOUND') },
        },
        true,
      ),
    },
    '/api/recurring/{id}/pause': {
      post: operation(
        'pauseRecurring',
        'Stop a recurring job from enqueuing',
        { '200': ok },
        {
          parameters: [recurringId],
          errors: { '404': errorResponse('RECURRING_JOB_NOT_FOUND') },
        },
        true,
      ),
    },
    '/api/recurring/{id}/resume': {
      post: operation(
        'resumeRecurring',
        'Resume a paused recurring job from its next occurrence',
        { '200': ok },
        {
          parameters: [recurringId],
          errors: { '404': errorResponse('RECURRING_JOB_NOT_FOUND') },
        },
        true,
      ),
    },
  };
}
