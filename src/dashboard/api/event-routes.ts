import type { JobEventStream } from '../../job-events';
import type { JobStreamEvent } from '../../storage/job-stream-event';
import type { ApiJobEvent, ApiJobEventPage } from '../api-event-types';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import { limitQuery, queryValue, waitQuery } from './api-params';

/** A comma-separated list parameter; undefined when absent (the stream checks the names). */
function listQuery(context: ApiContext, name: string): string[] | undefined {
  const value = queryValue(context, name);
  return value === null ? undefined : value.split(',');
}

/** An event as JSON: times as ISO strings. */
export function toApiJobEvent(event: JobStreamEvent): ApiJobEvent {
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    json[key] = value instanceof Date ? value.toISOString() : value;
  }
  return json as unknown as ApiJobEvent;
}

/**
 * Reads events until the first arrives, then those already arrived with it, up to `limit`;
 * or none by the deadline or the client's disconnect. An event read after that is not lost:
 * the answer's position comes before it.
 */
async function readEvents(
  stream: JobEventStream,
  timeoutMs: number,
  limit: number,
  signal: AbortSignal,
): Promise<ApiJobEventPage> {
  const events: ApiJobEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const stop = new Promise<'stop'>((resolve) => {
    timer = setTimeout(() => resolve('stop'), timeoutMs);
    signal.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  try {
    let pending = stream.next();
    while (events.length < limit) {
      // Once an event is in hand, only what has already arrived joins it.
      const ready =
        events.length === 0
          ? stop
          : new Promise<'stop'>((resolve) => setImmediate(() => resolve('stop')));
      const next = await Promise.race([pending, ready]);
      if (next === 'stop') break;
      if (next.done) break;
      events.push(toApiJobEvent(next.value));
      pending = stream.next();
    }
    // Closing ends the pending read; an event it had already taken is answered too.
    await stream.close();
    const last = await pending.catch(() => ({ done: true as const, value: undefined }));
    if (!last.done && events.length < limit) events.push(toApiJobEvent(last.value));
    return { events, position: events.at(-1)?.position ?? stream.position };
  } finally {
    clearTimeout(timer);
    await stream.close();
  }
}

/** Job lifecycle events of every process, by long poll. */
export const EVENT_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: 'api/events',
    operationId: 'readJobEvents',
    query: ['after', 'queues', 'types', 'events', 'timeoutMs', 'limit'],
    async handle(context) {
      const { maxWaitMs } = context.options;
      const timeoutMs = Math.min(waitQuery(context) ?? maxWaitMs, maxWaitMs);
      const limit = limitQuery(context);
      const after = queryValue(context, 'after');
      const stream = await context.docket.jobEvents({
        ...(after === null ? {} : { after }),
        ...optional('queues', listQuery(context, 'queues')),
        ...optional('types', listQuery(context, 'types')),
        ...optional('events', listQuery(context, 'events')),
      } as Parameters<typeof context.docket.jobEvents>[0]);
      return ok(await readEvents(stream, timeoutMs, limit, context.signal));
    },
  },
];

function optional<K extends string>(key: K, value: string[] | undefined) {
  return value === undefined ? {} : { [key]: value };
}
