/**
 * `Docket.jobEvents`: a process that runs no server hears the lifecycle events of jobs that a
 * worker process runs, through the change stream on a replica set and by reading the jobs'
 * histories on a standalone; filters; resuming after a failure or from a position.
 */
import { MongoClient } from 'mongodb';
import {
  DocketClosedError,
  InvalidOptionsError,
  JobEventsLostError,
  type Docket,
  type DocketEvents,
  type JobEventStream,
  type JobStreamEvent,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import {
  FAST_WORKER_SERVER,
  startWorkerProcess,
  WORKER_FIXTURES,
  type WorkerProcess,
} from '../../helpers/worker-processes';
import { doomed, flaky, sleepy } from '../fixtures/job-events-jobs';

type Topology = 'replica-set' | 'standalone';

/** The position of an event of another deployment. */
const LOST_POSITION = 'c.826B11652A0000000300000000000200';

/** Reads a stream in the background until it is closed. */
function collect(stream: JobEventStream): { events: JobStreamEvent[]; done: Promise<void> } {
  const events: JobStreamEvent[] = [];
  const done = (async () => {
    for await (const event of stream) events.push(event);
  })();
  done.catch(() => undefined); // judged by the test that awaits it
  return { events, done };
}

/** An event as a short line: its name, attempt and state-specific fields. */
function line(event: JobStreamEvent): string {
  switch (event.event) {
    case 'started':
      return `started ${event.attempt} on ${event.serverId}`;
    case 'progress':
      return `progress ${event.attempt} ${event.percent}${event.message ? ` ${event.message}` : ''}`;
    case 'retried':
      return `retried ${event.attempt} ${event.error?.message}`;
    case 'failed':
      return `failed ${event.attempt} ${event.error?.name}: ${event.error?.message}`;
    case 'succeeded':
      return `succeeded ${event.attempt} result ${event.hasResult}`;
    case 'snoozed':
      return `snoozed ${event.attempt}`;
    default:
      return `${event.event} ${event.attempt}`;
  }
}

/** The lines of one job's events, progress left out when `withProgress` is false. */
function linesOf(events: readonly JobStreamEvent[], jobId: string, withProgress = true): string[] {
  return events
    .filter((event) => event.jobId === jobId && (withProgress || event.event !== 'progress'))
    .map(line);
}

/** A Docket that runs no server: the subscriber. */
async function openSubscriber(
  db: TestDatabase,
): Promise<{ docket: Docket; close(): Promise<void> }> {
  const client = await new MongoClient(db.uri).connect();
  const { docket } = await createTestDocket(db, {
    handlers: [],
    mongo: { client, dbName: db.dbName },
  });
  return {
    docket,
    close: async () => {
      await docket.close();
      await client.close();
    },
  };
}

describe.each<Topology>(['replica-set', 'standalone'])('job events on a %s', (topology) => {
  let db: TestDatabase;
  let subscriber: { docket: Docket; close(): Promise<void> };
  let worker: WorkerProcess | undefined;
  const pollIntervalMs = 20;

  beforeAll(async () => {
    db = await openOwnStandIn(`events_${topology.replace('-', '_')}`, topology);
    subscriber = await openSubscriber(db);
  });

  afterAll(async () => {
    await worker?.stop();
    await subscriber.close();
    await db.cleanup();
  });

  it('delivers each job’s events, in order, from a worker process to a process running no server', async () => {
    const { docket } = subscriber;
    const all = await docket.jobEvents({ pollIntervalMs });
    expect(all.transport).toBe(topology === 'replica-set' ? 'change-stream' : 'history');
    const failures = await docket.jobEvents({
      types: ['events.doomed'],
      events: ['failed'],
      pollIntervalMs,
    });
    const other = await docket.jobEvents({ queues: ['other'], pollIntervalMs });
    const everything = collect(all);
    const failed = collect(failures);
    const inOther = collect(other);

    worker = await startWorkerProcess(
      'events-worker',
      { uri: db.uri, dbName: db.dbName, server: { ...FAST_WORKER_SERVER, queues: ['default'] } },
      { fixture: WORKER_FIXTURES.jobEvents },
    );
    const { scheduler } = docket;
    const flakyId = await scheduler.enqueue(flaky('a'));
    const doomedId = await scheduler.enqueue(doomed('b'));
    const sleepyId = await scheduler.enqueue(sleepy('c'));
    const laterId = await scheduler.schedule(flaky('d'), { delayMs: 3_600_000 });
    const parkedId = await scheduler.enqueue(flaky('e'), { queue: 'other' });
    await scheduler.delete(laterId);
    for (const id of [flakyId, doomedId, sleepyId]) await scheduler.waitForJob(id).catch(() => 0);

    const ended = (id: string, last: string) => () =>
      everything.events.some((event) => event.jobId === id && event.event === last);
    await waitFor(ended(flakyId, 'succeeded'), { what: 'the flaky job’s success' });
    await waitFor(ended(doomedId, 'failed'), { what: 'the doomed job’s failure' });
    await waitFor(ended(sleepyId, 'succeeded'), { what: 'the sleepy job’s success' });
    await waitFor(ended(laterId, 'deleted'), { what: 'the scheduled job’s deletion' });
    await waitFor(() => failed.events.length >= 1 && inOther.events.length >= 1);
    await Promise.all([all.close(), failures.close(), other.close()]);
    await Promise.all([everything.done, failed.done, inOther.done]);

    const server = 'on events-worker';
    // A standalone sees a job's last progress only: attempt 1's is replaced within a poll.
    const changeStream = topology === 'replica-set';
    expect(linesOf(everything.events, flakyId, changeStream)).toEqual([
      'enqueued 0',
      `started 1 ${server}`,
      ...(changeStream ? ['progress 1 50 half way'] : []),
      'retried 1 flaky a attempt 1',
      `started 2 ${server}`,
      ...(changeStream ? ['progress 2 100'] : []),
      'succeeded 2 result true',
    ]);
    expect(linesOf(everything.events, doomedId)).toEqual([
      'enqueued 0',
      `started 1 ${server}`,
      'failed 1 TypeError: doomed b',
    ]);
    expect(linesOf(everything.events, sleepyId)).toEqual([
      'enqueued 0',
      `started 1 ${server}`,
      'snoozed 1',
      `started 1 ${server}`,
      'succeeded 1 result false',
    ]);
    expect(linesOf(everything.events, laterId)).toEqual(['scheduled 0', 'deleted 0']);
    // A standalone knows the due time of a job's last state only: the next run may have started.
    const retried = everything.events.find((event) => event.event === 'retried');
    const snoozed = everything.events.find((event) => event.event === 'snoozed');
    if (changeStream) {
      expect(retried).toMatchObject({ nextAttemptAt: expect.any(Date) });
      expect(snoozed).toMatchObject({ until: expect.any(Date) });
    }
    for (const event of everything.events) {
      expect(event).toMatchObject({ queue: expect.any(String), jobType: expect.any(String) });
      expect(event.at).toBeInstanceOf(Date);
    }
    expect(everything.events.find((event) => event.jobId === flakyId)).toMatchObject({
      jobType: 'events.flaky',
      queue: 'default',
    });
    // Positions grow with the stream: none repeats.
    expect(new Set(everything.events.map((event) => event.position)).size).toBe(
      everything.events.length,
    );

    expect(failed.events.map((event) => [event.jobId, line(event)])).toEqual([
      [doomedId, 'failed 1 TypeError: doomed b'],
    ]);
    expect(inOther.events.map((event) => [event.jobId, line(event)])).toEqual([
      [parkedId, 'enqueued 0'],
    ]);
  }, 60_000);

  it('goes on after a failed read without losing or repeating an event, and resumes from a position', async () => {
    const { docket } = subscriber;
    const errors: Array<DocketEvents['error']> = [];
    const stopListening = docket.on('error', (event) => errors.push(event));
    const stream = await docket.jobEvents({ queues: ['resume'], pollIntervalMs });
    const enqueue = (key: string) => docket.scheduler.enqueue(flaky(key), { queue: 'resume' });
    const reader = stream[Symbol.asyncIterator]();
    const ids = [await enqueue('r1')];
    const first = await reader.next();
    expect(first.value).toMatchObject({ jobId: ids[0], event: 'enqueued' });

    // The next read fails: on a replica set, a `getMore` with an error the driver does not
    // resume from (so the stream reopens itself after the last event), then a dropped
    // connection (which the driver resumes); on a standalone, a poll, likewise.
    const command = topology === 'replica-set' ? 'getMore' : 'aggregate';
    const failures = [{ errorCode: 2 }, { closeConnection: true }];
    for (const [n, failure] of failures.entries()) {
      await db.client.db('admin').command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: [command], ...failure },
      });
      const before = errors.length;
      ids.push(await enqueue(`r${n}a`), await enqueue(`r${n}b`));
      const a = await reader.next();
      const b = await reader.next();
      expect([a.value?.jobId, b.value?.jobId]).toEqual(ids.slice(-2));
      // A dropped connection is resumed (or the read retried) by the driver, unseen.
      if (failure.errorCode !== undefined) expect(errors.length).toBeGreaterThan(before);
    }
    await db.client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    expect(errors.map((event) => event.context)[0]).toMatch(/^job events: /);

    // A position kept, the stream closed, jobs enqueued meanwhile: a new stream from the
    // position delivers exactly those.
    const position = stream.position!;
    await stream.close();
    expect(await reader.next()).toEqual({ done: true, value: undefined });
    const missed = [await enqueue('m1'), await enqueue('m2')];
    const resumed = await docket.jobEvents({ queues: ['resume'], after: position, pollIntervalMs });
    expect(resumed.position).toBe(position);
    const again = resumed[Symbol.asyncIterator]();
    const got = [(await again.next()).value, (await again.next()).value];
    expect(got.map((event) => [event?.jobId, event?.event])).toEqual([
      [missed[0], 'enqueued'],
      [missed[1], 'enqueued'],
    ]);
    const last = await enqueue('m3');
    expect((await again.next()).value?.jobId).toBe(last);
    await resumed.close();
    stopListening();
  }, 60_000);
});

describe('job event streams: refusals', () => {
  let db: TestDatabase;
  let subscriber: { docket: Docket; close(): Promise<void> };

  beforeAll(async () => {
    db = await openOwnStandIn('events_refusals', 'replica-set');
    subscriber = await openSubscriber(db);
  });

  afterAll(async () => {
    await subscriber.close();
    await db.cleanup();
  });

  it.each([
    [
      { events: ['finished'] },
      'events[0]',
      /events\[0\] must be one of "enqueued", .*got "finished"/,
    ],
    [{ queues: [] }, 'queues', /queues must be an array of 1 to 100 names, got/],
    [{ queues: ['bad name'] }, 'queues[0]', /queues\[0\] must be a non-empty string/],
    [{ types: ['1x'] }, 'types[0]', /types\[0\] must be a non-empty string/],
    [
      { pollIntervalMs: 5 },
      'pollIntervalMs',
      /pollIntervalMs must be an integer between 10 and 3600000, got 5/,
    ],
    [{ after: 'somewhere' }, 'after', /after must be the position of an event/],
    [
      { after: 'h.1.0.job' },
      'after',
      /after is a position of a standalone server's job event stream; this deployment is a replica set/,
    ],
    [{ queue: ['default'] }, 'options.queue', /unknown option 'queue'/],
  ])('refuses %j at the call', async (options, option, message) => {
    const error = await subscriber.docket.jobEvents(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({
      option,
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(message),
    });
  });

  it('rejects the iteration with JobEventsLostError when its position cannot be resumed', async () => {
    // A token of another deployment's stream: this one holds no such change.
    const stream = await subscriber.docket.jobEvents({ after: LOST_POSITION });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobEventsLostError);
    expect(error).toMatchObject({ code: 'JOB_EVENTS_LOST', position: LOST_POSITION });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('closes its streams when Docket closes, and refuses new ones', async () => {
    const own = await openSubscriber(db);
    const stream = await own.docket.jobEvents();
    const pending = stream.next();
    await own.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await expect(own.docket.jobEvents()).rejects.toBeInstanceOf(DocketClosedError);
  });
});
