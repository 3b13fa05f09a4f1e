import { MongoClient, type CommandStartedEvent } from 'mongodb';
import type { BatchRecord } from '../../../src/storage/batch-store';
import type { JobRecord } from '../../../src/storage/job-record';
import { MongoJobBatches } from '../../../src/storage/mongo/mongo-job-batches';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

/**
 * The recovery sweep's part for batches, on storage left as crashed processes leave it:
 * each kind of leftover is found by the sweep's one query and dealt with.
 */
describe('the batch recovery sweep', () => {
  let db: TestDatabase;
  let client: MongoClient;
  const commands: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('batch_sweep');
    client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    client.on('commandStarted', (event: CommandStartedEvent) => {
      const target = event.command[event.commandName];
      commands.push(`${event.commandName} ${typeof target === 'string' ? target : ''}`.trim());
    });
  });

  afterAll(async () => {
    await client.close();
    await db.cleanup();
  });

  /** Batches and jobs under their own collection prefix. */
  async function storage(prefix: string) {
    const database = client.db(db.dbName);
    const jobs = database.collection<JobRecord>(`${prefix}jobs`);
    const store = new MongoJobBatches(database, prefix, jobs, RETENTION_DEFAULTS);
    await store.ensureIndexes();
    return { jobs, batches: database.collection<BatchRecord>(`${prefix}batches`), store };
  }

  const NOW = new Date();
  const LONG_AGO = new Date(NOW.getTime() - 20 * 60_000);

  function batch(id: string, fields: Partial<BatchRecord>): BatchRecord {
    return {
      _id: id,
      state: 'started',
      description: null,
      parentBatchId: null,
      rootBatchId: id,
      total: 1,
      succeeded: 0,
      failed: 0,
      deleted: 0,
      continuations: 0,
      createdAt: LONG_AGO,
      startedAt: LONG_AGO,
      finishedAt: null,
      countedAt: NOW,
      expireAt: null,
      ...fields,
    };
  }

  function job(id: string, fields: Partial<JobRecord>): JobRecord {
    return {
      ...newJobRecord({
        id,
        type: 'sweep.step',
        queue: 'default',
        priority: 0,
        payload: {},
        state: 'awaiting',
        dueAt: LONG_AGO,
        now: LONG_AGO,
        maxAttempts: 1,
        timeoutMs: null,
      }),
      ...fields,
    };
  }

  it('finds every kind of leftover in one query, and deals with each', async () => {
    const { jobs, batches, store } = await storage('every_kind.');
    await batches.insertMany([
      // A root started long ago whose release was cut short: its job still waits.
      batch('released-late', { pendingRelease: true }),
      // A creation its process abandoned: never started.
      batch('abandoned', { state: 'creating', startedAt: null }),
      // Started, not counted since long: its only job succeeded, its count was lost.
      batch('count-lost', { countedAt: LONG_AGO }),
      // Ended long ago, its continuations never resolved.
      batch('unresolved', {
        state: 'succeeded',
        finishedAt: LONG_AGO,
        succeeded: 1,
        continuationsResolved: false,
      }),
      // Started and counted just now: nothing to do.
      batch('busy', {}),
    ]);
    await jobs.insertMany([
      job('waiting', { batchId: 'released-late', batchPending: 'released-late' }),
      job('never-started', { batchId: 'abandoned', batchPending: 'abandoned' }),
      job('done', { batchId: 'count-lost', state: 'succeeded', finishedAt: LONG_AGO }),
      job('running', { batchId: 'busy', state: 'processing' }),
    ]);
    commands.length = 0;
    const unresolved = await store.sweep(NOW, 60_000);
    // One query found them all; what follows is the work on each.
    expect(commands[0]).toBe('find every_kind.batches');
    expect(unresolved).toEqual([{ id: 'unresolved', state: 'succeeded', parentBatchId: null }]);
    expect(await jobs.findOne({ _id: 'waiting' })).toMatchObject({ state: 'enqueued' });
    expect(await batches.findOne({ _id: 'released-late' })).not.toHaveProperty('pendingRelease');
    expect(await batches.countDocuments({ _id: 'abandoned' })).toBe(0);
    expect(await jobs.countDocuments({ _id: 'never-started' })).toBe(0);
    expect(await batches.findOne({ _id: 'count-lost' })).toMatchObject({
      state: 'succeeded',
      succeeded: 1,
    });
    expect(await batches.findOne({ _id: 'busy' })).toMatchObject({ state: 'started' });
    expect(await jobs.findOne({ _id: 'running' })).toMatchObject({ state: 'processing' });
  });

  it('costs an idle server one round trip', async () => {
    const { batches, store } = await storage('idle.');
    await batches.insertOne(batch('busy', {}));
    commands.length = 0;
    expect(await store.sweep(NOW, 60_000)).toEqual([]);
    expect(commands).toEqual(['find idle.batches']);
  });
});
