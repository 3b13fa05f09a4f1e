import { checkOneOf, checkQueueName, checkString } from '../../options/option-checks';
import { API_HISTORY_RANGES, API_JOB_STATES, type ApiStats } from '../api-types';
import { listServerJobs } from '../queries/list-server-jobs';
import { toApiQueue, toApiRateLimit, toApiServer, toApiUnhandled } from '../queries/to-api';
import { countByState, readThroughput } from '../queries/read-stats';
import { readStatsHistory } from '../queries/read-stats-history';
import { checkBodyFields, idParam, limitQuery, queryValue, queueParam } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';

/** Text without control characters (a job type name as the job search takes it). */
const NO_CONTROL_CHARACTERS = /^\P{Cc}+$/u;

async function stats(context: ApiContext): Promise<ApiStats> {
  const { docket, jobs, options } = context;
  const now = new Date();
  const [states, queues, throughput, servers, recurring, unhandled, rateLimits] = await Promise.all(
    [
      countByState(jobs),
      docket.listQueues(),
      readThroughput(jobs, now),
      docket.listServers(options.serverStaleAfterMs),
      docket.database.collection(`${docket.collectionPrefix}recurring`).estimatedDocumentCount(),
      docket.listUnhandledJobTypes(options.serverStaleAfterMs),
      docket.listRateLimits(),
    ],
  );
  return {
    now: now.toISOString(),
    states: Object.fromEntries(API_JOB_STATES.map((s) => [s, states[s]])) as ApiStats['states'],
    queues: queues.map(toApiQueue),
    lastHour: throughput.lastHour,
    lastDay: throughput.lastDay,
    servers: { alive: servers.filter((s) => s.alive).length, total: servers.length },
    recurring,
    unhandled: unhandled.map(toApiUnhandled),
    rateLimits: rateLimits.map(toApiRateLimit),
  };
}

/** `GET api/stats/history`: its parameters checked, each error naming its parameter. */
async function statsHistory(context: ApiContext) {
  const range = queryValue(context, 'range');
  const queue = queryValue(context, 'queue');
  const type = queryValue(context, 'type');
  return readStatsHistory(context.jobs, {
    range: range === null ? 'lastHour' : checkOneOf('range', range, API_HISTORY_RANGES),
    queue: queue === null ? null : checkQueueName('queue', queue),
    type:
      type === null
        ? null
        : checkString('type', type, {
            maxLength: 200,
            pattern: NO_CONTROL_CHARACTERS,
            patternDescription: 'without control characters',
          }),
    now: new Date(),
  });
}

async function setQueuePaused(context: ApiContext, paused: boolean) {
  checkBodyFields(context, ['allowUnknown']);
  const name = queueParam(context, 'name');
  // Docket checks the value's type (400 naming `allowUnknown`).
  const options = { allowUnknown: context.body.allowUnknown as boolean | undefined };
  const changed = paused
    ? await context.docket.pauseQueue(name, options)
    : await context.docket.resumeQueue(name, options);
  return ok({ name, paused, changed });
}

/** `POST api/queues/{name}/drain`: deletes the queue's waiting jobs (`IJobScheduler.drainQueue`). */
async function drainQueue(context: ApiContext) {
  checkBodyFields(context, ['includeScheduled']);
  const name = queueParam(context, 'name');
  // The scheduler checks the value's type (400 naming `options.includeScheduled`).
  const options = { includeScheduled: context.body.includeScheduled as boolean | undefined };
  const { matched, changed } = await context.docket.scheduler.drainQueue(name, options);
  return ok({ name, matched, changed });
}

/** Statistics, servers and queues. */
export const FLEET_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: 'api/stats',
    operationId: 'getStats',
    async handle(context) {
      return { ...ok(await stats(context)), clockFields: ['now'] };
    },
  },
  {
    method: 'GET',
    path: 'api/stats/history',
    operationId: 'getStatsHistory',
    query: ['range', 'queue', 'type'],
    async handle(context) {
      return ok(await statsHistory(context));
    },
  },
  {
    method: 'GET',
    path: 'api/servers',
    operationId: 'listServers',
    async handle(context) {
      const servers = await context.docket.listServers(context.options.serverStaleAfterMs);
      return ok(servers.map(toApiServer));
    },
  },
  {
    method: 'GET',
    path: 'api/servers/{id}/jobs',
    operationId: 'listServerJobs',
    query: ['limit'],
    async handle(context) {
      const { docket, jobs } = context;
      const id = idParam(context, 'id');
      const limit = limitQuery(context);
      return ok(await listServerJobs(docket.database, docket.collectionPrefix, jobs, id, limit));
    },
  },
  {
    method: 'GET',
    path: 'api/queues',
    operationId: 'listQueues',
    async handle(context) {
      return ok((await context.docket.listQueues()).map(toApiQueue));
    },
  },
  {
    method: 'POST',
    path: 'api/queues/{name}/pause',
    operationId: 'pauseQueue',
    handle: (context) => setQueuePaused(context, true),
  },
  {
    method: 'POST',
    path: 'api/queues/{name}/resume',
    operationId: 'resumeQueue',
    handle: (context) => setQueuePaused(context, false),
  },
  {
    method: 'POST',
    path: 'api/queues/{name}/drain',
    operationId: 'drainQueue',
    handle: drainQueue,
  },
];
