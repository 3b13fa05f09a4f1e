/** The OpenAPI schemas of the dashboard's API (the `components.schemas` of its document). */

import { BULK_ACTIONS } from '../../bulk-actions';
import { FINISHED_STATES } from '../../storage/job-record';
import { API_HISTORY_RANGES, API_JOB_STATES } from '../api-types';
import { ENQUEUE_REQUEST_SCHEMA } from './enqueue-openapi';
import { RECURRING_JOB_SCHEMA, RECURRING_REQUEST_SCHEMA } from './recurring-openapi';
import { array, bool, int, nullable, object, ref, str, time, type Schema } from './schema-builders';

const PAYLOAD_VALUE: Schema = { oneOf: [str, { type: 'number' }, bool] };

const jobSummaryProperties: Record<string, Schema> = {
  id: str,
  type: str,
  queue: str,
  state: ref('JobState'),
  priority: int,
  attempt: int,
  maxAttempts: nullable(int),
  createdAt: time,
  dueAt: time,
  startedAt: nullable(time),
  finishedAt: nullable(time),
  durationMs: nullable(int),
  progress: nullable(ref('JobProgress')),
};

/** Every schema the paths refer to, by name. */
export const schemas: Record<string, Schema> = {
  JobState: { type: 'string', enum: [...API_JOB_STATES] },
  Error: object({
    error: object(
      {
        code: { ...str, description: 'Stable SCREAMING_SNAKE code, e.g. JOB_NOT_FOUND' },
        message: str,
        details: { type: 'object', additionalProperties: true },
      },
      ['details'],
    ),
  }),
  JobProgress: object({ percent: { type: 'number' }, message: str, at: time }, ['message']),
  JobError: object({ name: str, message: str, stack: str }, ['stack']),
  JobSummary: object(
    {
      ...jobSummaryProperties,
      error: nullable(object({ name: str, message: str })),
      tags: { ...array(str), description: 'The tags it was enqueued with; absent when none' },
    },
    ['tags'],
  ),
  JobHistoryEntry: object({ state: ref('JobState'), at: time, serverId: str, reason: str }, [
    'serverId',
    'reason',
  ]),
  ConcurrencyKey: object(
    {
      key: { ...str, description: "The job's concurrency key; the object is absent when none" },
      limit: { ...int, description: 'Most jobs of the key running at once, across all servers' },
      order: { ...str, enum: ['any', 'fifo'], description: "'fifo': in enqueue order" },
    },
    ['key', 'limit', 'order'],
  ),
  JobDetail: object(
    {
      ...jobSummaryProperties,
      payload: {
        type: 'object',
        additionalProperties: true,
        description: 'The stored payload in relaxed Extended JSON',
      },
      timeoutMs: nullable(int),
      startWithinMs: {
        ...int,
        description:
          "How long after dueAt it may still start (ms), when the enqueue set it; absent: the handler's setting",
      },
      tags: { ...array(str), description: 'The tags it was enqueued with; absent when none' },
      error: nullable(ref('JobError')),
      history: array(ref('JobHistoryEntry')),
      leaseOwner: nullable(str),
      leaseExpiresAt: nullable(time),
      uniqueKey: nullable(str),
      concurrencyKey: ref('ConcurrencyKey'),
      parentId: nullable(str),
      batchId: { ...str, description: 'The batch the job is in; absent when none' },
      awaitsBatch: { ...str, description: 'For a batch continuation: the batch it waits for' },
      batchCondition: {
        ...str,
        enum: ['succeeded', 'finished'],
        description: 'For a batch continuation: it runs if the batch succeeded, or once it ended',
      },
      expireAt: nullable(time),
      deadLetteredAt: {
        ...time,
        description: 'When it entered the dead-letter queue; absent when not in it',
      },
      result: {
        description: 'What handle() resolved with (relaxed Extended JSON); absent when none',
      },
      parentResult: { description: "For a continuation: its parent's result" },
      logLines: { ...int, description: 'Lines its handlers logged, dropped ones included' },
      artefacts: array(ref('Artefact')),
      metadata: {
        type: 'object',
        additionalProperties: str,
        description: 'What job filters stored with the job at enqueue',
      },
      checkpoint: ref('JobCheckpoint'),
      snoozeCount: { ...int, description: 'How many times its handlers snoozed it' },
      snoozes: array(ref('JobSnooze')),
    },
    [
      'result',
      'parentResult',
      'batchId',
      'awaitsBatch',
      'batchCondition',
      'startWithinMs',
      'tags',
      'checkpoint',
      'deadLetteredAt',
      'concurrencyKey',
    ],
  ),
  JobCheckpoint: object({
    data: { description: 'What the handler saved (relaxed Extended JSON)' },
    at: time,
    attempt: int,
  }),
  JobSnooze: object({ at: time, until: time, attempt: int, reason: str }, ['reason']),
  Artefact: object({
    name: str,
    size: int,
    contentType: str,
    attempt: int,
    at: time,
  }),
  JobLogLine: object(
    {
      seq: { ...int, description: "The line's place in the job's log, from 0" },
      attempt: int,
      at: time,
      level: str,
      message: str,
      meta: { ...str, description: "The line's other fields, as JSON text" },
      truncated: { type: 'boolean', const: true, description: 'The log reached its limit here' },
    },
    ['meta', 'truncated'],
  ),
  JobLogPage: object({
    lines: array(ref('JobLogLine')),
    next: { ...nullable(int), description: 'The after of the next page; null at the end for now' },
  }),
  JobCount: object({
    count: { ...int, description: 'All that match when exact, else the limit (10,000)' },
    exact: bool,
  }),
  JobPage: object({
    items: array(ref('JobSummary')),
    nextCursor: nullable(str),
    total: { ...nullable(ref('JobCount')), description: 'null when counting took too long' },
  }),
  TimeRange: object({ from: time, to: time }, ['from', 'to']),
  JobFilter: object(
    {
      state: { oneOf: [ref('JobState'), { ...array(ref('JobState')), minItems: 1 }] },
      queue: str,
      type: { ...str, description: 'Exact job type name' },
      typePrefix: str,
      idPrefix: { ...str, maxLength: 500 },
      batchId: { ...str, maxLength: 500, description: 'Only the jobs of this batch' },
      errorContains: { ...str, maxLength: 200, description: 'Ignoring case, not a pattern' },
      deadLettered: {
        type: 'boolean',
        description: 'Only jobs in (true) or out of (false) the dead-letter queue',
      },
      payload: {
        type: 'object',
        description:
          'Payload fields by path (customer.id: identifiers joined by dots): equality with a string, number or boolean, or any of an array of them',
        additionalProperties: {
          oneOf: [PAYLOAD_VALUE, { ...array(PAYLOAD_VALUE), minItems: 1, maxItems: 20 }],
        },
      },
      tags: {
        ...array({ ...str, maxLength: 100 }),
        minItems: 1,
        maxItems: 20,
        description: 'Tags the job carries, every one of them',
      },
      createdAt: ref('TimeRange'),
      finishedAt: ref('TimeRange'),
      dueAt: ref('TimeRange'),
    },
    [
      'state',
      'queue',
      'type',
      'typePrefix',
      'idPrefix',
      'batchId',
      'errorContains',
      'deadLettered',
      'payload',
      'tags',
      'createdAt',
      'finishedAt',
      'dueAt',
    ],
  ),
  BulkRequest: object(
    {
      action: { ...str, enum: [...BULK_ACTIONS] },
      ids: { ...array(str), minItems: 1, maxItems: 1000 },
      filter: { ...ref('JobFilter'), description: 'At least one condition' },
    },
    ['ids', 'filter'],
  ),
  BulkResult: object({
    action: { ...str, enum: [...BULK_ACTIONS] },
    matched: int,
    changed: int,
    conflicts: int,
  }),
  RecurringRequest: RECURRING_REQUEST_SCHEMA,
  JobWaitResult: {
    oneOf: [
      object({ finished: { ...bool, const: true }, job: ref('JobDetail') }),
      object({
        finished: { ...bool, const: false },
        state: {
          ...str,
          enum: API_JOB_STATES.filter(
            (state) => !(FINISHED_STATES as readonly string[]).includes(state),
          ),
        },
      }),
    ],
  },
  EnqueueRequest: ENQUEUE_REQUEST_SCHEMA,
  EnqueueResult: object({ id: str }),
  ActionResult: object({ ok: { type: 'boolean', const: true } }),
  TriggerResult: object({ jobId: str }),
  QueueStateResult: object({ name: str, paused: bool, changed: bool }),
  QueueDrainResult: object({ name: str, matched: int, changed: int }),
  ThroughputBucket: object({ at: time, succeeded: int, failed: int }),
  Queue: object({
    name: str,
    paused: bool,
    counts: { type: 'object', additionalProperties: int },
    length: int,
  }),
  Stats: object({
    now: time,
    states: object(Object.fromEntries(API_JOB_STATES.map((state) => [state, int]))),
    queues: array(ref('Queue')),
    lastHour: { ...array(ref('ThroughputBucket')), minItems: 60, maxItems: 60 },
    lastDay: { ...array(ref('ThroughputBucket')), minItems: 24, maxItems: 24 },
    servers: object({ alive: int, total: int }),
    recurring: int,
    unhandled: array(ref('UnhandledJobType')),
    rateLimits: array(ref('RateLimit')),
  }),
  RateLimit: object({
    scope: { ...str, enum: ['type', 'queue'] },
    name: str,
    max: int,
    intervalMs: int,
    used: {
      ...int,
      description: 'Starts counted in the window ending now (unsettled reservations included)',
    },
    throttledUntil: {
      ...nullable(time),
      description:
        "While the window is full: the earliest time a start may be granted (the database's clock)",
    },
  }),
  HistoryBucket: object({
    at: time,
    succeeded: int,
    failed: int,
    latencyAvgMs: {
      ...nullable(int),
      description:
        "Average of startedAt - dueAt over the bucket's jobs (their last attempt), in ms; null when none",
    },
    latencyMaxMs: { ...nullable(int), description: 'The longest of those waits, in ms' },
  }),
  StatsHistory: object({
    now: time,
    range: { ...str, enum: [...API_HISTORY_RANGES] },
    bucketMs: int,
    queue: nullable(str),
    type: nullable(str),
    buckets: { ...array(ref('HistoryBucket')), minItems: 24, maxItems: 60 },
    queues: { ...array(str), description: 'Every queue the stored jobs name, sorted' },
    types: { ...array(str), description: 'Every job type of the stored jobs, sorted' },
  }),
  UnhandledJobType: object({
    type: str,
    waiting: { ...int, description: 'Due jobs of the type (enqueued, or scheduled and due)' },
    oldestDueAt: time,
  }),
  QueueStateRequest: object({ allowUnknown: bool }, ['allowUnknown']),
  QueueDrainRequest: object({ includeScheduled: bool }, ['includeScheduled']),
  RecurringJob: RECURRING_JOB_SCHEMA,
  Server: object({
    id: str,
    hostname: str,
    pid: int,
    queues: array(str),
    jobTypes: nullable(array(str)),
    concurrency: int,
    running: int,
    overrunning: int,
    pickup: nullable({ type: 'string', enum: ['change-stream', 'notifications', 'polling'] }),
    startedAt: time,
    heartbeatAt: time,
    heartbeatAgeMs: int,
    alive: bool,
  }),
  ServerJobs: object({
    serverId: str,
    items: array(ref('JobSummary')),
    truncated: { ...bool, description: 'More jobs hold its lease than limit' },
  }),
  JobTypes: object({
    types: array(str),
    unhandled: array(ref('UnhandledJobType')),
    schemas: {
      type: 'object',
      description: "Each type's payload JSON Schema, from its class-validator rules",
      additionalProperties: { type: 'object', additionalProperties: true },
    },
  }),
};
