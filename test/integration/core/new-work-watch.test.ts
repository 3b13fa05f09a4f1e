import { IsInt } from 'class-validator';
import { MongoClient } from 'mongodb';
import { Job, JobHandler, type Docket, type IJob, type IJobHandler } from '../../../src';
import type { DocketEvents } from '../../../src/events/docket-events';
import type { JobState } from '../../../src/storage/job-record';
import type { PushVia } from '../../../src/storage/job-store';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('new-work-watch.ping')
class PingJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(PingJob)
class PingHandler implements IJobHandler<PingJob> {
  async handle(): Promise<void> {}
}

/**
 * Idle polls far apart: the tests below end long before a poll could find anything, so only
 * the push channel (and the due-time wake-up it arms) can explain a pickup.
 */
const NO_POLLING = { ...FAST_SERVER, pollIntervalMs: 600_000, minPollIntervalMs: 600_000 };

/** MongoDB's BadValue: an error a change stream does not resume after, nor a tail survive. */
const BAD_VALUE = 2;

const DB = 'new_work_watch';

function record(queue: string, state: JobState, dueAt: Date) {
  return newJobRecord({
    type: 'new-work-watch.ping',
    queue,
    priority: 0,
    payload: { n: 1 },
    state,
    dueAt,
    now: new Date(),
    maxAttempts: null,
    timeoutMs: null,
  });
}

/*
 * Each deployment on a stand-in of its own (fail points below are server-wide): a replica
 * set, where servers follow the jobs collection's change stream, and a standalone server,
 * where they tail the notices collection that inserts write into.
 */
describe.each([
  ['replica set', 'replica-set', 'change-stream', 'docket.jobs'],
  ['standalone server', 'standalone', 'notifications', 'docket.notices'],
] as const)('push pickup on a %s', (_name, topology, via: PushVia, channel) => {
  let own: TestDatabase;
  let client: MongoClient;
  let store: MongoJobStore;
  const dockets: Docket[] = [];
  const clients: MongoClient[] = [];

  beforeAll(async () => {
    own = await openOwnStandIn(DB, topology);
    client = own.client;
    store = new MongoJobStore(client.db(DB), 'docket.', RETENTION_DEFAULTS);
    await store.ensureIndexes();
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((docket) => docket.close()));
    await Promise.all(clients.splice(0).map((other) => other.close()));
    await client.db(DB).collection('docket.jobs').deleteMany({});
  });

  afterAll(() => own.cleanup());

  /** A worker and, with its own client, another process's producer: no in-process event links them. */
  async function workerAndProducer(): Promise<{ worker: Docket; producer: Docket }> {
    const producerClient = await new MongoClient(own.uri).connect();
    clients.push(producerClient);
    const { docket: worker } = await createTestDocket(own, { handlers: [PingHandler] });
    const { docket: producer } = await createTestDocket(own, {
      handlers: [],
      mongo: { client: producerClient, dbName: DB },
    });
    dockets.push(worker, producer);
    worker.on('error', () => undefined);
    return { worker, producer };
  }

  it(`the job store pushes claimable jobs of the watched queues, with their due times (${via})`, async () => {
    const seen: Array<[string | undefined, Date | undefined]> = [];
    const errors: unknown[] = [];
    const watch = await store.watchForNewWork(
      ['default'],
      (jobId, dueAt) => seen.push([jobId, dueAt]),
      (error) => errors.push(error),
    );
    try {
      expect(watch?.via).toBe(via);
      const other = record('elsewhere', 'enqueued', new Date());
      const now = record('default', 'enqueued', new Date());
      const later = record('default', 'scheduled', new Date(Date.now() + 60_000));
      const many = [
        record('default', 'enqueued', new Date()),
        record('elsewhere', 'enqueued', new Date()),
      ];
      await store.insert(other);
      await store.insert(now);
      await store.insert(later);
      await store.insertMany(many);
      await waitFor(() => seen.length >= 3, { what: 'three pushed jobs' });
      // In order, the other queue's jobs left out, each with its due time.
      expect(seen).toEqual([
        [now._id, now.dueAt],
        [later._id, later.dueAt],
        [many[0]._id, many[0].dueAt],
      ]);
      expect(errors).toEqual([]);
    } finally {
      await watch?.close();
    }
  });

  it('a job another process enqueues starts without waiting for a poll, and the server says how it heard', async () => {
    const { worker, producer } = await workerAndProducer();
    const modeAtStart = nextEvent<DocketEvents['server.pickup']>((l) =>
      worker.on('server.pickup', l),
    );
    const server = await worker.startServer(NO_POLLING);
    expect(await modeAtStart).toEqual({ serverId: server.id, mode: via });
    expect((await worker.listServers()).map((s) => s.pickup)).toEqual([via]);
    const started = nextEvent<{ jobId: string }>((l) => worker.on('job.started', l));
    const jobId = await producer.scheduler.enqueue(Object.assign(new PingJob(), { n: 1 }));
    expect((await started).jobId).toBe(jobId);
  });

  it('a bulk enqueue larger than the notices collection holds keeps the push channel open', async () => {
    const { worker, producer } = await workerAndProducer();
    const modes: Array<DocketEvents['server.pickup']['mode']> = [];
    const errors: string[] = [];
    worker.on('server.pickup', ({ mode }) => void modes.push(mode));
    worker.on('error', ({ context, error }) => void errors.push(`${context}: ${error.message}`));
    // The push channel's failures (a loaded machine may delay a sweep: not this test's concern).
    const channelErrors = () => errors.filter((error) => /notices|new work/i.test(error));
    await worker.startServer(NO_POLLING);
    let succeeded = 0;
    worker.on('job.succeeded', () => void succeeded++);
    // More jobs in one call than the notices collection keeps (1,000): one notice per job
    // would overwrite the tail's position before it read them, and end the tail.
    const jobs = Array.from({ length: 1_500 }, (_, n) => Object.assign(new PingJob(), { n }));
    await producer.scheduler.enqueueMany(jobs);
    await waitFor(() => succeeded === jobs.length, { what: 'the bulk-enqueued jobs' });
    // The tail still follows: a job enqueued now starts without a poll.
    const started = nextEvent<{ jobId: string }>((l) => worker.on('job.started', l));
    const jobId = await producer.scheduler.enqueue(Object.assign(new PingJob(), { n: -1 }));
    expect((await started).jobId).toBe(jobId);
    expect(modes).toEqual([via]);
    expect(channelErrors()).toEqual([]);
  });

  it('a job another process schedules starts at its due time, not at the next poll', async () => {
    const { worker, producer } = await workerAndProducer();
    await worker.startServer(NO_POLLING);
    const started = nextEvent<{ jobId: string }>((l) => worker.on('job.started', l));
    const jobId = await producer.scheduler.schedule(Object.assign(new PingJob(), { n: 2 }), {
      delayMs: 300,
    });
    expect((await started).jobId).toBe(jobId);
    const job = await worker.getJob(jobId);
    // Started by the due-time wake-up: not before the job was due.
    expect(job?.startedAt?.getTime()).toBeGreaterThanOrEqual(job!.createdAt.getTime() + 300);
  });

  it('falls back to polling when the push channel fails, says why, and pushes again once reopened', async () => {
    const { worker, producer } = await workerAndProducer();
    const server = await worker.startServer(NO_POLLING);
    const modes: Array<DocketEvents['server.pickup']> = [];
    worker.on('server.pickup', (event) => modes.push(event));
    const reopened = nextEvent<DocketEvents['server.pickup']>(
      (l) => worker.on('server.pickup', l),
      (event) => event.mode === via,
    );
    await client.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['getMore'], errorCode: BAD_VALUE, namespace: `${DB}.${channel}` },
    });
    try {
      // Nudge the channel: its waiting getMore answers, the next one fails.
      await producer.scheduler.enqueue(Object.assign(new PingJob(), { n: 3 }));
      await reopened;
    } finally {
      await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    }
    expect(modes.map((event) => event.mode)).toEqual(['polling', via]);
    expect(modes[0]).toMatchObject({ serverId: server.id, reason: expect.stringMatching(/./) });
    await waitFor(async () => (await worker.listServers())[0]?.pickup === via, {
      what: 'the servers page to show push pickup again',
    });
    const started = nextEvent<{ jobId: string }>((l) => worker.on('job.started', l));
    const jobId = await producer.scheduler.enqueue(Object.assign(new PingJob(), { n: 4 }));
    expect((await started).jobId).toBe(jobId);
  });
});
