import { JOB_SCHEDULER, type Docket, type IJobScheduler, type JobRecord } from '../../../src';
import { ManualClock } from '../../../src/testing/harness/manual-clock';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import {
  FAILURE_POLICY_BOOTSTRAP,
  IsolatedPolicyHandler,
  IsolatedPolicyJob,
} from '../fixtures/failure-policy-jobs';

/** Workers load TypeScript through ts-node here: their first start takes seconds. */
const WORKER_START_MS = 60_000;

jest.setTimeout(120_000);

describe('the failure policy of a handler isolated in a worker thread', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;
  const clock = new ManualClock({ startAt: new Date('2030-01-01T00:00:00.000Z') });

  const settled = (id: string, state: string): Promise<JobRecord> =>
    waitFor(
      async () => {
        const job = await docket.getJob(id);
        return job?.state === state ? job : null;
      },
      { timeoutMs: WORKER_START_MS, what: `job ${id} to be ${state}` },
    );

  beforeAll(async () => {
    db = await openTestDatabase('isolated_policy');
    const created = await createTestDocket(db, { clock, handlers: [IsolatedPolicyHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    await docket.startServer({
      ...FAST_SERVER,
      leaseMs: 30_000,
      heartbeatIntervalMs: 1_000,
      isolation: { bootstrap: FAILURE_POLICY_BOOTSTRAP, terminateGraceMs: 200 },
    });
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  const job = (mode: string) => Object.assign(new IsolatedPolicyJob(), { mode });

  it('knows a NonRetryableError, the classes retryOn lists and a retryAfterMs across the boundary', async () => {
    const nonRetryable = await scheduler.enqueue(job('non-retryable'));
    const refused = await scheduler.enqueue(job('other'));
    const busy = await scheduler.enqueue(job('busy'));
    const enqueuedAt = clock.now().getTime();

    expect(await settled(nonRetryable, 'failed')).toMatchObject({
      attempt: 1,
      error: { name: 'NonRetryableError' },
    });
    expect((await settled(refused, 'failed')).history.at(-1)?.reason).toBe(
      'attempt 1 of 4 failed, not retried: retryOn refused RangeError',
    );
    // BusyError extends the listed TransientError: retried, after its own retryAfterMs.
    const retried = await settled(busy, 'scheduled');
    expect(retried.attempt).toBe(1);
    expect(retried.dueAt.getTime() - enqueuedAt).toBe(3_333);
  });
});
