import { IsString } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  NonRetryableError,
  type Docket,
  type DocketEvents,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { ManualClock } from '../../../src/testing/harness/manual-clock';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/** What each job's handler does, by the job's `mode`. */
const behaviours = new Map<string, (ctx: JobContext) => unknown>();

class TransientError extends Error {
  override name = 'TransientError';
}
class ServiceUnavailableError extends TransientError {
  constructor(readonly retryAfterMs: number) {
    super('try again later');
  }
}

@Job('policy.job')
class PolicyJob implements IJob {
  @IsString() mode!: string;
}

async function run(job: PolicyJob, ctx: JobContext): Promise<void> {
  const behaviour = behaviours.get(job.mode);
  if (!behaviour) throw new Error(`no behaviour for ${job.mode}`);
  await behaviour(ctx);
}

@JobHandler(PolicyJob, { retries: 5, backoff: { delaysMs: [1_500, 250, 7_000] } })
class ListHandler implements IJobHandler<PolicyJob> {
  handle(job: PolicyJob, ctx: JobContext): Promise<void> {
    return run(job, ctx);
  }
}

@Job('policy.only-transient')
class OnlyTransientJob extends PolicyJob {}

@JobHandler(OnlyTransientJob, { retries: 5, retryOn: [TransientError], backoff: { delaysMs: [0] } })
class OnlyTransientHandler implements IJobHandler<OnlyTransientJob> {
  handle(job: OnlyTransientJob, ctx: JobContext): Promise<void> {
    return run(job, ctx);
  }
}

@Job('policy.predicate')
class PredicateJob extends PolicyJob {}

@JobHandler(PredicateJob, {
  retries: 1,
  retryOn: (error) => {
    if ((error as Error).message === 'predicate throws') throw new Error('retryOn broke');
    return (error as Error).message !== 'permanent';
  },
  backoff: { delay: (_attempt, error) => ((error as Error).message === 'garbage' ? NaN : 42) },
})
class PredicateHandler implements IJobHandler<PredicateJob> {
  handle(job: PredicateJob, ctx: JobContext): Promise<void> {
    return run(job, ctx);
  }
}

@Job('policy.dead-letter')
class DeadLetterJob extends PolicyJob {}

@JobHandler(DeadLetterJob, {
  retries: 1,
  onAttemptsExhausted: 'deadLetter',
  backoff: { delaysMs: [0] },
})
class DeadLetterHandler implements IJobHandler<DeadLetterJob> {
  handle(job: DeadLetterJob, ctx: JobContext): Promise<void> {
    return run(job, ctx);
  }
}

@Job('policy.delete')
class DeleteJob extends PolicyJob {}

@JobHandler(DeleteJob, { retries: 0, onAttemptsExhausted: 'delete' })
class DeleteHandler implements IJobHandler<DeleteJob> {
  handle(job: DeleteJob, ctx: JobContext): Promise<void> {
    return run(job, ctx);
  }
}

function make<T extends PolicyJob>(cls: new () => T, mode: string): T {
  return Object.assign(new cls(), { mode });
}

describe('failure policy', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;
  const clock = new ManualClock({ startAt: new Date('2030-01-01T00:00:00.000Z') });
  const reported: DocketEvents['error'][] = [];

  const inState = (id: string, state: string, attempt?: number): Promise<JobRecord> =>
    waitFor(
      async () => {
        const record = await docket.getJob(id);
        return record?.state === state && (attempt === undefined || record.attempt === attempt)
          ? record
          : null;
      },
      { what: `job ${id} ${state}${attempt === undefined ? '' : ` after attempt ${attempt}`}` },
    );

  beforeAll(async () => {
    db = await openTestDatabase('failure_policy');
    const created = await createTestDocket(db, {
      clock,
      handlers: [
        ListHandler,
        OnlyTransientHandler,
        PredicateHandler,
        DeadLetterHandler,
        DeleteHandler,
      ],
    });
    docket = created.docket;
    docket.on('error', (event) => reported.push(event));
    scheduler = created.container.resolve(JOB_SCHEDULER);
    await docket.startServer({ ...FAST_SERVER, concurrency: 4 });
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  afterEach(() => {
    behaviours.clear();
    reported.length = 0;
  });

  it('fails a job at its first attempt on a NonRetryableError, saying why', async () => {
    behaviours.set('invalid', () => {
      throw new NonRetryableError('the customer does not exist');
    });
    const record = await inState(await scheduler.enqueue(make(PolicyJob, 'invalid')), 'failed');
    expect(record.attempt).toBe(1);
    expect(record.error).toMatchObject({ name: 'NonRetryableError' });
    expect(record.history.at(-1)).toMatchObject({
      state: 'failed',
      reason: 'attempt 1 of 6 failed, not retried: NonRetryableError is non-retryable',
    });
  });

  it('follows a list of delays to the millisecond, repeating the last', async () => {
    behaviours.set('always', (ctx) => Promise.reject(new Error(`attempt ${ctx.attempt}`)));
    const id = await scheduler.enqueue(make(PolicyJob, 'always'));
    const expected = [1_500, 250, 7_000, 7_000];
    for (const [i, delay] of expected.entries()) {
      const failedAt = clock.now().getTime();
      const record = await inState(id, 'scheduled', i + 1);
      expect(record.dueAt.getTime() - failedAt).toBe(delay);
      clock.advance(delay);
    }
    await inState(id, 'scheduled', 5);
  });

  it("honours the error's retryAfterMs before the list", async () => {
    behaviours.set('busy', () => Promise.reject(new ServiceUnavailableError(4_321)));
    const id = await scheduler.enqueue(make(PolicyJob, 'busy'));
    const failedAt = clock.now().getTime();
    const record = await inState(id, 'scheduled', 1);
    expect(record.dueAt.getTime() - failedAt).toBe(4_321);
  });

  it('retries only the error classes retryOn lists (subclasses included)', async () => {
    behaviours.set('transient', (ctx) =>
      ctx.attempt < 3 ? Promise.reject(new ServiceUnavailableError(0)) : undefined,
    );
    const retried = await inState(
      await scheduler.enqueue(make(OnlyTransientJob, 'transient')),
      'succeeded',
    );
    expect(retried.attempt).toBe(3);

    behaviours.set('other', () => Promise.reject(new RangeError('bad input')));
    const refused = await inState(
      await scheduler.enqueue(make(OnlyTransientJob, 'other')),
      'failed',
    );
    expect(refused.attempt).toBe(1);
    expect(refused.history.at(-1)?.reason).toBe(
      'attempt 1 of 6 failed, not retried: retryOn refused RangeError',
    );
  });

  it('takes the verdict of a retryOn predicate and the delay of a backoff function', async () => {
    behaviours.set('permanent', () => Promise.reject(new Error('permanent')));
    const refused = await inState(
      await scheduler.enqueue(make(PredicateJob, 'permanent')),
      'failed',
    );
    expect(refused.attempt).toBe(1);

    behaviours.set('flaky', () => Promise.reject(new Error('flaky')));
    const id = await scheduler.enqueue(make(PredicateJob, 'flaky'));
    const failedAt = clock.now().getTime();
    const retried = await inState(id, 'scheduled', 1);
    expect(retried.dueAt.getTime() - failedAt).toBe(42);
  });

  it("retries with the default delay when the handler's functions throw or return garbage, and reports them", async () => {
    behaviours.set('predicate throws', () => Promise.reject(new Error('predicate throws')));
    const id = await scheduler.enqueue(make(PredicateJob, 'predicate throws'));
    await inState(id, 'scheduled', 1);
    expect(reported.map((event) => event.error.message)).toContain('retryOn broke');

    behaviours.set('garbage', () => Promise.reject(new Error('garbage')));
    const other = await scheduler.enqueue(make(PredicateJob, 'garbage'));
    const failedAt = clock.now().getTime();
    const record = await inState(other, 'scheduled', 1);
    // The default exponential delay of attempt 1: between half and all of baseMs (1 s).
    const delay = record.dueAt.getTime() - failedAt;
    expect(delay).toBeGreaterThanOrEqual(500);
    expect(delay).toBeLessThanOrEqual(1_000);
    expect(reported.map((event) => event.context)).toContainEqual(
      expect.stringContaining('backoff.delay returned garbage'),
    );
  });

  it('deletes a job whose attempts ran out under onAttemptsExhausted: delete', async () => {
    behaviours.set('broken', () => Promise.reject(new Error('broken')));
    const record = await inState(await scheduler.enqueue(make(DeleteJob, 'broken')), 'deleted');
    expect(record.attempt).toBe(1);
    expect(record.history.at(-1)?.reason).toBe('attempt 1 of 1 failed; deleted');
  });

  it('dead-letters exhausted jobs, keeps them from retention, and redrives them', async () => {
    behaviours.set('broken', () => Promise.reject(new Error('broken')));
    const ids = [
      await scheduler.enqueue(make(DeadLetterJob, 'broken')),
      await scheduler.enqueue(make(DeadLetterJob, 'broken')),
    ];
    for (const id of ids) {
      const record = await inState(id, 'failed', 2);
      expect(record.deadLetteredAt).toBeInstanceOf(Date);
      expect(record.expireAt).toBeNull();
      expect(record.history.at(-1)?.reason).toBe(
        'attempt 2 of 2 failed; moved to the dead-letter queue',
      );
    }
    const page = await scheduler.findJobs({ deadLettered: true, type: 'policy.dead-letter' });
    expect(page.jobs.map((job) => job._id).sort()).toEqual([...ids].sort());

    // A failed job outside the dead-letter queue is not redriven.
    behaviours.set('invalid', () => {
      throw new NonRetryableError('no');
    });
    const plain = await scheduler.enqueue(make(PolicyJob, 'invalid'));
    await inState(plain, 'failed');

    behaviours.set('broken', () => undefined);
    const result = await scheduler.redriveJobs({ ids: [ids[0], plain] });
    expect(result).toEqual({ matched: 1, changed: 1, conflicts: 0 });
    const redriven = await inState(ids[0], 'succeeded');
    expect(redriven.deadLetteredAt).toBeUndefined();
    expect(redriven.attempt).toBe(1);
    expect((await docket.getJob(plain))?.state).toBe('failed');

    const byFilter = await scheduler.redriveJobs({ filter: { type: 'policy.dead-letter' } });
    expect(byFilter).toEqual({ matched: 1, changed: 1, conflicts: 0 });
    await inState(ids[1], 'succeeded');
    expect(await scheduler.redriveJobs({ filter: { deadLettered: true } })).toMatchObject({
      changed: 0,
    });
  });
});
