import {
  MongoServerRegistry,
  type ServerRecord,
} from '../../../src/storage/mongo/mongo-server-registry';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

const NOW = new Date('2026-01-01T12:00:00Z');

const server = (id: string, queues: string[], silentForMs: number): ServerRecord => ({
  _id: id,
  hostname: 'host',
  pid: 1,
  queues,
  jobTypes: ['any'],
  concurrency: 10,
  startedAt: new Date(NOW.getTime() - 60_000),
  heartbeatAt: new Date(NOW.getTime() - silentForMs),
  running: 0,
});

describe('the live servers competing for queues (what claim lanes are learnt from)', () => {
  let db: TestDatabase;
  let registry: MongoServerRegistry;

  beforeAll(async () => {
    db = await openTestDatabase('live_servers');
    registry = new MongoServerRegistry(db.client.db(db.dbName), 'docket.');
    for (const record of [
      server('a', ['default'], 0),
      server('b', ['mail', 'default'], 2_999),
      server('c', ['reports'], 0),
      server('d', ['default'], 3_001),
      server('e', ['mail'], 1_000),
    ]) {
      await registry.announce(record);
    }
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('are those that heartbeat within the window and claim from any of the queues', async () => {
    expect((await registry.liveServerIds(NOW, 3_000, ['default'])).sort()).toEqual(['a', 'b']);
    expect((await registry.liveServerIds(NOW, 3_000, ['default', 'mail'])).sort()).toEqual([
      'a',
      'b',
      'e',
    ]);
    expect(await registry.liveServerIds(NOW, 3_000, ['nothing'])).toEqual([]);
  });
});
