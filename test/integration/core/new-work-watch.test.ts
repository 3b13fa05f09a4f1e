import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent } from '../../helpers/wait-for';

describe('wake-ups for work enqueued by other processes', () => {
  let db: TestDatabase;
  let store: MongoJobStore;

  beforeAll(async () => {
    db = await openTestDatabase('new_work_watch');
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    await store.ensureIndexes();
  });

  afterAll(() => db.cleanup());

  it('uses a change stream where the deployment has them, and polling on a standalone', async () => {
    const hello = await db.client.db('admin').command({ hello: 1 });
    const replicated = Boolean(hello.setName) || hello.msg === 'isdbgrid';
    const errors: unknown[] = [];
    let onWork: () => void = () => undefined;
    const watch = await store.watchForNewWork(
      ['default'],
      () => onWork(),
      (e) => errors.push(e),
    );
    if (!replicated) {
      // A standalone mongod (and the stand-in) refuses change streams: no watch is opened.
      expect(watch).toBeNull();
      return;
    }
    expect(watch).not.toBeNull();
    try {
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
      expect(errors).toEqual([]);
    } finally {
      await watch!.close();
    }
  });
});
