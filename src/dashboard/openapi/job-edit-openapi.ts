/** The OpenAPI paths of the changes to one job from outside (see `job-edit-routes.ts`). */

import { errorResponse, ok, operation, pathParameter } from './openapi-operation';
import { int, object, ref, str, time, type Schema } from './schema-builders';

const jobId = pathParameter('id', 'Job id');

/** The schemas the paths below refer to. */
export const JOB_EDIT_SCHEMAS: Record<string, Schema> = {
  RescheduleRequest: {
    ...object(
      {
        runAt: {
          ...time,
          description: 'ISO 8601 with a zone (Z or ±hh:mm): the new due time',
        },
        delayMs: {
          ...int,
          minimum: 0,
          description: 'Due this long from now',
        },
      },
      ['runAt', 'delayMs'],
    ),
    description: 'Exactly one of runAt and delayMs',
  },
  PriorityRequest: object({ priority: { ...int, minimum: -1000, maximum: 1000 } }),
  PayloadRequest: object({
    payload: {
      type: 'object',
      additionalProperties: true,
      description: "The job's fields, validated against its own type as enqueue validates them",
    },
  }),
  SucceedRequest: object(
    { result: { description: "The job's result, as a handler's return value is stored" } },
    ['result'],
  ),
  FailRequest: object({
    message: { ...str, minLength: 1, maxLength: 4000, description: "The job's error message" },
  }),
};

const body = (schema: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(schema) } },
});

const NOT_FOUND = errorResponse('JOB_NOT_FOUND');
const NOT_WAITING = errorResponse(
  'JOB_NOT_WAITING: the job is running or finished (or awaiting its parent, for a due time), or a server claimed it meanwhile (details.state)',
);
const FINISHED = errorResponse('JOB_FINISHED: the job finished already (details.state)');

/** The paths of the changes to one job. */
export function jobEditPaths(): Record<string, unknown> {
  return {
    '/api/jobs/{id}/run-now': {
      post: operation(
        'runJobNow',
        'Make a waiting (enqueued or scheduled) job due now; one already due keeps its place in line',
        { '200': ok },
        { parameters: [jobId], errors: { '404': NOT_FOUND, '409': NOT_WAITING } },
        true,
      ),
    },
    '/api/jobs/{id}/reschedule': {
      post: operation(
        'rescheduleJob',
        'Move the due time of a waiting (enqueued or scheduled) job; its attempts stay',
        { '200': ok },
        {
          parameters: [jobId],
          requestBody: body('RescheduleRequest'),
          errors: { '404': NOT_FOUND, '409': NOT_WAITING },
        },
        true,
      ),
    },
    '/api/jobs/{id}/priority': {
      post: operation(
        'changeJobPriority',
        'Set the priority of a waiting (enqueued, scheduled or awaiting) job',
        { '200': ok },
        {
          parameters: [jobId],
          requestBody: body('PriorityRequest'),
          errors: { '404': NOT_FOUND, '409': NOT_WAITING },
        },
        true,
      ),
    },
    '/api/jobs/{id}/payload': {
      put: operation(
        'replaceJobPayload',
        'Replace the payload of a waiting (enqueued, scheduled or awaiting) job, validated against its type; a server claiming it at the same moment runs the old payload (409) or the new one, never a mix',
        { '200': ok },
        {
          parameters: [jobId],
          requestBody: body('PayloadRequest'),
          errors: {
            '404': NOT_FOUND,
            '409': NOT_WAITING,
            '422': errorResponse(
              'UNKNOWN_JOB_TYPE (its class is not loaded in the dashboard process), JOB_VALIDATION (details.issues), NON_SERIALIZABLE_PAYLOAD (a job too large to store answers 413 PAYLOAD_TOO_LARGE)',
            ),
          },
        },
        true,
      ),
    },
    '/api/jobs/{id}/succeed': {
      post: operation(
        'markJobSucceeded',
        'Record that a waiting or running job succeeded (an outcome reported from outside): a running attempt loses its lease; continuations, batches and waits follow',
        { '200': ok },
        {
          parameters: [jobId],
          requestBody: { ...body('SucceedRequest'), required: false },
          errors: {
            '404': NOT_FOUND,
            '409': FINISHED,
            '422': errorResponse('NON_SERIALIZABLE_RESULT, RESULT_TOO_LARGE'),
          },
        },
        true,
      ),
    },
    '/api/jobs/{id}/fail': {
      post: operation(
        'markJobFailed',
        'Record that a waiting or running job failed for good (an outcome reported from outside; no retry follows)',
        { '200': ok },
        {
          parameters: [jobId],
          requestBody: body('FailRequest'),
          errors: { '404': NOT_FOUND, '409': FINISHED },
        },
        true,
      ),
    },
  };
}
