import {
  DocketClosedError,
  InvalidOptionsError,
  LockLostError,
  LockTimeoutError,
  StorageError,
  type Docket,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { FailPoint } from '../../helpers/fail-point';
import { openOwnStandIn, openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

describe('distributed locks', () => {
  let db: TestDatabase;
  let a: Docket;
  let b: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('distributed_locks');
  });

  beforeEach(async () => {
    ({ docket: a } = await createTestDocket(db, { handlers: [] }));
    ({ docket: b } = await createTestDocket(db, { handlers: [] }));
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await db.client.db(db.dbName).dropDatabase();
  });

  afterAll(() => db.cleanup());

  const keys = () => db.client.db(db.dbName).collection('docket.keys');

  it('is exclusive: a second holder times out, or waits until the first releases', async () => {
    const first = await a.locks.acquire('report');
    await expect(b.locks.acquire('report')).rejects.toBeInstanceOf(LockTimeoutError);
    const waiting = b.locks.acquire('report', { waitMs: 10_000 });
    // The waiter has tried and found the lock taken before it is released.
    await waitFor(async () => (await keys().countDocuments({ _id: 'lock:report' } as never)) === 1);
    await first.release();
    const second = await waiting;
    expect(first.signal.aborted).toBe(true);
    expect(second.held).toBe(true);
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    await second.release();
    // Nothing of the lock is left once released.
    expect(await keys().countDocuments({ _id: 'lock:report' } as never)).toBe(0);
  });

  it('frees itself when its lease runs out: the old holder can no longer extend it, nor release the new one', async () => {
    const stale = await a.locks.acquire('cleanup', { leaseMs: 200 });
    const fresh = await b.locks.acquire('cleanup', { waitMs: 10_000 });
    expect(fresh.fencingToken).toBeGreaterThan(stale.fencingToken);
    await expect(stale.extend()).rejects.toBeInstanceOf(LockLostError);
    expect(stale.signal.reason).toBeInstanceOf(LockLostError);
    await stale.release();
    // The stale release took nothing from the fresh holder.
    await expect(a.locks.acquire('cleanup')).rejects.toBeInstanceOf(LockTimeoutError);
    await fresh.extend();
    await fresh.release();
  });

  it('draws fencing tokens that grow with every acquisition, across processes and lock names', async () => {
    const tokens: number[] = [];
    for (let i = 0; i < 6; i++) {
      const lock = await (i % 2 === 0 ? a : b).locks.acquire(i % 3 === 0 ? 'x' : 'y');
      tokens.push(lock.fencingToken);
      await lock.release();
    }
    expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('withLock runs one holder at a time, keeps the lock past its lease while fn runs, and releases it', async () => {
    let inside = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, n) =>
        (n % 2 === 0 ? a : b).locks.withLock(
          'batch',
          async (lock) => {
            inside++;
            peak = Math.max(peak, inside);
            // Outlasts the lease twice: another taker keeps finding the lock held. (Renewals
            // come every third of the lease: with 1 s, a loaded run's stall lost it once.)
            if (n === 0) {
              await expect(b.locks.acquire('batch', { waitMs: 6_000 })).rejects.toBeInstanceOf(
                LockTimeoutError,
              );
              expect(lock.held).toBe(true);
            }
            inside--;
            return n;
          },
          { leaseMs: 3_000, waitMs: 30_000 },
        ),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(1);
    expect(await keys().countDocuments({ _id: 'lock:batch' } as never)).toBe(0);
  });

  it('withLock aborts the signal and rejects with LockLostError when the lease is found lost', async () => {
    const run = a.locks.withLock(
      'lost',
      async (lock) => {
        // Another holder took over (its lease ran out while this process was paused).
        await keys().deleteOne({ _id: 'lock:lost' } as never);
        await new Promise((resolve) => lock.signal.addEventListener('abort', resolve));
        return 'done';
      },
      { leaseMs: 300 },
    );
    await expect(run).rejects.toBeInstanceOf(LockLostError);
  });

  it('refuses a bad name or option, and calls after close', async () => {
    for (const [name, options] of [
      ['', undefined],
      ['x'.repeat(201), undefined],
      ['a\u0000b', undefined],
      ['ok', { leaseMs: 5 }],
      ['ok', { waitMs: -1 }],
      ['ok', { lease: 100 }],
    ] as const) {
      await expect(a.locks.acquire(name, options as never)).rejects.toBeInstanceOf(
        InvalidOptionsError,
      );
    }
    await a.close();
    await expect(a.locks.acquire('ok')).rejects.toBeInstanceOf(DocketClosedError);
  });
});

describe('distributed locks under storage faults', () => {
  let db: TestDatabase;
  let docket: Docket;
  let failPoint: FailPoint;

  beforeAll(async () => {
    db = await openOwnStandIn('lock_faults', 'replica-set');
    failPoint = new FailPoint(db);
  });

  beforeEach(async () => {
    ({ docket } = await createTestDocket(db, { handlers: [] }));
  });

  afterEach(async () => {
    await failPoint.off();
    await docket.close();
  });

  afterAll(() => db.cleanup());

  it('a take MongoDB refuses rejects with a StorageError and holds nothing', async () => {
    await failPoint.failCommand(
      'docket.keys',
      { times: 1 },
      {
        failCommands: ['update'],
        errorCode: 2,
      },
    );
    await expect(docket.locks.acquire('faulty')).rejects.toBeInstanceOf(StorageError);
    const lock = await docket.locks.acquire('faulty');
    await lock.release();
  });

  it('withLock stops fn once no extension could be confirmed within the lease', async () => {
    const run = docket.locks.withLock(
      'unreachable',
      async (lock) => {
        // From now on every extension fails: the lease cannot be proven to run on.
        await failPoint.failCommand('docket.keys', 'alwaysOn', {
          failCommands: ['update'],
          errorCode: 2,
        });
        await new Promise((resolve) => lock.signal.addEventListener('abort', resolve));
      },
      { leaseMs: 300 },
    );
    await expect(run).rejects.toBeInstanceOf(LockLostError);
  });
});
