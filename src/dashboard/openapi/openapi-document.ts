/*
 * The OpenAPI 3.1 description of the dashboard's API, served at `api/openapi.json` and kept
 * in the repository as `docs/openapi.json` (a test checks both against the route table).
 * Paths are relative to the dashboard's base path.
 */

import { API_HISTORY_RANGES } from '../api-types';
import { BATCH_SCHEMAS, batchPaths } from './batch-openapi';
import { SCHEMA_STATUS_SCHEMAS, schemaStatusPaths } from './schema-openapi';
import { EVENT_SCHEMAS, eventPaths } from './event-openapi';
import { JOB_EDIT_SCHEMAS, jobEditPaths } from './job-edit-openapi';
import { JOB_LIST_PARAMETERS } from './job-list-parameters';
import { recurringPaths } from './recurring-openapi';
import {
  COMMON_ERRORS,
  errorResponse,
  jsonResponse,
  ok,
  operation,
  pathParameter,
} from './openapi-operation';
import { schemas } from './openapi-schemas';
import { array, int, queryParameter, ref, str } from './schema-builders';

const jobId = pathParameter('id', 'Job id');
const queueName = pathParameter('name', 'Queue name ([A-Za-z0-9_.:-], at most 100 characters)');
const serverId = pathParameter('id', 'Server id, as api/servers lists it');

/** Parameters, body and errors of pausing and resuming a queue. */
const queueStateExtra = (allowed: string) => ({
  parameters: [queueName],
  requestBody: {
    required: false,
    description: `allowUnknown: accept a queue nothing uses yet (${allowed}); {} otherwise`,
    content: { 'application/json': { schema: ref('QueueStateRequest') } },
  },
  errors: {
    '404': errorResponse('No job, server, recurring job or stored state uses it (UNKNOWN_QUEUE)'),
  },
});

/** Builds the OpenAPI document (a fresh object each call). */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Docket dashboard API',
      version: '1',
      description:
        'Monitor and steer Docket jobs. Paths are relative to the base path the dashboard is ' +
        'mounted at. Actions (POST, PUT, DELETE) require Content-Type: application/json and are ' +
        'refused cross-site (Origin / Sec-Fetch-Site). Every error has the Error shape.',
    },
    paths: {
      '/api/stats': {
        get: operation(
          'getStats',
          'Counts per state and queue, throughput of the last hour and day',
          {
            '200': jsonResponse('Statistics', ref('Stats')),
          },
        ),
      },
      '/api/stats/history': {
        get: operation(
          'getStatsHistory',
          "Succeeded and failed jobs and their queue latency (how long each one's last attempt waited past its due time before a server claimed it) per minute over the last hour or per hour over the last day, for one queue and one job type or all; with the queues and types there are to choose from",
          { '200': jsonResponse('Buckets, oldest first', ref('StatsHistory')) },
          {
            parameters: [
              queryParameter(
                'range',
                { ...str, enum: [...API_HISTORY_RANGES], default: 'lastHour' },
                'lastHour: 60 buckets of a minute; lastDay: 24 buckets of an hour',
              ),
              queryParameter('queue', str, 'Only jobs of this queue'),
              queryParameter('type', { ...str, maxLength: 200 }, 'Only jobs of this type'),
            ],
          },
        ),
      },
      '/api/jobs': {
        get: operation(
          'listJobs',
          'Jobs by state, queue, type, id, error text, payload fields, tags and times, with how many match; finished states newest first, unfinished ones soonest due first',
          { '200': jsonResponse('One page, and the total', ref('JobPage')) },
          {
            parameters: JOB_LIST_PARAMETERS,
          },
        ),
        post: operation(
          'enqueueJob',
          'Enqueue (or schedule, with delayMs or runAt) a job by type name',
          { '201': jsonResponse('Stored', ref('EnqueueResult')) },
          {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref('EnqueueRequest') } },
            },
            errors: {
              '409': errorResponse('DUPLICATE_JOB_ID: another job has the id (details.jobId)'),
              '422': errorResponse(
                "UNKNOWN_JOB_TYPE, JOB_VALIDATION (details.issues), NON_SERIALIZABLE_PAYLOAD, INVALID_CONCURRENCY_KEY (the handler's key function failed, or the key given is empty, too long or has control characters)",
              ),
            },
          },
          true,
        ),
      },
      '/api/jobs/bulk': {
        post: operation(
          'bulkJobAction',
          'Retry failed jobs, requeue finished or scheduled ones (due now), delete any but deleted ones, redrive dead-lettered ones or purge finished ones (removed for good), given by ids (at most 1,000) or by a filter; done in batches on the server, a job that changed state meanwhile is left as it is',
          { '200': jsonResponse('What was done', ref('BulkResult')) },
          {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref('BulkRequest') } },
            },
          },
          true,
        ),
      },
      '/api/jobs/{id}': {
        get: operation(
          'getJob',
          'One job in full: payload, history, error with stack, progress, timing',
          { '200': jsonResponse('The job', ref('JobDetail')) },
          { parameters: [jobId], errors: { '404': errorResponse('JOB_NOT_FOUND') } },
        ),
        delete: operation(
          'deleteJob',
          'Delete a job in any state (a running one is aborted, a finished one is kept as deleted until retention removes it; a deleted one stays as it is)',
          { '200': ok },
          { parameters: [jobId], errors: { '404': errorResponse('JOB_NOT_FOUND') } },
          true,
        ),
      },
      '/api/jobs/{id}/logs': {
        get: operation(
          'getJobLogs',
          "A page of the lines a job's handlers logged, in order, over all attempts",
          { '200': jsonResponse('The lines', ref('JobLogPage')) },
          {
            parameters: [
              jobId,
              queryParameter(
                'after',
                { ...int, minimum: 0 },
                "The seq of the first line (0 when absent): the previous page's next, or the last line's seq + 1 to follow",
              ),
              queryParameter(
                'limit',
                { ...int, minimum: 1 },
                'Lines per page (20 when absent, at most maxPageSize)',
              ),
            ],
            errors: { '404': errorResponse('JOB_NOT_FOUND') },
          },
        ),
      },
      '/api/jobs/{id}/artefacts/{name}': {
        get: {
          operationId: 'downloadArtefact',
          summary:
            "Download a file a job's handler stored: always application/octet-stream, as an attachment named after it",
          parameters: [jobId, pathParameter('name', 'The artefact name')],
          responses: {
            '200': {
              description: 'The bytes',
              content: {
                'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              },
            },
            ...COMMON_ERRORS,
            '404': errorResponse('JOB_NOT_FOUND or ARTEFACT_NOT_FOUND'),
          },
        },
      },
      '/api/jobs/{id}/wait': {
        get: operation(
          'waitForJob',
          'Wait until a job finishes (long poll): answers as soon as it finishes (succeeded, failed or deleted), or with finished: false and its state once timeoutMs (at most maxWaitMs) passed; ask again to wait longer',
          {
            '200': jsonResponse(
              'The finished job, or the state it is still in',
              ref('JobWaitResult'),
            ),
          },
          {
            parameters: [
              jobId,
              queryParameter(
                'timeoutMs',
                { ...int, minimum: 0 },
                "The longest wait in ms; larger values, and none, wait the dashboard's maxWaitMs (30000 by default)",
              ),
            ],
            errors: {
              '404': errorResponse('JOB_NOT_FOUND'),
              '503': errorResponse(
                'MongoDB unavailable (STORAGE_UNAVAILABLE), or Docket closed meanwhile (DOCKET_CLOSED)',
              ),
            },
          },
        ),
      },
      '/api/jobs/{id}/requeue': {
        post: operation(
          'requeueJob',
          'Run a finished job again (retry)',
          { '200': ok },
          {
            parameters: [jobId],
            errors: {
              '404': errorResponse('JOB_NOT_FOUND'),
              '409': errorResponse('JOB_NOT_FINISHED or UNIQUE_KEY_CONFLICT'),
            },
          },
          true,
        ),
      },
      '/api/job-types': {
        get: operation(
          'listJobTypes',
          'Job types whose classes the dashboard process has loaded, with the JSON Schema of their payloads, and those no live server handles',
          {
            '200': jsonResponse('Type names', ref('JobTypes')),
          },
        ),
      },
      ...recurringPaths(),
      ...jobEditPaths(),
      ...batchPaths(),
      ...schemaStatusPaths(),
      ...eventPaths(),
      '/api/servers': {
        get: operation(
          'listServers',
          'Servers: alive, heartbeat age, queues, concurrency, running jobs',
          {
            '200': jsonResponse('Servers', array(ref('Server'))),
          },
        ),
      },
      '/api/servers/{id}/jobs': {
        get: operation(
          'listServerJobs',
          'The jobs a server is running now (processing, holding its lease), longest running first',
          { '200': jsonResponse('Its running jobs', ref('ServerJobs')) },
          {
            parameters: [
              serverId,
              queryParameter(
                'limit',
                { ...int, minimum: 1, default: 20 },
                'At most this many jobs (at most maxPageSize)',
              ),
            ],
            errors: { '404': errorResponse('No such server is listed (SERVER_NOT_FOUND)') },
          },
        ),
      },
      '/api/queues': {
        get: operation('listQueues', 'Queues: length, counts per state, paused', {
          '200': jsonResponse('Queues', array(ref('Queue'))),
        }),
      },
      '/api/queues/{name}/pause': {
        post: operation(
          'pauseQueue',
          'Pause a queue: no server claims from it until resumed',
          { '200': jsonResponse('New state', ref('QueueStateResult')) },
          queueStateExtra('pause it ahead of time'),
          true,
        ),
      },
      '/api/queues/{name}/resume': {
        post: operation(
          'resumeQueue',
          'Resume a paused queue',
          { '200': jsonResponse('New state', ref('QueueStateResult')) },
          queueStateExtra('answer changed: false'),
          true,
        ),
      },
      '/api/queues/{name}/drain': {
        post: operation(
          'drainQueue',
          'Delete the jobs of a queue that wait to run (enqueued; scheduled too with includeScheduled), in batches on the server; running jobs finish',
          { '200': jsonResponse('What was deleted', ref('QueueDrainResult')) },
          {
            parameters: [queueName],
            requestBody: {
              required: false,
              content: { 'application/json': { schema: ref('QueueDrainRequest') } },
            },
          },
          true,
        ),
      },
      '/api/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: {
            '200': jsonResponse('OpenAPI 3.1 document', { type: 'object' }),
            ...COMMON_ERRORS,
          },
        },
      },
    },
    components: {
      schemas: {
        ...schemas,
        ...BATCH_SCHEMAS,
        ...SCHEMA_STATUS_SCHEMAS,
        ...EVENT_SCHEMAS,
        ...JOB_EDIT_SCHEMAS,
      },
    },
  };
}
