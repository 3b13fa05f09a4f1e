/**
 * `JobContext.transaction`: a handler's writes and its job's success commit together, fenced
 * by the attempt's lease, so that an effect kept in MongoDB happens exactly once.
 */
import { IsInt } from 'class-validator';
import { MongoClient, type ClientSession, type Collection } from 'mongodb';
import {
  AttemptCommittedError,
  Job,
  JobHandler,
  JobTimeoutError,
  LeaseLostError,
  TransactionTooLongError,
  TransactionsUnsupportedError,
  type Docket,
  type EnqueueOptions,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import type { DocketEvents } from '../../../src/events/docket-events';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('handler-transactions.pay')
class PayJob implements IJob {
  @IsInt() orderId!: number;
}

interface Payment {
  _id?: unknown;
  orderId: number;
  attempt: number;
}

/** What the handler does in each test: given the job, its context and the payments collection. */
let behaviour: (job: PayJob, ctx: JobContext, payments: Collection<Payment>) => Promise<void>;
let payments: Collection<Payment>;

@JobHandler(PayJob, { retries: 2, backoff: { baseMs: 10, maxMs: 10 } })
class PayHandler implements IJobHandler<PayJob> {
  handle(job: PayJob, ctx: JobContext): Promise<void> {
    return behaviour(job, ctx, payments);
  }
}

const pay = (orderId: number) => Object.assign(new PayJob(), { orderId });

/** The usual effect: one payment document per order, written in the attempt's transaction. */
const payInTransaction = (job: PayJob, ctx: JobContext, into: Collection<Payment>) =>
  ctx.transaction((session) =>
    into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session }),
  );

const DB = 'handler_transactions';

/**
 * Heartbeats every 200 ms, and a lease long enough for work spanning a few of them: on hold,
 * it lasts 3,000 less a tenth less two heartbeats, 2,300 ms.
 */
const SERVER = { ...FAST_SERVER, leaseMs: 3_000 };

describe('handler transactions on a replica set', () => {
  // A stand-in of its own: fail points below are server-wide.
  let own: TestDatabase;
  let client: MongoClient;
  let docket: Docket;
  const jobs = () => client.db(DB).collection<JobRecord>('docket.jobs');

  /** Resolves once the server's heartbeat ran `count` more times (its registry entry says so). */
  async function heartbeats(count: number): Promise<void> {
    const servers = client.db(DB).collection<{ heartbeatAt: Date }>('docket.servers');
    const seen = new Set<number>();
    const at = async () => (await servers.findOne({}))!.heartbeatAt.getTime();
    seen.add(await at());
    await waitFor(async () => seen.add(await at()).size > count || undefined, {
      timeoutMs: 10_000,
    });
  }

  beforeAll(async () => {
    own = await openOwnStandIn(DB, 'replica-set');
    client = own.client;
    payments = client.db(DB).collection<Payment>('payments');
    ({ docket } = await createTestDocket(own, { handlers: [PayHandler] }));
    docket.on('error', () => undefined);
    await docket.startServer(SERVER);
  });

  afterEach(async () => {
    await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    await payments.deleteMany({});
  });

  afterAll(async () => {
    await docket?.close();
    await own?.cleanup();
  });

  /** Enqueues the job and resolves with it once it finished (succeeded or failed for good). */
  async function run(orderId: number, options: EnqueueOptions = {}): Promise<JobRecord> {
    const finished = nextEvent<{ jobId: string }>(
      (listener) => {
        const offs = [docket.on('job.succeeded', listener), docket.on('job.failed', listener)];
        return () => offs.forEach((off) => off());
      },
      undefined,
      20_000,
    );
    const jobId = await docket.scheduler.enqueue(pay(orderId), options);
    await waitFor(async () => (await finished).jobId === jobId || undefined, {
      timeoutMs: 20_000,
    });
    return (await jobs().findOne({ _id: jobId }))!;
  }

  it('commits the writes with the success, and passes back what the work returned', async () => {
    let returned: unknown;
    behaviour = async (job, ctx, into) => {
      returned = await ctx.transaction(async (session) => {
        await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
        return 'receipt-1';
      });
    };
    const succeeded = nextEvent<DocketEvents['job.succeeded']>((l) =>
      docket.on('job.succeeded', l),
    );
    const job = await run(1);
    expect(job.state).toBe('succeeded');
    expect(job.attempt).toBe(1);
    expect(returned).toBe('receipt-1');
    expect((await succeeded).jobId).toBe(job._id);
    expect(await payments.find({ orderId: 1 }).toArray()).toEqual([
      expect.objectContaining({ orderId: 1, attempt: 1 }),
    ]);
  });

  it('leaves no effect when the lease is taken over before the commit, and the next attempt writes it once', async () => {
    behaviour = async (job, ctx, into) => {
      await ctx.transaction(async (session) => {
        await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
        if (ctx.attempt === 1) {
          // Another worker takes the job over (as after a lease expiry), mid-transaction.
          await jobs().updateOne(
            { _id: ctx.jobId },
            { $inc: { fence: 1 }, $set: { leaseExpiresAt: new Date(0) } },
          );
        }
      });
    };
    const lost = nextEvent<DocketEvents['job.leaseLost']>((l) => docket.on('job.leaseLost', l));
    const job = await run(2);
    expect((await lost).attempt).toBe(1);
    expect(job.state).toBe('succeeded');
    // The first attempt's insert was rolled back with its transaction.
    expect(await payments.find({ orderId: 2 }).toArray()).toEqual([
      expect.objectContaining({ orderId: 2, attempt: job.attempt }),
    ]);
    expect(job.attempt).toBeGreaterThan(1);
  });

  it('tells the handler its lease was lost (LeaseLostError), and fires its signal', async () => {
    let caught: unknown;
    let aborted = false;
    behaviour = async (job, ctx, into) => {
      if (ctx.attempt > 1) return payInTransaction(job, ctx, into).then(() => undefined);
      caught = await ctx
        .transaction(async (session) => {
          await into.insertOne({ orderId: job.orderId, attempt: 1 }, { session });
          await jobs().updateOne({ _id: ctx.jobId }, { $inc: { fence: 1 } });
        })
        .catch((error: unknown) => error);
      aborted = ctx.signal.aborted;
      throw caught;
    };
    await run(3);
    expect(caught).toBeInstanceOf(LeaseLostError);
    expect(aborted).toBe(true);
    expect(await payments.countDocuments({ orderId: 3 })).toBe(1);
  });

  it('runs the work again after a transient error, and the effect is still there once', async () => {
    let tries = 0;
    behaviour = async (job, ctx, into) => {
      await ctx.transaction(async (session) => {
        tries++;
        await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
      });
    };
    // The first commit fails as a write conflict would: withTransaction tries again.
    await client.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: {
        failCommands: ['commitTransaction'],
        errorCode: 112,
        errorLabels: ['TransientTransactionError'],
      },
    });
    const job = await run(4);
    expect(job.state).toBe('succeeded');
    expect(job.attempt).toBe(1);
    // Once for the failed commit; a heartbeat's lease renewal can conflict once more.
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(await payments.countDocuments({ orderId: 4 })).toBe(1);
  });

  it('commits nothing when the work throws: the attempt fails, and the retry commits once', async () => {
    behaviour = async (job, ctx, into) => {
      await ctx.transaction(async (session) => {
        await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
        if (ctx.attempt === 1) throw new Error('card declined');
      });
    };
    const job = await run(5);
    expect(job.state).toBe('succeeded');
    expect(job.attempt).toBe(2);
    expect(job.history.map((entry) => entry.state)).toContain('scheduled');
    expect(await payments.find({ orderId: 5 }).toArray()).toEqual([
      expect.objectContaining({ attempt: 2 }),
    ]);
  });

  it('keeps the success when the handler throws after the commit, and refuses a second transaction', async () => {
    let second: unknown;
    behaviour = async (job, ctx, into) => {
      await payInTransaction(job, ctx, into);
      second = await payInTransaction(job, ctx, into).catch((error: unknown) => error);
      throw new Error('after the commit');
    };
    const job = await run(6);
    expect(job.state).toBe('succeeded');
    expect(job.attempt).toBe(1);
    expect(second).toBeInstanceOf(AttemptCommittedError);
    expect((second as AttemptCommittedError).committed).toBe(true);
    expect(await payments.countDocuments({ orderId: 6 })).toBe(1);
  });

  it('refuses a transaction while one runs', async () => {
    let second: unknown;
    behaviour = async (job, ctx, into) => {
      await ctx.transaction(async (session) => {
        second = await payInTransaction(job, ctx, into).catch((error: unknown) => error);
        await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
      });
    };
    const job = await run(7);
    expect(job.state).toBe('succeeded');
    expect(second).toBeInstanceOf(AttemptCommittedError);
    expect((second as AttemptCommittedError).committed).toBe(false);
    expect(await payments.countDocuments({ orderId: 7 })).toBe(1);
  });

  it('commits work that spans several heartbeats at its first try, with progress and logs inside', async () => {
    let tries = 0;
    behaviour = async (job, ctx, into) => {
      await ctx.transaction(async (session) => {
        tries++;
        await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
        await ctx.progress(50, 'paid');
        ctx.logger.info('paid in the transaction');
        // Heartbeats renew every other lease meanwhile: none of them writes this job.
        await heartbeats(3);
      });
    };
    const job = await run(10);
    expect(job.state).toBe('succeeded');
    expect(job.attempt).toBe(1);
    expect(tries).toBe(1);
    expect(await payments.countDocuments({ orderId: 10 })).toBe(1);
    // Held back while the transaction ran, written after its commit.
    const log = await docket.getJobLogs(job._id);
    expect(log.lines.map((line) => line.message)).toEqual(['paid in the transaction']);
  });

  it('gives up with TransactionTooLongError when the work outlasts the lease twice in a row', async () => {
    let tries = 0;
    let caught: unknown;
    behaviour = async (job, ctx, into) => {
      caught = await ctx
        .transaction(async (session) => {
          tries++;
          await into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session });
          // Runs until the heartbeat has to renew the lease: the commit then conflicts.
          const expiry = async () => (await jobs().findOne({ _id: ctx.jobId }))!.leaseExpiresAt;
          const held = (await expiry())!.getTime();
          await waitFor(async () => (await expiry())!.getTime() !== held || undefined, {
            timeoutMs: 10_000,
          });
        })
        .catch((error: unknown) => error);
      throw caught;
    };
    const job = await run(11, { maxAttempts: 1 });
    expect(job.state).toBe('failed');
    expect(caught).toBeInstanceOf(TransactionTooLongError);
    expect((caught as TransactionTooLongError).windowMs).toBe(2_300);
    expect(job.error?.name).toBe('TransactionTooLongError');
    expect(tries).toBe(2);
    expect(await payments.countDocuments({ orderId: 11 })).toBe(0);
    // The server kept the lease throughout: claimed once, never recovered.
    expect(job.history.filter((entry) => entry.state === 'processing')).toHaveLength(1);
  });

  it('commits nothing once the attempt timed out', async () => {
    let caught: unknown;
    behaviour = async (job, ctx, into) => {
      if (ctx.attempt > 1) return payInTransaction(job, ctx, into).then(() => undefined);
      // Past the attempt's end: the signal fired, and the transaction refuses to start.
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      caught = await payInTransaction(job, ctx, into).catch((error: unknown) => error);
    };
    const job = await run(8, { timeoutMs: 500 });
    expect(caught).toBeInstanceOf(JobTimeoutError);
    expect(job.state).toBe('succeeded');
    expect(await payments.find({ orderId: 8 }).toArray()).toEqual([
      expect.objectContaining({ attempt: 2 }),
    ]);
  });
});

describe('handler transactions on a standalone server', () => {
  it('fail the attempt with TransactionsUnsupportedError, writing nothing', async () => {
    const own = await openOwnStandIn(DB, 'standalone');
    payments = own.client.db(DB).collection<Payment>('payments');
    const { docket } = await createTestDocket(own, { handlers: [PayHandler] });
    docket.on('error', () => undefined);
    let caught: unknown;
    behaviour = async (job, ctx, into) => {
      caught = await ctx
        .transaction((session: ClientSession) =>
          into.insertOne({ orderId: job.orderId, attempt: ctx.attempt }, { session }),
        )
        .catch((error: unknown) => error);
      throw caught;
    };
    try {
      const failed = nextEvent<DocketEvents['job.failed']>((l) => docket.on('job.failed', l));
      await docket.startServer(FAST_SERVER);
      await docket.scheduler.enqueue(pay(9), { maxAttempts: 1 });
      expect((await failed).error.name).toBe('TransactionsUnsupportedError');
      expect(caught).toBeInstanceOf(TransactionsUnsupportedError);
      expect((caught as Error).message).toMatch(/standalone/);
      expect(await payments.countDocuments()).toBe(0);
    } finally {
      await docket.close();
      await own.cleanup();
    }
  });
});
