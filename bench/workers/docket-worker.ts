/**
 * The Docket side of the benchmark: a child process running Docket on a MongoClient created
 * with command monitoring, driven by the parent over IPC (see worker-runtime.ts).
 */
import 'reflect-metadata';
import { IsInt, IsNumber, IsString } from 'class-validator';
import { ObjectId, type MongoClient } from 'mongodb';
import { container, inject, injectable } from 'tsyringe';
import { createLogger, transports } from 'winston';
import {
  Docket,
  Job,
  JobHandler,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
} from '../../src';
import { runWorker, type AdapterFactory, type WorkerHooks } from './worker-runtime';

const HOOKS = Symbol('bench.hooks');
const EVERY_SECOND = '* * * * * *';

/** A job that does nothing; its payload carries what the latency figures need. */
@Job('bench.noop')
export class NoopJob implements IJob {
  @IsInt() seq!: number;
  /** When `enqueue` was called (ms since the epoch, sub-ms). */
  @IsNumber() enqueuedAt!: number;
}

/** The job of an every-second recurring job. */
@Job('bench.tick')
export class TickJob implements IJob {
  @IsString() rid!: string;
}

@injectable()
@JobHandler(NoopJob)
class NoopHandler implements IJobHandler<NoopJob> {
  constructor(@inject(HOOKS) private readonly hooks: WorkerHooks) {}
  async handle(job: NoopJob): Promise<void> {
    this.hooks.onStart(job.seq, job.enqueuedAt);
  }
}

@injectable()
@JobHandler(TickJob)
class TickHandler implements IJobHandler<TickJob> {
  constructor(@inject(HOOKS) private readonly hooks: WorkerHooks) {}
  async handle(job: TickJob, ctx: JobContext): Promise<void> {
    // A recurring occurrence's job id is `<recurringId>@<ISO instant>`.
    const at = ctx.jobId.lastIndexOf('@');
    const occurrence = at < 0 ? Number.NaN : Date.parse(ctx.jobId.slice(at + 1));
    this.hooks.onTick(job.rid, Number.isFinite(occurrence) ? occurrence : null);
  }
}

function noop(seq: number, enqueuedAt: number): NoopJob {
  return Object.assign(new NoopJob(), { seq, enqueuedAt });
}

const createDocketAdapter: AdapterFactory = async (client: MongoClient, args, hooks) => {
  const app = container.createChildContainer();
  app.registerInstance(HOOKS, hooks);
  const docket = await Docket.create({
    mongo: { client, dbName: args.dbName },
    container: app,
    handlers: [NoopHandler, TickHandler],
    logger: createLogger({ level: 'error', transports: [new transports.Console()] }),
  });
  docket.on('job.succeeded', () => hooks.onCompleted());
  // A push channel that fails mid-case turns its pickup figures into polling ones: say so on
  // stdout, which the bench shares (a worker's stderr is kept for when it dies).
  docket.on('server.pickup', ({ mode, reason }) => {
    if (mode === 'polling' && reason !== undefined)
      process.stdout.write(`docket worker ${process.pid}: push pickup lost (${reason})\n`);
  });
  docket.on('error', ({ error, context }) =>
    process.stdout.write(`docket worker ${process.pid}: ${context}: ${error.message}\n`),
  );
  const jobs = docket.database.collection<JobRecord>(`${docket.collectionPrefix}jobs`);
  let template: JobRecord | undefined;
  return {
    start: async () => {
      await docket.startServer(args.docket?.server ?? {});
    },
    enqueueOne: async (seq, enqueuedAt) => {
      await docket.scheduler.enqueue(noop(seq, enqueuedAt));
    },
    scheduleOne: async (seq, enqueuedAt, delayMs) => {
      await docket.scheduler.schedule(noop(seq, enqueuedAt), { delayMs });
    },
    enqueueBatch: async (seqs, enqueuedAt) => {
      await docket.scheduler.enqueueMany(seqs.map((seq) => noop(seq, enqueuedAt)));
    },
    preload: async (seqs, dueAt) => {
      if (dueAt.getTime() <= Date.now()) {
        await docket.scheduler.enqueueMany(seqs.map((seq) => noop(seq, Date.now())));
        return;
      }
      // Docket has no bulk schedule: clone what `schedule()` stores (read back once) with
      // fresh ids, payloads and due times, and insert the clones in one insertMany.
      if (!template) {
        const id = await docket.scheduler.schedule(noop(-1, 0), { at: dueAt });
        template = (await jobs.findOne({ _id: id })) ?? undefined;
        await jobs.deleteOne({ _id: id });
        if (!template) throw new Error('the scheduled template job was not stored');
      }
      const base = template;
      const now = new Date();
      await jobs.insertMany(
        seqs.map((seq) => ({
          ...base,
          _id: new ObjectId().toHexString(),
          payload: { ...base.payload, seq, enqueuedAt: now.getTime() },
          dueAt,
          createdAt: now,
          history: base.history.map((entry) => ({ ...entry, at: now })),
        })),
        { ordered: false },
      );
    },
    addRecurring: async (ids) => {
      for (const rid of ids) {
        await docket.scheduler.addOrUpdateRecurring(
          rid,
          Object.assign(new TickJob(), { rid }),
          EVERY_SECOND,
        );
      }
    },
    close: () => docket.close(),
  };
};

runWorker(createDocketAdapter);
