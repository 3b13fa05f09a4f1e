import { Writable } from 'node:stream';
import { IsInt } from 'class-validator';
import { MongoClient, MongoServerError, type Document } from 'mongodb';
import { createLogger, transports, type Logger } from 'winston';
import { Job, JobHandler, type Docket, type IJob, type IJobHandler } from '../../../src';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('new-work-watch.ping')
class PingJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(PingJob)
class PingHandler implements IJobHandler<PingJob> {
  async handle(): Promise<void> {}
}

/** MongoDB's code for "$changeStream is only supported on replica sets". */
const CHANGE_STREAM_NOT_SUPPORTED = 40573;

/**
 * Whether the deployment serves change streams, asked of the server directly (not through
 * Docket's own detection, which is what these tests check): open one and see whether it is
 * refused. A standalone `mongod` and the stand-in refuse; replica sets and sharded clusters
 * (a MONGODB_URI pointing at one) serve them.
 */
async function deploymentHasChangeStreams(db: TestDatabase): Promise<boolean> {
  const stream = db.client.db(db.dbName).collection('change-stream-probe').watch();
  try {
    await stream.tryNext();
    return true;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === CHANGE_STREAM_NOT_SUPPORTED) {
      return false;
    }
    throw error;
  } finally {
    await stream.close();
  }
}

/** A winston logger that keeps the messages it logs at `info`. */
function recordingLogger(): { logger: Logger; infos: string[] } {
  const infos: string[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: { level: string; message: unknown }, _encoding, done) {
      if (info.level === 'info') infos.push(String(info.message));
      done();
    },
  });
  return { logger: createLogger({ transports: [new transports.Stream({ stream })] }), infos };
}

/** A server's claim when it does not know of a due job: a batch claim's read of candidates. */
function isPollingClaim(command: Document): boolean {
  return (
    command.find === 'docket.jobs' &&
    command.filter?.queue !== undefined &&
    command.filter?.dueAt !== undefined
  );
}

/*
 * Either path is asserted, whichever the test server has: a change stream on a replica set
 * or sharded cluster (set MONGODB_URI to one), polling on a standalone server or the
 * stand-in. Neither test can pass without checking one of them.
 */
describe('wake-ups for work enqueued by other processes', () => {
  let db: TestDatabase;
  let store: MongoJobStore;
  let changeStreams: boolean;

  beforeAll(async () => {
    db = await openTestDatabase('new_work_watch');
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    await store.ensureIndexes();
    changeStreams = await deploymentHasChangeStreams(db);
  });

  afterAll(() => db.cleanup());

  it('the job store opens a change stream where the deployment serves them, and none elsewhere', async () => {
    const errors: unknown[] = [];
    let onWork: () => void = () => undefined;
    const watch = await store.watchForNewWork(
      ['default'],
      () => onWork(),
      (e) => errors.push(e),
    );
    try {
      if (changeStreams) {
        expect(watch).not.toBeNull();
        const woken = nextEvent<void>((listener) => {
          onWork = listener;
          return () => (onWork = () => undefined);
        });
        const now = new Date();
        await store.insert(
          newJobRecord({
            type: 't',
            queue: 'default',
            priority: 0,
            payload: {},
            state: 'enqueued',
            dueAt: now,
            now,
            maxAttempts: null,
            timeoutMs: null,
          }),
        );
        await woken;
      } else {
        // Nothing to watch: opening one anyway would fail, and the server polls instead.
        expect(watch).toBeNull();
      }
      expect(errors).toEqual([]);
    } finally {
      await watch?.close();
    }
  });

  it('a server picks up a job another process enqueued: at once through a change stream, or at its next poll', async () => {
    // With a change stream, a poll interval far longer than the test: only the stream can
    // explain a pickup. Without, a short one that bounds the pickup.
    const pollIntervalMs = changeStreams ? 60_000 : 1_000;
    /** Time the poll's own claim and the job's start may take, on a loaded machine. */
    const claimAllowanceMs = 1_500;
    const client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    const { logger, infos } = recordingLogger();
    const { docket: worker } = await createTestDocket(db, {
      handlers: [PingHandler],
      logger,
      mongo: { client, dbName: db.dbName },
    });
    // The other process: its own client and Docket, so no in-process event reaches the worker.
    const { docket: producer } = await createTestDocket(db, { handlers: [] });
    const polls = new MatchedCommands(client, isPollingClaim);
    const dockets: Docket[] = [worker, producer];
    try {
      const server = await worker.startServer({
        ...FAST_SERVER,
        pollIntervalMs,
        minPollIntervalMs: pollIntervalMs,
      });
      expect(infos).toContainEqual(
        changeStreams
          ? expect.stringMatching(/^change stream open/)
          : expect.stringMatching(
              new RegExp(
                `^no change streams on this deployment: polling every ${pollIntervalMs} ms`,
              ),
            ),
      );
      // The first claim, made at start, finds nothing: the job must be found afterwards.
      await waitFor(() => polls.succeeded >= 1, { what: "the server's first claim" });
      const pollsBefore = polls.started;
      const started = nextEvent<{ jobId: string }>((listener) =>
        worker.on('job.started', listener),
      );
      const enqueuedAt = Date.now();
      const jobId = await producer.scheduler.enqueue(Object.assign(new PingJob(), { n: 1 }));
      expect((await started).jobId).toBe(jobId);
      const pickupMs = Date.now() - enqueuedAt;
      if (changeStreams) {
        expect(pickupMs).toBeLessThan(pollIntervalMs / 10);
      } else {
        // Found by the next poll: the one under way while the job was inserted, or the one after.
        expect(polls.started - pollsBefore).toBeGreaterThanOrEqual(1);
        expect(polls.started - pollsBefore).toBeLessThanOrEqual(2);
        expect(pickupMs).toBeLessThanOrEqual(pollIntervalMs + claimAllowanceMs);
      }
      await server.stop();
    } finally {
      polls.close();
      await Promise.all(dockets.map((docket) => docket.close()));
      await client.close();
    }
  });
});
