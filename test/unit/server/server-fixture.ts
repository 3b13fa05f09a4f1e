import { IsInt } from 'class-validator';
import { container as rootContainer } from 'tsyringe';
import { Job, JobHandler, type IJob, type IJobHandler, type JobContext } from '../../../src';
import type { DocketEvents } from '../../../src/events/docket-events';
import { EventBus } from '../../../src/events/event-bus';
import { HandlerRegistry } from '../../../src/handlers';
import { JobFilters } from '../../../src/filters';
import { JobServerEngine } from '../../../src/server/job-server';
import type { JobServerDeps } from '../../../src/server/job-server-deps';
import {
  resolveJobServerOptions,
  type JobServerOptions,
} from '../../../src/server/job-server-options';
import type { JobRecord } from '../../../src/storage/job-record';
import type {
  ClaimedJobs,
  ClaimRequest,
  FinishEntry,
  FinishResult,
  JobLease,
  JobStore,
  NewWorkListener,
  PushVia,
  WorkWatch,
} from '../../../src/storage/job-store';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { quietLogger } from '../../helpers/logger';
import { JOB_LOG_DEFAULTS } from '../../../src/logging/job-log-options';
import { ARTEFACT_DEFAULTS } from '../../../src/storage/artefact-options';
import type { MongoJobArtefacts } from '../../../src/storage/mongo/mongo-job-artefacts';

@Job('server-fixture.noop')
class NoopJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(NoopJob)
class NoopHandler implements IJobHandler<NoopJob> {
  async handle(): Promise<void> {}
}

@Job('server-fixture.wait')
class WaitJob implements IJob {
  @IsInt() n!: number;
}

/** The contexts of `server-fixture.wait` handlers, in the order they started. */
export const waitingContexts: JobContext[] = [];

/** Settles only when its signal fires (rejecting with the reason), or with `ignoreSignal`, never. */
@JobHandler(WaitJob, { timeoutMs: 600_000 })
class WaitHandler implements IJobHandler<WaitJob> {
  static ignoreSignal = false;
  handle(_job: WaitJob, ctx: JobContext): Promise<void> {
    waitingContexts.push(ctx);
    return new Promise<void>((_, reject) => {
      if (!WaitHandler.ignoreSignal)
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    });
  }
}
export { WaitHandler };

/** Long enough that the periodic tasks a test does not look at never run during it. */
export const QUIET = {
  recoveryIntervalMs: 600_000,
  queueRefreshIntervalMs: 600_000,
  leaseMs: 600_000,
  heartbeatIntervalMs: 300_000,
} as const;

/** A job of `type` as a claim returns it (processing, attempt 1, fence 1). */
export function claimedJob(type: string, fields: { timeoutMs?: number } = {}): JobRecord {
  const now = new Date();
  return {
    ...newJobRecord({
      type,
      queue: 'default',
      priority: 0,
      payload: { n: 1 },
      state: 'processing',
      dueAt: now,
      now,
      maxAttempts: 1,
      timeoutMs: fields.timeoutMs ?? null,
    }),
    attempt: 1,
    fence: 1,
    leaseOwner: 'fake-server',
  };
}

/** A change stream as the fake store hands it out: the test fires its errors. */
export interface FakeWatch extends WorkWatch {
  readonly queues: readonly string[];
  readonly options: { resumeAfter?: unknown } | undefined;
  readonly onWork: NewWorkListener;
  readonly onError: (error: unknown) => void;
  resumeToken: unknown;
  closed: boolean;
}

/** A change stream as a fake store hands it out, recording what it was opened with. */
export function fakeWatch(
  queues: readonly string[],
  onWork: NewWorkListener,
  onError: (error: unknown) => void,
  options: { resumeAfter?: unknown } | undefined,
  via: PushVia = 'change-stream',
): FakeWatch {
  const watch: FakeWatch = {
    via,
    queues,
    options,
    onWork,
    onError,
    resumeToken: undefined,
    closed: false,
    close: async () => {
      watch.closed = true;
    },
  };
  return watch;
}

/**
 * The storage calls a server makes at start and while idle, each replaceable by a test;
 * everything else is refused so that an unexpected call shows up as a failure.
 */
export class FakeStore {
  readonly calls: string[] = [];
  readonly watches: FakeWatch[] = [];
  claim: () => Promise<JobRecord | null> = async () => null;
  /** A batch claim: by default, what one `claim` returns, uncontended. */
  claimBatch: (request: ClaimRequest, limit: number) => Promise<ClaimedJobs> = async () => {
    const job = await this.claim();
    return { jobs: job ? [job] : [], contended: false };
  };
  finish: () => Promise<FinishResult | null> = async () => ({ hasContinuations: false });
  finishMany: JobStore['finishMany'] = async () => {
    throw new Error('unexpected finishMany');
  };
  recoverExpired: () => Promise<number> = async () => 0;
  extendLeases: JobStore['extendLeases'] = async () => [];
  /** The leases given back, per call. */
  readonly released: JobLease[][] = [];
  /** false: a deployment without change streams (the store returns no watch). */
  changeStreams = false;

  asStore(): JobStore {
    const record = <T>(name: string, run: () => Promise<T>): Promise<T> => {
      this.calls.push(name);
      return run();
    };
    const refused = (name: string) => () => Promise.reject(new Error(`unexpected ${name}`));
    return {
      claim: () => record('claim', () => this.claim()),
      finish: () => record('finish', () => this.finish()),
      claimBatch: (request: ClaimRequest, limit: number) =>
        record('claimBatch', () => this.claimBatch(request, limit)),
      recoverExpired: () => record('recoverExpired', () => this.recoverExpired()),
      findUnresolvedParents: async () => [],
      // No batches here: the sweep finds none.
      jobBatches: { sweep: async () => [] },
      extendLeases: (leases: readonly JobLease[], leaseMs: number) =>
        record('extendLeases', () => this.extendLeases(leases, leaseMs)),
      release: (leases: readonly JobLease[]) =>
        record('release', async () => {
          this.released.push([...leases]);
          return leases.length;
        }),
      watchForNewWork: (
        queues: readonly string[],
        onWork: NewWorkListener,
        onError: (error: unknown) => void,
        options?: { resumeAfter?: unknown },
      ) =>
        record('watchForNewWork', async () => {
          if (!this.changeStreams) return null;
          const watch = fakeWatch(queues, onWork, onError, options);
          this.watches.push(watch);
          return watch;
        }),
      finishMany: (entries: readonly FinishEntry[]) =>
        record('finishMany', () => this.finishMany(entries)),
      saveProgress: refused('saveProgress'),
    } as unknown as JobStore;
  }
}

/** The server registry, recording announcements and removals. */
export class FakeServers {
  readonly log: string[] = [];
  /** The ids with an entry, as the writes that reached the registry leave them. */
  readonly entries = new Set<string>();
  /** How long an announcement takes to reach the registry (a test may hold it). */
  announce: () => Promise<void> = async () => undefined;
  /** How long a heartbeat's refresh takes to reach the registry (a test may hold it). */
  refresh: () => Promise<void> = async () => undefined;

  asRegistry(): JobServerDeps['servers'] {
    return {
      announce: async (record) => {
        this.log.push('announce');
        await this.announce();
        this.entries.add(record._id);
      },
      refresh: async (record) => {
        this.log.push('refresh');
        await this.refresh();
        return this.entries.has(record._id);
      },
      remove: async (id) => {
        this.log.push('remove');
        this.entries.delete(id);
      },
      handledJobTypes: async () => null,
      liveServerIds: async () => {
        this.log.push('live servers');
        return [...this.entries];
      },
    };
  }
}

/** A server on fakes, with every `error` event it emits. */
export function fakeServer(options: JobServerOptions = {}) {
  const store = new FakeStore();
  const servers = new FakeServers();
  const container = rootContainer.createChildContainer();
  const logger = quietLogger();
  const events = new EventBus(logger);
  const errors: Array<DocketEvents['error']> = [];
  events.on('error', (event) => void errors.push(event));
  const build = () =>
    new JobServerEngine(
      resolveJobServerOptions({ recurring: false, serverId: 'fake-server', ...options }),
      {
        store: store.asStore(),
        servers: servers.asRegistry(),
        filters: new JobFilters([], container),
        waiting: { waitingJobTypes: async () => [] },
        slots: {
          acquire: async () => true,
          release: async () => undefined,
          extend: async () => undefined,
        },
        keys: {
          acquire: async () => true,
          release: async () => undefined,
          extend: async () => undefined,
          firstInLine: async () => null,
        },
        rateLimits: {
          reserve: async (_key, _limit, count) => ({ granted: count, token: 't', waitMs: 0 }),
          settle: async () => undefined,
          list: async () => [],
        },
        queueStates: { pausedQueues: async () => new Set<string>() },
        registry: HandlerRegistry.build(container, [NoopHandler, WaitHandler]),
        container,
        events,
        logger,
        clock: { now: () => new Date() },
        logs: {
          append: async () => 'kept' as const,
          read: async () => ({ lines: [], next: null }),
          sweep: async () => 0,
        },
        logOptions: JOB_LOG_DEFAULTS,
        artefacts: { sweep: async () => 0 } as unknown as MongoJobArtefacts,
        artefactOptions: ARTEFACT_DEFAULTS,
        results: { saveAfterCommit: async () => true },
        maxResultBytes: 1_048_576,
      },
    );
  return { store, servers, events, errors, build };
}

/**
 * Runs each test of the enclosing `describe` on fake timers (promise callbacks left alone),
 * with no handler context left from the test before and `WaitHandler` honouring its signal.
 */
export function useFakeServerClock(): void {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    waitingContexts.length = 0;
    WaitHandler.ignoreSignal = false;
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}

/** Stops `server`, moving the fake clock while it waits for its grace periods. */
export async function stopOnFakeClock(server: { stop(): Promise<void> }): Promise<void> {
  let done = false;
  const stopping = server.stop().finally(() => (done = true));
  for (let i = 0; i < 1_000 && !done; i++) await jest.advanceTimersByTimeAsync(100);
  await stopping;
}

/** Lets pending promise callbacks run (fake timers leave the microtask queue alone). */
export async function flushPromises(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
