/** The batches' part of the OpenAPI document: their paths, and the schemas those refer to. */

import { BATCH_LIMITS } from '../../batches/batch-plan';
import { BATCH_STATES } from '../../batches/batch-verbs';
import { BATCH_FIELDS, CONTINUATION_OPTION_FIELDS } from '../api/batch-request';
import { errorResponse, jsonResponse, operation, pathParameter } from './openapi-operation';
import {
  array,
  bool,
  int,
  nullable,
  object,
  queryParameter,
  ref,
  str,
  time,
  type Schema,
} from './schema-builders';

const batchId = pathParameter('id', 'Batch id');

const CONDITION: Schema = {
  ...str,
  enum: ['succeeded', 'finished'],
  description: 'Run only if the batch succeeded, or once it ended either way',
};

const JOB_OPTIONS: Record<string, Schema> = {
  queue: str,
  priority: { ...int, minimum: -1000, maximum: 1000 },
  maxAttempts: { ...int, minimum: 1, maximum: 1000 },
  timeoutMs: { ...int, minimum: 1 },
  delayMs: {
    ...int,
    minimum: 0,
    maximum: 2_147_483_647,
    description: 'Due this long after the batch is created',
  },
  tags: { ...array({ ...str, maxLength: 100 }), minItems: 1, maxItems: 20 },
  startWithinMs: {
    ...int,
    minimum: 1,
    maximum: 2_147_483_647,
    description: 'Taken later than this after its due time, the job fails as expired',
  },
};

const CONTINUATION_OPTIONS = Object.fromEntries(
  CONTINUATION_OPTION_FIELDS.map((field) => [field, JOB_OPTIONS[field]]),
);

const BY_TYPE = {
  type: { ...str, description: "Stable job type name (@Job('name'))" },
  payload: { type: 'object', additionalProperties: true },
};

const BODY_ERRORS = {
  '400': errorResponse(
    'INVALID_INPUT or UNKNOWN_FIELD, details.field naming the part of the body (jobs[2].options.queue)',
  ),
  '422': errorResponse(
    'UNKNOWN_JOB_TYPE, JOB_VALIDATION (details.issues), NON_SERIALIZABLE_PAYLOAD; details.field names the job (jobs[2].payload)',
  ),
};

/** The schemas the batches' paths refer to, by name. */
export const BATCH_SCHEMAS: Record<string, Schema> = {
  BatchState: { ...str, enum: [...BATCH_STATES] },
  Batch: object({
    id: str,
    state: ref('BatchState'),
    description: nullable(str),
    parentBatchId: { ...nullable(str), description: 'The batch it is nested in' },
    total: { ...int, description: 'Jobs and nested batches in it' },
    succeeded: int,
    failed: { ...int, description: 'Jobs failed for good, nested batches ended finished' },
    deleted: { ...int, description: 'Jobs deleted before they finished, nested batches cancelled' },
    pending: int,
    continuations: int,
    createdAt: time,
    startedAt: nullable(time),
    finishedAt: nullable(time),
  }),
  BatchPage: object({ items: array(ref('Batch')), nextCursor: nullable(str) }),
  BatchJobOptions: object(JOB_OPTIONS, Object.keys(JOB_OPTIONS)),
  BatchJob: object({ ...BY_TYPE, options: ref('BatchJobOptions') }, ['payload', 'options']),
  BatchContinuation: object(
    {
      ...BY_TYPE,
      on: { ...CONDITION, default: 'succeeded' },
      options: object(CONTINUATION_OPTIONS, CONTINUATION_OPTION_FIELDS),
    },
    ['payload', 'on', 'options'],
  ),
  BatchRequest: object(
    {
      description: { ...str, maxLength: BATCH_LIMITS.descriptionLength },
      jobs: array(ref('BatchJob')),
      batches: { ...array(ref('BatchRequest')), description: 'Batches nested in this one' },
      continuations: array(ref('BatchContinuation')),
      options: { ...ref('BatchJobOptions'), description: "Defaults of the batch's jobs" },
    },
    BATCH_FIELDS,
  ),
  BatchCreated: object({ id: str }),
  BatchCancelResult: object({
    cancelled: { ...bool, description: 'False when the batch had ended already' },
  }),
};

/** The paths of batches. */
export function batchPaths(): Record<string, unknown> {
  return {
    '/api/batches': {
      get: operation(
        'listBatches',
        'Batches with their counts, newest first: all, those in a state, or those nested in one',
        { '200': jsonResponse('One page', ref('BatchPage')) },
        {
          parameters: [
            queryParameter('state', ref('BatchState'), 'Only batches in this state'),
            queryParameter(
              'parent',
              str,
              'Only the batches nested in the batch of this id; none: outermost batches only',
            ),
            queryParameter('cursor', str, 'nextCursor of the previous page (same filters)'),
            queryParameter(
              'limit',
              { ...int, minimum: 1, default: 20 },
              'Page size, at most maxPageSize',
            ),
          ],
        },
      ),
      post: operation(
        'createBatch',
        `Create a batch: jobs by type name, nested batches and continuations, all runnable or none (at least one job or nested batch; ${BATCH_LIMITS.depth} levels deep at most); nothing is written when any part is invalid`,
        { '201': jsonResponse('Created', ref('BatchCreated')) },
        {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('BatchRequest') } },
          },
          errors: BODY_ERRORS,
        },
        true,
      ),
    },
    '/api/batches/{id}': {
      get: operation(
        'getBatch',
        'One batch with its counts',
        { '200': jsonResponse('The batch', ref('Batch')) },
        { parameters: [batchId], errors: { '404': errorResponse('BATCH_NOT_FOUND') } },
      ),
    },
    '/api/batches/{id}/cancel': {
      post: operation(
        'cancelBatch',
        'Cancel a batch and those nested in it: their unfinished jobs are deleted (running ones aborted) and their continuations deleted',
        { '200': jsonResponse('Whether it was cancelled', ref('BatchCancelResult')) },
        { parameters: [batchId], errors: { '404': errorResponse('BATCH_NOT_FOUND') } },
        true,
      ),
    },
    '/api/batches/{id}/continuations': {
      post: operation(
        'continueBatch',
        'Add a continuation to a batch: a job that waits for it to end (it runs at once when the batch ended already; a cancelled batch deletes it)',
        { '201': jsonResponse("The continuation's job id", ref('BatchCreated')) },
        {
          parameters: [batchId],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('BatchContinuation') } },
          },
          errors: {
            ...BODY_ERRORS,
            '404': errorResponse('BATCH_NOT_FOUND (nothing is written)'),
          },
        },
        true,
      ),
    },
  };
}
