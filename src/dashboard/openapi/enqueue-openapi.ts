/** The OpenAPI schema of the enqueue request (`POST api/jobs`): its fields and their limits. */

import { ENQUEUE_FIELDS } from '../api/job-routes';
import { array, int, object, str, time, type Schema } from './schema-builders';

/** `POST api/jobs`. */
export const ENQUEUE_REQUEST_SCHEMA: Schema = object(
  {
    type: { ...str, description: "Stable job type name (@Job('name'))" },
    payload: { type: 'object', additionalProperties: true },
    queue: str,
    priority: { ...int, minimum: -1000, maximum: 1000 },
    maxAttempts: { ...int, minimum: 1, maximum: 1000 },
    timeoutMs: { ...int, minimum: 1 },
    uniqueKey: str,
    debounce: {
      ...object({
        key: { ...str, minLength: 1, maxLength: 500 },
        windowMs: { ...int, minimum: 1, maximum: 2_147_483_647 },
      }),
      description: 'Fold enqueues of key into one pending job, due windowMs after the last',
    },
    delayMs: { ...int, minimum: 0 },
    runAt: {
      ...time,
      description:
        'ISO 8601 with a zone (Z or ±hh:mm); dates and times that do not exist (2030-02-31, T24:00) are refused',
    },
    id: {
      ...str,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'The job id, chosen by the caller; another job having it answers 409',
    },
    onDuplicateId: {
      ...str,
      enum: ['throw', 'return'],
      description: "With id: 'return' answers the existing job's id instead of 409",
    },
    onDuplicateKey: {
      ...str,
      enum: ['return', 'replace'],
      description:
        "With uniqueKey: 'replace' gives a waiting holder of the key this request's payload, options and due time (an upsert); a running holder is left as it is. Either way the answer is the holder's id",
    },
    tags: { ...array({ ...str, maxLength: 100 }), minItems: 1, maxItems: 20 },
    startWithinMs: {
      ...int,
      minimum: 1,
      maximum: 2_147_483_647,
      description: 'Taken later than this after its due time, the job fails as expired',
    },
    concurrencyKey: {
      ...object(
        {
          key: { ...str, minLength: 1, maxLength: 200 },
          limit: { ...int, minimum: 1, maximum: 1000 },
          order: { ...str, enum: ['any', 'fifo'] },
        },
        ['limit', 'order'],
      ),
      description:
        "At most limit jobs of the key run at once across servers (1 by default: a mutex); 'fifo' runs them in enqueue order. Without it, the handler's key applies",
    },
  },
  ENQUEUE_FIELDS.filter((field) => field !== 'type'),
);
