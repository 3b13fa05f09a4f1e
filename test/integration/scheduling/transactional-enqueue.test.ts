/**
 * Enqueueing in the caller's transaction (the outbox pattern): the job exists if and only if
 * the transaction commits, no server claims it before, a retried transaction leaves one
 * job, and a standalone says why it cannot.
 */
import { IsString } from 'class-validator';
import { MongoClient, type ClientSession } from 'mongodb';
import {
  EnqueueJobCommand,
  InvalidOptionsError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  ScheduleJobCommand,
  TransactionsUnsupportedError,
  handleJobCommand,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobRecord,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openOwnStandIn, openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('outbox.confirm-order')
class ConfirmOrderJob implements IJob {
  @IsString() orderId!: string;
}

/** Runs of each order's confirmation, by order id. */
const runs = new Map<string, number>();

@JobHandler(ConfirmOrderJob, { retries: 0 })
class ConfirmOrderHandler implements IJobHandler<ConfirmOrderJob> {
  async handle(job: ConfirmOrderJob): Promise<void> {
    runs.set(job.orderId, (runs.get(job.orderId) ?? 0) + 1);
  }
}

const confirm = (orderId: string) => Object.assign(new ConfirmOrderJob(), { orderId });

describe('enqueue in the caller’s transaction (replica set)', () => {
  let db: TestDatabase;
  let client: MongoClient;
  let docket: Docket;
  let scheduler: IJobScheduler;

  const jobs = () => client.db(db.dbName).collection<JobRecord>('docket.jobs');
  const orders = () => client.db(db.dbName).collection<{ _id: string; by?: string }>('orders');

  beforeAll(async () => {
    db = await openTestDatabase('outbox');
    const hello = await db.client.db('admin').command({ hello: 1 });
    if (!hello.setName) {
      throw new Error('these tests need a replica set: MONGODB_URI points at a standalone');
    }
    client = await new MongoClient(db.uri).connect();
    const created = await createTestDocket(db, {
      handlers: [ConfirmOrderHandler],
      mongo: { client, dbName: db.dbName },
    });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterAll(async () => {
    await docket?.close();
    await client?.close();
    await db?.cleanup();
  });

  async function inSession<T>(use: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = client.startSession();
    try {
      return await use(session);
    } finally {
      await session.endSession();
    }
  }

  it('writes the job with the order when the transaction commits, and it runs once', async () => {
    const server = await docket.startServer(FAST_SERVER);
    try {
      let jobId = '';
      let seenOutside = -1;
      await inSession((session) =>
        session.withTransaction(async () => {
          await orders().insertOne({ _id: 'order-1' }, { session });
          jobId = await scheduler.enqueue(confirm('order-1'), { session });
          // Not there for anyone else, servers included, before the commit.
          seenOutside = await jobs().countDocuments({ _id: jobId });
        }),
      );
      expect(seenOutside).toBe(0);
      const succeeded = nextEvent<{ jobId: string }>((listener) =>
        docket.on('job.succeeded', listener),
      );
      // The server hears of it through its change stream, at the commit.
      expect((await succeeded).jobId).toBe(jobId);
      expect(runs.get('order-1')).toBe(1);
      await expect(orders().countDocuments({ _id: 'order-1' })).resolves.toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('leaves no job (and no order) when the transaction aborts', async () => {
    await inSession(async (session) => {
      session.startTransaction();
      await orders().insertOne({ _id: 'order-2' }, { session });
      const [one, two] = await scheduler.enqueueMany([confirm('order-2'), confirm('order-2b')], {
        session,
      });
      const single = await scheduler.schedule(
        confirm('order-2c'),
        { delayMs: 60_000 },
        { session },
      );
      await session.abortTransaction();
      await expect(jobs().countDocuments({ _id: { $in: [one, two, single] } })).resolves.toBe(0);
    });
    await expect(orders().countDocuments({ _id: 'order-2' })).resolves.toBe(0);
  });

  it('leaves one job when withTransaction retries the transaction after a write conflict', async () => {
    await orders().insertOne({ _id: 'order-3' });
    // Another transaction holds the order: the first attempt's write to it conflicts.
    const other = client.startSession();
    other.startTransaction();
    await orders().updateOne({ _id: 'order-3' }, { $set: { by: 'other' } }, { session: other });
    let attempts = 0;
    const ids: string[] = [];
    try {
      await inSession((session) =>
        session.withTransaction(async () => {
          attempts++;
          if (attempts === 2) await other.commitTransaction();
          ids.push(await scheduler.enqueue(confirm('order-3'), { session }));
          await orders().updateOne({ _id: 'order-3' }, { $set: { by: 'us' } }, { session });
        }),
      );
    } finally {
      await other.endSession();
    }
    expect(attempts).toBe(2);
    expect(ids).toHaveLength(2);
    const stored = await jobs().find({ 'payload.orderId': 'order-3' }).toArray();
    expect(stored.map((job) => job._id)).toEqual([ids[1]]);
    await expect(orders().findOne({ _id: 'order-3' })).resolves.toEqual({
      _id: 'order-3',
      by: 'us',
    });
  });

  it('gives the holder’s id for a uniqueKey an unfinished job holds, and commits', async () => {
    const holder = await scheduler.enqueue(confirm('order-4'), { uniqueKey: 'confirm:order-4' });
    const inTransaction = await inSession((session) =>
      session.withTransaction(() =>
        scheduler.enqueue(confirm('order-4'), { session, uniqueKey: 'confirm:order-4' }),
      ),
    );
    expect(inTransaction).toBe(holder);
    await expect(jobs().countDocuments({ uniqueKey: 'confirm:order-4' })).resolves.toBe(1);
  });

  it('refuses a session of another client and an ended one', async () => {
    const other = await new MongoClient(db.uri).connect();
    try {
      const foreign = other.startSession();
      await expect(
        scheduler.enqueue(confirm('order-5'), { session: foreign }),
      ).rejects.toBeInstanceOf(InvalidOptionsError);
      await foreign.endSession();
    } finally {
      await other.close();
    }
    const ended = client.startSession();
    await ended.endSession();
    await expect(scheduler.enqueue(confirm('order-5'), { session: ended })).rejects.toThrow(
      /session has ended/,
    );
    await expect(jobs().countDocuments({ 'payload.orderId': 'order-5' })).resolves.toBe(0);
  });

  it('passes the session of the job commands a saga emits into the transaction', async () => {
    const ids = await inSession(async (session) => {
      session.startTransaction();
      const enqueued = await handleJobCommand(
        scheduler,
        new EnqueueJobCommand(confirm('order-11'), { session }),
      );
      const scheduled = await handleJobCommand(
        scheduler,
        new ScheduleJobCommand(confirm('order-11b'), { delayMs: 60_000 }, { session }),
      );
      await session.abortTransaction();
      return [enqueued, scheduled] as string[];
    });
    expect(ids).toHaveLength(2);
    await expect(jobs().countDocuments({ _id: { $in: ids } })).resolves.toBe(0);
  });

  it('writes a continuation and its parent’s mark in the transaction: abort leaves neither', async () => {
    const parent = await scheduler.enqueue(confirm('order-7-parent'));
    let child = '';
    await inSession(async (session) => {
      session.startTransaction();
      child = await scheduler.continueWith(parent, confirm('order-7'), { session });
      await session.abortTransaction();
    });
    await expect(jobs().countDocuments({ _id: child })).resolves.toBe(0);
    const stored = await jobs().findOne({ _id: parent });
    expect(stored?.hasContinuations).toBeUndefined();
  });

  it('runs a continuation committed with its parent waiting once, after the parent', async () => {
    const parent = await scheduler.enqueue(confirm('order-8-parent'));
    const child = await inSession((session) =>
      session.withTransaction(() =>
        scheduler.continueWith(parent, confirm('order-8'), { session }),
      ),
    );
    await expect(jobs().findOne({ _id: child })).resolves.toMatchObject({ state: 'awaiting' });
    const server = await docket.startServer(FAST_SERVER);
    try {
      await waitForSucceeded(child);
      expect(runs.get('order-8-parent')).toBe(1);
      expect(runs.get('order-8')).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('writes a continuation of a finished parent released: enqueued after success, deleted under cancel', async () => {
    const succeeded = await scheduler.enqueue(confirm('order-9-parent'));
    const failed = await scheduler.enqueue(confirm('order-9-failed-parent'));
    // Failed for good before any server could claim it.
    await jobs().updateOne({ _id: failed }, { $set: { state: 'failed' } });
    const server = await docket.startServer(FAST_SERVER);
    try {
      await waitForSucceeded(succeeded);
      const [child, cancelled] = await inSession((session) =>
        session.withTransaction(async () => [
          await scheduler.continueWith(succeeded, confirm('order-9'), { session }),
          await scheduler.continueWith(failed, confirm('order-9-cancelled'), { session }),
        ]),
      );
      await expect(jobs().findOne({ _id: cancelled })).resolves.toMatchObject({
        state: 'deleted',
      });
      // No worker releases it: it was written enqueued, and the change stream announces it.
      await waitForSucceeded(child);
      expect(runs.get('order-9')).toBe(1);
      expect(runs.get('order-9-cancelled')).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('retries when the parent finishes after the transaction’s snapshot, and the child runs once', async () => {
    const parent = await scheduler.enqueue(confirm('order-10-parent'));
    const server = await docket.startServer(FAST_SERVER);
    let attempts = 0;
    try {
      const child = await inSession((session) =>
        session.withTransaction(async () => {
          attempts++;
          // The first attempt reads (its snapshot), then the parent runs and succeeds.
          await orders().findOne({ _id: 'none' }, { session });
          if (attempts === 1) await waitForSucceeded(parent);
          return scheduler.continueWith(parent, confirm('order-10'), { session });
        }),
      );
      expect(attempts).toBe(2);
      await waitForSucceeded(child);
      expect(runs.get('order-10')).toBe(1);
      await expect(jobs().countDocuments({ 'payload.orderId': 'order-10' })).resolves.toBe(1);
    } finally {
      await server.stop();
    }
  });

  /** Resolves once the job has succeeded (at once when it already has). */
  async function waitForSucceeded(jobId: string): Promise<void> {
    await waitFor(async () => (await jobs().findOne({ _id: jobId }))?.state === 'succeeded');
  }
});

describe('enqueue in the caller’s transaction (standalone)', () => {
  it('fails with TransactionsUnsupportedError, saying why, and writes nothing', async () => {
    const own = await openOwnStandIn('outbox_standalone', 'standalone');
    const { client } = own;
    const { docket, container } = await createTestDocket(own, {
      handlers: [ConfirmOrderHandler],
    });
    const session = client.startSession();
    try {
      const scheduler = container.resolve<IJobScheduler>(JOB_SCHEDULER);
      session.startTransaction();
      const error = await scheduler.enqueue(confirm('order-6'), { session }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TransactionsUnsupportedError);
      expect((error as Error).message).toMatch(/standalone/);
      await session.abortTransaction().catch(() => undefined);
      await expect(
        client.db('outbox_standalone').collection('docket.jobs').countDocuments(),
      ).resolves.toBe(0);
    } finally {
      await session.endSession();
      await docket.close();
      await own.cleanup();
    }
  });
});
