/**
 * A pooled Docket worker process of the fault-injection suite (the contract of
 * test/helpers/worker-processes.ts: WORKER_MONGO_URI, WORKER_DB, WORKER_ID; prints
 * `READY <id>`). It loads, then waits for its {@link WorkerAssignment} in WORKER_DB (the
 * pool's database) and starts the server it describes; invocations are recorded on
 * WORKER_MONGO_URI directly, whatever Docket's own connection goes through. Reports Docket
 * `error` events, unhandled rejections and failed starts on stdout (see `REPORT_TAGS`);
 * stops gracefully on SIGTERM, and exits when the runner that spawned it is gone.
 */
import 'reflect-metadata';
import { MongoClient, type Collection } from 'mongodb';
import { container, inject } from 'tsyringe';
import {
  Docket,
  DocketError,
  JobHandler,
  handleShutdownSignals,
  type Clock,
  type HandlerClass,
  type IJobHandler,
  type JobContext,
} from '../../../src';
import { quietLogger } from '../../helpers/logger';
import {
  ASSIGNMENTS,
  EFFECTS,
  EffectJob,
  GlobalLimitJob,
  OVERRUN,
  REPORT_TAGS,
  ServerLimitJob,
  TypeLimitJob,
  WORK_RETRIES,
  WorkJob,
  type Effect,
  type HandlerName,
  type PausedTry,
  type WorkerAssignment,
} from './fault-jobs';
import { StallMonitor } from '../support/stall-monitor';
import { InvocationRecorder, work } from './invocation-recorder';

const RECORDER = Symbol('InvocationRecorder');
/** The effects collection, through Docket's own client: a transaction's session is that client's. */
const EFFECTS_COLLECTION = Symbol('Effects');
const poolId = process.env.WORKER_ID ?? `fault-worker-${process.pid}`;
/** The assigned server id (the id of the server's first start). */
let workerId = poolId;
let serverId = poolId;

@JobHandler(WorkJob, { retries: WORK_RETRIES, backoff: { baseMs: 50, maxMs: 500 } })
class WorkHandler implements IJobHandler<WorkJob> {
  constructor(@inject(RECORDER) private readonly recorder: InvocationRecorder) {}

  handle(job: WorkJob, ctx: JobContext): Promise<void> {
    return this.recorder.run(ctx, job.honour, () =>
      work(job.ms, job.honour ? ctx.signal : undefined),
    );
  }
}

const overrun = { retries: 0, timeoutMs: OVERRUN.timeoutMs } as const;

@JobHandler(TypeLimitJob, { ...overrun, concurrency: OVERRUN.typeLimit })
class TypeLimitHandler implements IJobHandler<TypeLimitJob> {
  constructor(@inject(RECORDER) private readonly recorder: InvocationRecorder) {}

  handle(job: TypeLimitJob, ctx: JobContext): Promise<void> {
    return this.recorder.run(ctx, false, () => work(job.ms));
  }
}

@JobHandler(GlobalLimitJob, { ...overrun, globalConcurrency: OVERRUN.globalLimit })
class GlobalLimitHandler implements IJobHandler<GlobalLimitJob> {
  constructor(@inject(RECORDER) private readonly recorder: InvocationRecorder) {}

  handle(job: GlobalLimitJob, ctx: JobContext): Promise<void> {
    return this.recorder.run(ctx, false, () => work(job.ms));
  }
}

@JobHandler(ServerLimitJob, overrun)
class ServerLimitHandler implements IJobHandler<ServerLimitJob> {
  constructor(@inject(RECORDER) private readonly recorder: InvocationRecorder) {}

  handle(job: ServerLimitJob, ctx: JobContext): Promise<void> {
    return this.recorder.run(ctx, false, () => work(job.ms));
  }
}

/**
 * The effect inside the attempt's transaction: each try is logged outside it first, then the
 * job's counter is incremented through the session (an upsert), then the try pauses before the
 * commit (and says so on stdout), so that kills, freezes and takeovers land between the write
 * and the commit.
 */
@JobHandler(EffectJob, { retries: WORK_RETRIES, backoff: { baseMs: 50, maxMs: 500 } })
class EffectHandler implements IJobHandler<EffectJob> {
  constructor(
    @inject(RECORDER) private readonly recorder: InvocationRecorder,
    @inject(EFFECTS_COLLECTION) private readonly effects: Collection<Effect>,
  ) {}

  handle(job: EffectJob, ctx: JobContext): Promise<void> {
    return this.recorder.run(ctx, false, async (invocation) => {
      await ctx.transaction(async (session) => {
        const id = await this.recorder.tried(invocation, ctx);
        await this.effects.updateOne(
          { _id: ctx.jobId },
          { $inc: { count: 1 } },
          { session, upsert: true },
        );
        // Told to the runner at once, so that it can aim a fault at this pause.
        const until = Date.now() + job.pauseMs;
        const paused: PausedTry = { id, jobId: ctx.jobId, attempt: ctx.attempt, until };
        report(REPORT_TAGS.pausing, paused);
        await work(job.pauseMs);
      });
    });
  }
}

const HANDLERS: Record<HandlerName, HandlerClass> = {
  work: WorkHandler,
  'type-limit': TypeLimitHandler,
  'global-limit': GlobalLimitHandler,
  'server-limit': ServerLimitHandler,
  'exactly-once': EffectHandler,
};

/**
 * Reports wait until a moment after READY: the runner listens to this process's stdout only
 * once the helper saw READY, and a line in the same chunk as READY would be lost.
 */
let held: string[] | undefined = [];

function report(tag: string, body: object): void {
  const line = `${tag} ${JSON.stringify(body)}\n`;
  if (held) held.push(line);
  else process.stdout.write(line);
}

function ready(): void {
  process.stdout.write(`READY ${poolId}\n`);
  setTimeout(() => {
    for (const line of held ?? []) process.stdout.write(line);
    held = undefined;
  }, 250);
}

function describeError(error: unknown): { typed: boolean; name: string; message: string } {
  return {
    typed: error instanceof DocketError,
    name: error instanceof Error ? error.name : typeof error,
    message: (error instanceof Error ? error.message : String(error)).slice(0, 300),
  };
}

process.on('unhandledRejection', (reason) => {
  report(REPORT_TAGS.unhandled, { kind: 'unhandledRejection', ...describeError(reason) });
});
process.on('uncaughtException', (error) => {
  for (const line of held ?? []) process.stdout.write(line);
  held = undefined;
  report(REPORT_TAGS.unhandled, { kind: 'uncaughtException', ...describeError(error) });
  process.exit(70);
});

const skewedClock = (skewMs: number): Clock => ({ now: () => new Date(Date.now() + skewMs) });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for this process's assignment (the runner writes it when a scenario takes it). */
async function assignment(client: MongoClient): Promise<WorkerAssignment> {
  const assignments = client.db(process.env.WORKER_DB!).collection<WorkerAssignment>(ASSIGNMENTS);
  for (;;) {
    const found = await assignments.findOne({ _id: poolId });
    if (found !== null) return found;
    await pause(100);
  }
}

async function main(): Promise<void> {
  // A runner that died (killed, crashed) leaves no worker behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1_000).unref();
  const recorderClient = await new MongoClient(process.env.WORKER_MONGO_URI!).connect();
  const assigned = await assignment(recorderClient);
  if (assigned.exit === true) {
    await recorderClient.close();
    process.exit(0);
  }
  workerId = assigned.serverId;
  serverId = assigned.serverId;
  new StallMonitor((stall) => report(REPORT_TAGS.stall, stall)).start();
  const app = container.createChildContainer();
  app.registerInstance(
    RECORDER,
    new InvocationRecorder(recorderClient, assigned.dbName, () => serverId),
  );
  // Its appName lets a fail point aim at this worker.
  const client = new MongoClient(assigned.uri, { appName: workerId });
  app.registerInstance(EFFECTS_COLLECTION, client.db(assigned.dbName).collection<Effect>(EFFECTS));
  const startFailures: object[] = [];
  const docket = await startServer(
    assigned,
    () =>
      Docket.create({
        mongo: { client, dbName: assigned.dbName },
        container: app,
        handlers: assigned.handlers.map((name) => HANDLERS[name]),
        logger: quietLogger(),
        clock: assigned.clockSkewMs === 0 ? undefined : skewedClock(assigned.clockSkewMs),
      }),
    (error) => startFailures.push({ serverId, ...describeError(error) }),
  );
  handleShutdownSignals({
    close: async () => {
      await docket.close();
      await client.close();
      await recorderClient.close();
    },
  });
  for (const failure of startFailures) report(REPORT_TAGS.startFailed, failure);
  ready();
}

/**
 * Creates Docket and starts its server; with `retryStart`, a start that fails is tried again
 * on the same Docket (as an application would) under a new server id.
 */
async function startServer(
  assigned: WorkerAssignment,
  create: () => Promise<Docket>,
  onFailure: (error: unknown) => void,
): Promise<Docket> {
  let docket: Docket | undefined;
  for (let tries = 1; ; tries++) {
    serverId = tries === 1 ? workerId : `${workerId}~${tries}`;
    try {
      if (docket === undefined) {
        docket = await create();
        docket.on('error', (event) =>
          report(REPORT_TAGS.error, { ...describeError(event.error), context: event.context }),
        );
      }
      await docket.startServer({ ...assigned.server, serverId });
      return docket;
    } catch (error) {
      if (!assigned.retryStart) throw error;
      onFailure(error);
      await pause(300);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`worker ${workerId} failed: ${String(error)}\n`);
  process.exit(1);
});
