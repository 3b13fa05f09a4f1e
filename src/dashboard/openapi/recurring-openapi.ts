/** The OpenAPI schemas of recurring jobs: the request that creates or updates one, and the job. */

import { MISSED_RUN_POLICIES, OVERLAP_POLICIES } from '../../recurring';
import { RECURRING_FIELDS } from '../api/recurring-routes';
import { bool, int, nullable, object, str, time, type Schema } from './schema-builders';

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
