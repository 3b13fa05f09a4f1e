/** The job events' part of the OpenAPI document: its path, and the schemas it refers to. */

import { JOB_STREAM_EVENT_NAMES } from '../../storage/job-stream-event';
import { errorResponse, jsonResponse, operation } from './openapi-operation';
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

const ERROR: Schema = nullable(object({ name: str, message: str }));

/** The schemas `GET api/events` answers with. */
export const EVENT_SCHEMAS: Record<string, Schema> = {
  JobEvent: object(
    {
      event: { ...str, enum: [...JOB_STREAM_EVENT_NAMES] },
      jobId: str,
      jobType: str,
      queue: str,
      at: time,
      attempt: { ...int, minimum: 0 },
      position: { ...str, description: 'The after of a request that goes on after this event' },
      dueAt: { ...nullable(time), description: 'enqueued, scheduled' },
      serverId: { ...nullable(str), description: 'started' },
      percent: { type: 'number', minimum: 0, maximum: 100, description: 'progress' },
      message: { ...nullable(str), description: 'progress' },
      error: { ...ERROR, description: 'retried, failed, deleted' },
      nextAttemptAt: { ...nullable(time), description: 'retried' },
      until: { ...nullable(time), description: 'snoozed' },
      hasResult: { ...bool, description: 'succeeded' },
    },
    ['dueAt', 'serverId', 'percent', 'message', 'error', 'nextAttemptAt', 'until', 'hasResult'],
  ),
  JobEventPage: object({
    events: array(ref('JobEvent')),
    position: {
      ...nullable(str),
      description: 'The after of the next request; null when the deployment could not tell yet',
    },
  }),
};

/** `GET api/events`. */
export function eventPaths(): Record<string, unknown> {
  const list = (description: string) => ({ ...str, description });
  return {
    '/api/events': {
      get: operation(
        'readJobEvents',
        'Lifecycle events of jobs of every process (long poll): answers as soon as events arrive after the position given (or after the request came), or with none once timeoutMs (at most maxWaitMs) passed; ask again with the position answered to go on',
        { '200': jsonResponse('The events, and where the stream stands', ref('JobEventPage')) },
        {
          parameters: [
            queryParameter(
              'after',
              str,
              'A position an earlier answer gave: only the events after it (absent: from now)',
            ),
            queryParameter(
              'queues',
              list('Comma-separated queue names (absent: all)'),
              'Only these queues',
            ),
            queryParameter(
              'types',
              list('Comma-separated job types (absent: all)'),
              'Only these job types',
            ),
            queryParameter(
              'events',
              list(`Comma-separated, of ${JOB_STREAM_EVENT_NAMES.join(', ')} (absent: all)`),
              'Only these events',
            ),
            queryParameter(
              'timeoutMs',
              { ...int, minimum: 0 },
              "The longest wait in ms; larger values, and none, wait the dashboard's maxWaitMs (30000 by default)",
            ),
            queryParameter(
              'limit',
              { ...int, minimum: 1 },
              'The most events per answer (20 when absent, at most maxPageSize)',
            ),
          ],
          errors: {
            '410': errorResponse(
              'The position is no longer held (JOB_EVENTS_LOST): start again without after',
            ),
            '503': errorResponse(
              'MongoDB unavailable (STORAGE_UNAVAILABLE), or Docket closed meanwhile (DOCKET_CLOSED)',
            ),
          },
        },
      ),
    },
  };
}
