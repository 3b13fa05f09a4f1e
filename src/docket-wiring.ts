import { hostname } from 'node:os';
import { BulkJobActions } from './bulk-actions';
import { COMMAND_BUS } from './commands/command-bus.interface';
import { ExecuteCommandJobHandler } from './commands/execute-command-job.handler';
import type { HandlerRegistry } from './handlers';
import { JobSearch } from './job-search';
import type { JobEventStreamDeps } from './job-events/job-event-stream';
import { KeyedLocks } from './locks';
import { JobScheduler } from './scheduler/job-scheduler';
import { JobServerEngine } from './server/job-server';
import type { ResolvedJobServerOptions } from './server/job-server-options';
import type { JobRecord } from './storage/job-record';
import { MongoJobEvents } from './storage/mongo/mongo-job-events';
import { MongoJobResults } from './storage/mongo/mongo-job-results';
import { MongoJobSearch } from './storage/mongo/mongo-job-search';
import type { DocketParts } from './docket-parts';

/*
 * How a Docket builds, from its parts, the collaborators its verbs hand work to: the
 * scheduler, the locks, each job server and the source of job event streams. `Docket`
 * keeps the verbs; this module only wires.
 */

/** @throws DocketClosedError once the Docket is closed. */
type CheckOpen = (operation: string) => void;

/** The Docket's scheduler: its verbs, searches and bulk actions on the parts' stores. */
export function createJobScheduler(parts: DocketParts, checkOpen: CheckOpen): JobScheduler {
  const searchStore = new MongoJobSearch(
    parts.db.collection<JobRecord>(`${parts.collectionPrefix}jobs`),
  );
  const search = new JobSearch(searchStore);
  return new JobScheduler({
    store: parts.store,
    recurring: parts.recurring,
    events: parts.events,
    clock: parts.clock,
    lifecycle: { checkOpen },
    waits: parts.waits,
    search,
    filters: parts.filters,
    maxResultBytes: parts.maxResultBytes,
    handlerKey: (jobType) => parts.registry.get(jobType)?.options.concurrencyKey,
    bulk: new BulkJobActions({
      store: parts.store,
      search: searchStore,
      events: parts.events,
      clock: parts.clock,
      ready: () => search.ready(),
    }),
  });
}

/** The Docket's distributed locks, owned by this process. */
export function createLocks(parts: DocketParts, checkOpen: CheckOpen): KeyedLocks {
  return new KeyedLocks({
    store: parts.keys,
    owner: `${hostname()}:${process.pid}`,
    checkOpen,
  });
}

/** A job server on the parts, running the handlers of `registry` (not started). */
export function createJobServer(
  parts: DocketParts,
  options: ResolvedJobServerOptions,
  registry: HandlerRegistry,
): JobServerEngine {
  const { store, queues, servers, slots, keys, waiting, recurring, events, logger, clock } = parts;
  const { logs, logOptions, artefacts, artefactOptions, db, collectionPrefix } = parts;
  return new JobServerEngine(options, {
    store,
    servers,
    slots,
    keys,
    rateLimits: parts.rateLimits,
    waiting,
    queueStates: queues,
    recurring,
    registry,
    container: parts.options.container,
    events,
    logger,
    clock,
    logs,
    logOptions,
    artefacts,
    artefactOptions,
    results: new MongoJobResults(db, collectionPrefix),
    filters: parts.filters,
    maxResultBytes: parts.maxResultBytes,
  });
}

/**
 * What a job event stream of the Docket needs: where it reads the events of jobs written by
 * any process, where it reports failures (`error` events), and whom it tells it closed.
 */
export function jobEventStreamDeps(
  parts: DocketParts,
  onClosed: JobEventStreamDeps['onClosed'],
): JobEventStreamDeps {
  const { db, collectionPrefix, clock, events } = parts;
  return {
    source: new MongoJobEvents(db, db.collection<JobRecord>(`${collectionPrefix}jobs`), () =>
      clock.now(),
    ),
    report: (error, context) =>
      events.emit('error', {
        error: error instanceof Error ? error : new Error(String(error)),
        context,
      }),
    onClosed,
  };
}

/**
 * The handlers servers run: the default list keeps the command job's handler only when
 * the container has a command bus (it is loaded with Docket, needed only with commands).
 */
export function activeRegistry(parts: DocketParts): HandlerRegistry {
  const { registry, options } = parts;
  if (options.handlers !== undefined || options.container.isRegistered(COMMAND_BUS, true)) {
    return registry;
  }
  return registry.without(ExecuteCommandJobHandler);
}
