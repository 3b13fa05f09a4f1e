import { API_JOB_STATES, type ApiStats } from '../api-types';
import { toApiQueue, toApiServer, toApiUnhandled } from '../queries/to-api';
import { countByState, readThroughput } from '../queries/read-stats';
import { checkBodyFields, queueParam } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';

async function stats(context: ApiContext): Promise<ApiStats> {
  const { docket, jobs, options } = context;
  const now = new Date();
  const [states, queues, throughput, servers, recurring, unhandled] = await Promise.all([
    countByState(jobs),
    docket.listQueues(),
    readThroughput(jobs, now),
    docket.listServers(options.serverStaleAfterMs),
    docket.database.collection(`${docket.collectionPrefix}recurring`).estimatedDocumentCount(),
    docket.listUnhandledJobTypes(options.serverStaleAfterMs),
  ]);
  return {
    now: now.toISOString(),
    states: Object.fromEntries(API_JOB_STATES.map((s) => [s, states[s]])) as ApiStats['states'],
    queues: queues.map(toApiQueue),
    lastHour: throughput.lastHour,
    lastDay: throughput.lastDay,
    servers: { alive: servers.filter((s) => s.alive).length, total: servers.length },
    recurring,
    unhandled: unhandled.map(toApiUnhandled),
  };
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
    path: 'api/servers',
    operationId: 'listServers',
    async handle(context) {
      const servers = await context.docket.listServers(context.options.serverStaleAfterMs);
      return ok(servers.map(toApiServer));
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
];
