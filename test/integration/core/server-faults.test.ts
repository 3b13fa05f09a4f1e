import { IsInt } from 'class-validator';
import type { CommandStartedEvent, Document } from 'mongodb';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  LeaseLostError,
  StorageError,
  type Docket,
  type DocketEvents,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

/** What the first attempt saw: when it started, and when and why its signal fired. */
interface FirstAttempt {
  startedAt: number;
  abortedAt?: number;
  reason?: unknown;
}
let first: FirstAttempt | undefined;

@Job('server-faults.work')
class WorkJob implements IJob {
  @IsInt() n!: number;
}

/** The first attempt runs until its signal fires; a retry succeeds at once. */
@JobHandler(WorkJob, { retries: 2, backoff: { baseMs: 0, maxMs: 0 } })
class WorkHandler implements IJobHandler<WorkJob> {
  handle(_job: WorkJob, ctx: JobContext): Promise<void> {
    if (ctx.attempt > 1) return Promise.resolve();
    const attempt: FirstAttempt = { startedAt: performance.now() };
    first = attempt;
    return new Promise<void>((_, reject) =>
      ctx.signal.addEventListener('abort', () => {
        attempt.abortedAt = performance.now();
        attempt.reason = ctx.signal.reason;
        reject(ctx.signal.reason);
      }),
    );
  }
}

const LEASE_MS = 1_000;

/**
 * Server faults injected with the `failCommand` fail point of a stand-in of this file's own,
 * each limited to a collection. The fail point is one setting for the whole server: these
 * tests live in one file so that they never reconfigure it under each other, and on a
 * server of their own so that no other test file, running in parallel, does.
 */
describe('server faults (failCommand)', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];
  let errors: Array<DocketEvents['error']>;

  const failPoint = (mode: Document | string, data: Document = {}) =>
    db.client.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
  const ns = (collection: string) => `${db.dbName}.docket.${collection}`;

  async function newDocket(
    options: Parameters<typeof createTestDocket>[1] = {},
  ): Promise<{ docket: Docket; scheduler: IJobScheduler }> {
    const { docket, container } = await createTestDocket(db, {
      handlers: [WorkHandler],
      ...options,
    });
    docket.on('error', (event) => void errors.push(event));
    dockets.push(docket);
    return { docket, scheduler: container.resolve(JOB_SCHEDULER) };
  }

  beforeAll(async () => {
    db = await openOwnStandIn('server_faults', 'replica-set');
  });

  beforeEach(() => {
    errors = [];
    first = undefined;
  });

  afterEach(async () => {
    await failPoint('off');
    await Promise.all(dockets.splice(0).map((d) => d.close().catch(() => undefined)));
    await db.client.db(db.dbName).dropDatabase();
  });

  afterAll(() => db.cleanup());

  describe('a server keeps its own lease deadline (docs/design.md, guarantee 8)', () => {
    it.each([
      ['hang', { blockConnection: true, blockTimeMS: 3_000 }],
      ['fail', { errorCode: 2 }],
    ] as const)(
      'when lease renewals %s, the handler is aborted with LeaseLostError before its lease can expire',
      async (_how, data) => {
        const { docket, scheduler } = await newDocket();
        await docket.startServer({
          ...FAST_SERVER,
          leaseMs: LEASE_MS,
          heartbeatIntervalMs: 200,
          // Nothing takes the job over here: the server gives it up on its own.
          recoveryIntervalMs: 60_000,
        });
        const leaseLost = nextEvent<DocketEvents['job.leaseLost']>((l) =>
          docket.on('job.leaseLost', l),
        );
        const id = await scheduler.enqueue(Object.assign(new WorkJob(), { n: 1 }));
        await waitFor(() => first, { what: 'the first attempt to start' });
        // From now on no renewal of the job's lease gets through (the jobs collection only:
        // the server's announcements go on).
        await failPoint('alwaysOn', { failCommands: ['update'], namespace: ns('jobs'), ...data });
        await waitFor(() => first?.abortedAt, {
          what: 'the handler to be aborted',
          timeoutMs: 4 * LEASE_MS,
        });
        expect(first!.reason).toBeInstanceOf(LeaseLostError);
        // The claim came before the handler started: the lease MongoDB holds lasts at least
        // until startedAt + LEASE_MS, and the server gave up on it before.
        expect(first!.abortedAt! - first!.startedAt).toBeLessThan(LEASE_MS);
        expect(await leaseLost).toMatchObject({ jobId: id, attempt: 1 });
        expect(errors.map((e) => e.context)).toContainEqual(
          expect.stringMatching(/^heartbeat failed/),
        );
      },
    );

    it('reports a lease the heartbeat found taken with job.leaseLost', async () => {
      const { docket, scheduler } = await newDocket();
      await docket.startServer({ ...FAST_SERVER, leaseMs: LEASE_MS, heartbeatIntervalMs: 200 });
      const leaseLost = nextEvent<DocketEvents['job.leaseLost']>((l) =>
        docket.on('job.leaseLost', l),
      );
      const id = await scheduler.enqueue(Object.assign(new WorkJob(), { n: 1 }));
      await waitFor(() => first, { what: 'the first attempt to start' });
      // Another worker's claim, as far as this server can tell: the fence moved on.
      await db.client
        .db(db.dbName)
        .collection<{ _id: string }>('docket.jobs')
        .updateOne({ _id: id }, { $inc: { fence: 1 } });
      expect(await leaseLost).toMatchObject({ jobId: id, attempt: 1 });
      await waitFor(() => first?.abortedAt, { what: 'the handler to be aborted' });
      expect(first!.reason).toBeInstanceOf(LeaseLostError);
    });
  });

  describe('a start that fails midway', () => {
    it.each([
      ['recovery', 'jobs'],
      ['the announcement', 'servers'],
    ])(
      'when %s fails: startServer rejects with ServerStartError and nothing of the server remains',
      async (_step, collection) => {
        const { docket } = await newDocket();
        await failPoint(
          { times: 1 },
          { failCommands: ['update'], namespace: ns(collection), errorCode: 2 },
        );
        const failed = await docket.startServer({ ...FAST_SERVER }).catch((e: unknown) => e);
        expect(failed).toMatchObject({ name: 'ServerStartError', code: 'SERVER_START' });
        expect((failed as Error).cause).toBeInstanceOf(StorageError);
        // Not registered: no entry announced (or it was removed), and no heartbeat re-creates it.
        expect(await docket.listServers()).toEqual([]);
        await expect(docket.close()).resolves.toBeUndefined();
        expect(await docket.listServers()).toEqual([]);
        expect(errors).toEqual([]);
      },
    );
  });

  describe('Docket.close()', () => {
    it('rejects with the error of a failed step after every step ran, and emits it', async () => {
      const { docket } = await newDocket();
      await docket.startServer({ ...FAST_SERVER });
      await failPoint(
        { times: 1 },
        { failCommands: ['delete'], namespace: ns('servers'), errorCode: 2 },
      );
      const failure = await docket.close().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StorageError);
      expect(errors.map((e) => e.error)).toEqual([failure]);
      // Closed all the same: a second close() is the same promise.
      await expect(docket.close()).rejects.toBe(failure);
    });

    it('rejects with an AggregateError when several steps failed', async () => {
      const { docket } = await newDocket();
      await docket.startServer({ ...FAST_SERVER });
      await docket.startServer({ ...FAST_SERVER });
      await failPoint(
        { times: 2 },
        { failCommands: ['delete'], namespace: ns('servers'), errorCode: 2 },
      );
      const failure = await docket.close().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AggregateError);
      const inner = (failure as AggregateError).errors;
      expect(inner).toHaveLength(2);
      for (const error of inner) expect(error).toBeInstanceOf(StorageError);
      expect(errors.map((e) => e.error)).toEqual(expect.arrayContaining(inner));
    });

    it('waits for a heartbeat in flight before closing its client: no false error, no entry left', async () => {
      const { docket } = await newDocket({
        mongo: { uri: db.uri, dbName: db.dbName, clientOptions: { monitorCommands: true } },
      });
      await docket.startServer({ ...FAST_SERVER, leaseMs: 2_000, heartbeatIntervalMs: 400 });
      // Every announcement after the first (the heartbeats) answers late.
      await failPoint('alwaysOn', {
        failCommands: ['update'],
        namespace: ns('servers'),
        blockConnection: true,
        blockTimeMS: 150,
      });
      await nextEvent<CommandStartedEvent>(
        (listener) => {
          docket.database.client.on('commandStarted', listener);
          return () => docket.database.client.off('commandStarted', listener);
        },
        (event) => event.commandName === 'update' && event.command.update === 'docket.servers',
      );
      await docket.close();
      expect(errors).toEqual([]);
      const servers = await db.client.db(db.dbName).collection('docket.servers').find().toArray();
      expect(servers).toEqual([]);
    });
  });
});
