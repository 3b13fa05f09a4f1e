import { IsInt, IsString } from 'class-validator';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { Job, JobHandler, type Docket, type IJob, type IJobHandler } from '../../../src';
import type { JobRecord } from '../../../src/storage/job-record';
import { MongoKeyStore } from '../../../src/storage/mongo/mongo-key-store';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('key-costs.plain')
class PlainJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(PlainJob)
class PlainHandler implements IJobHandler<PlainJob> {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

@Job('key-costs.keyed')
class KeyedJob implements IJob {
  @IsString() account!: string;
}

@JobHandler(KeyedJob, { concurrencyKey: { key: (job) => `account:${job.account}` } })
class KeyedHandler implements IJobHandler<KeyedJob> {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

const JOBS = 300;

describe('what concurrency keys cost', () => {
  let db: TestDatabase;
  let client: MongoClient;
  let docket: Docket;
  let commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('key_costs');
  });

  beforeEach(async () => {
    client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    client.on('commandStarted', (event) => commands.push(event));
    ({ docket } = await createTestDocket(db, {
      mongo: { client, dbName: db.dbName },
      handlers: [PlainHandler, KeyedHandler],
    }));
  });

  afterEach(async () => {
    await docket.close();
    await client.close();
    await db.client.db(db.dbName).dropDatabase();
    commands = [];
  });

  afterAll(() => db.cleanup());

  /** Drains `jobs` with one server; returns the commands its client sent meanwhile. */
  async function drain(jobs: IJob[]): Promise<CommandStartedEvent[]> {
    const ids = await docket.scheduler.enqueueMany(jobs);
    commands = [];
    const server = await docket.startServer({ ...FAST_SERVER, concurrency: 20 });
    const stored = db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
    await waitFor(
      async () => (await stored.countDocuments({ _id: { $in: ids }, state: 'succeeded' })) === JOBS,
      { what: 'every job to succeed', timeoutMs: 60_000 },
    );
    await server.stop();
    return commands;
  }

  /** The heartbeat's extensions of held keys (pipeline `updateMany`s with no upsert). */
  const extensions = (events: CommandStartedEvent[]) =>
    events.filter(
      (e) => e.commandName === 'update' && JSON.stringify(e.command).includes('"multi":true'),
    ).length;
  const onKeys = (event: CommandStartedEvent) =>
    (event.command as Document)[event.commandName] === 'docket.keys';
  const claimFilters = (events: CommandStartedEvent[]) =>
    events
      .filter((event) => ['find', 'findAndModify', 'update'].includes(event.commandName))
      .filter((event) => (event.command as Document)[event.commandName] === 'docket.jobs')
      .map((event) => JSON.stringify(event.command));

  it('unkeyed jobs send nothing to the keys, and their claims never filter on a key', async () => {
    const sent = await drain(
      Array.from({ length: JOBS }, (_, n) => Object.assign(new PlainJob(), { n })),
    );
    expect(sent.filter(onKeys)).toHaveLength(0);
    expect(claimFilters(sent).filter((command) => command.includes('concurrencyKey'))).toEqual([]);
  });

  it('a job of a free key costs two more commands: its take and its release (which deletes the key)', async () => {
    const sent = await drain(
      Array.from({ length: JOBS }, (_, n) => Object.assign(new KeyedJob(), { account: `a${n}` })),
    );
    const keyCommands = sent.filter(onKeys);
    const byName = (name: string) => keyCommands.filter((e) => e.commandName === name).length;
    // One conditional upsert per job and one delete per job (each was its key's only holder),
    // besides the heartbeat's extensions of the keys held at the time. (On a loaded machine a
    // lease may be lost and its job run again: a few more takes and deletes, never fewer.)
    const takes = keyCommands.filter(
      (e) => e.commandName === 'update' && JSON.stringify(e.command).includes('"upsert":true'),
    );
    expect(takes.length).toBeGreaterThanOrEqual(JOBS);
    expect(takes.length).toBeLessThanOrEqual(JOBS * 1.1);
    expect(byName('delete')).toBeGreaterThanOrEqual(JOBS);
    expect(byName('delete')).toBeLessThanOrEqual(takes.length);
    // No $pull: nobody else held these keys.
    expect(byName('update')).toBe(takes.length + extensions(keyCommands));
    expect(await db.client.db(db.dbName).collection('docket.keys').countDocuments()).toBe(0);
  });

  // Each key's record goes with its last release, whatever the number of keys: 5,000 keys
  // show it here (100,000 take about four minutes on the stand-in, too long for the suite).
  it('5,000 distinct keys taken and given back leave no record behind', async () => {
    const keys = new MongoKeyStore(db.client.db(db.dbName), 'docket.');
    const collection = db.client.db(db.dbName).collection('docket.keys');
    const COUNT = 5_000;
    const PARALLEL = 200;
    for (let start = 0; start < COUNT; start += PARALLEL) {
      await Promise.all(
        Array.from({ length: PARALLEL }, async (_, i) => {
          const key = `key:order:${start + i}`;
          const holder = { jobId: `job${start + i}`, fence: 1, serverId: 's' };
          expect(await keys.acquire(key, 1, holder, 60_000)).toBe(true);
          await keys.release(key, holder.jobId, holder.fence);
        }),
      );
      if (start === COUNT / 2) expect(await collection.countDocuments()).toBe(0);
    }
    expect(await collection.countDocuments()).toBe(0);
  }, 120_000);
});
