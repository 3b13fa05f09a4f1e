import { Docket } from '../../docket';
import type { DocketEvents } from '../../events/docket-events';
import type { IJobScheduler } from '../../scheduler/job-scheduler.interface';
import type { Clock } from '../../server/clock';
import type { JobServer } from '../../server/job-server.interface';
import type { JobRecord, JobState } from '../../storage/job-record';
import { checkInteger } from '../../options/option-checks';
import { startEphemeralMongo } from '../ephemeral-mongo';
import { drainUntilIdle, type DrainOptions } from './drain';
import type { DrainSummary } from './drain-summary';
import { JobJournal } from './job-journal';
import type { ManualClock } from './manual-clock';
import { TestHarnessClosedError } from './test-harness-closed.error';
import {
  resolveTestHarnessOptions,
  type ResolvedTestHarnessOptions,
  type TestHarnessOptions,
} from './test-harness-options';
import { waitForJob, type WaitForJobOptions } from './wait-for-job';

/** A releaser of something the harness acquired; they run last acquired first. */
interface Release {
  readonly name: string;
  readonly run: () => Promise<unknown> | void;
}

/**
 * Docket for an application's tests, in one object: a MongoDB database of its own, a Docket
 * on the app's container with quiet logs, a job server tuned for tests, and a clock the test
 * moves. Create it with {@link createTestHarness}; `close()` stops the server, drops the
 * database and stops a MongoDB it started. (In jest on Node 20, close it in `afterEach`:
 * jest's sandbox lacks `Symbol.asyncDispose`, so `await using` does not work there.)
 *
 * ```ts
 * const harness = await createTestHarness({ container });
 * afterEach(() => harness.close());
 *
 * const id = await harness.scheduler.schedule(new Reminder(), { delayMs: 60_000 });
 * harness.clock.advance(60_000);
 * await harness.drain();
 * await harness.waitForJob(id, 'succeeded');
 * ```
 */
export class TestHarness<C extends Clock = ManualClock> {
  /** The scheduler, also registered in the app's container under `JOB_SCHEDULER`. */
  readonly scheduler: IJobScheduler;
  private readonly closeSignal = new AbortController();
  private closing: Promise<void> | undefined;

  private constructor(
    /** The Docket instance (events, `getJob`, queues, its database). */
    readonly docket: Docket,
    /** The job server. */
    readonly server: JobServer,
    /** The clock Docket reads; a {@link ManualClock} unless another was passed. */
    readonly clock: C,
    private readonly settings: ResolvedTestHarnessOptions<C>,
    private readonly releases: Release[],
    private readonly errorEvents: ReadonlyArray<DocketEvents['error']>,
    private readonly journal: JobJournal,
  ) {
    this.scheduler = docket.scheduler;
  }

  /** Starts a harness; the same as {@link createTestHarness}. */
  static async create<C extends Clock = ManualClock>(
    harnessOptions: TestHarnessOptions<C>,
  ): Promise<TestHarness<C>> {
    const options = resolveTestHarnessOptions(harnessOptions);
    const releases: Release[] = [];
    try {
      let uri = options.mongoUri;
      if (uri === undefined) {
        const mongo = await startEphemeralMongo();
        releases.push({ name: 'stopping MongoDB', run: () => mongo.stop() });
        uri = mongo.uri;
      }
      const docket = await Docket.create({
        mongo: { uri, dbName: options.dbName },
        container: options.container,
        ...(options.handlers === undefined ? {} : { handlers: options.handlers }),
        logger: options.logger,
        clock: options.clock,
      });
      // Kept for the harness's life, from before the server starts (it may report at once).
      const errors: Array<DocketEvents['error']> = [];
      docket.on('error', (event) => void errors.push(event));
      const journal = new JobJournal(docket);
      releases.push({ name: 'closing the journal', run: () => journal.close() });
      releases.push({ name: 'closing Docket', run: () => docket.close() });
      releases.push({ name: 'dropping the database', run: () => docket.database.dropDatabase() });
      const server = await docket.startServer(options.server);
      // Stopped before the database is dropped: a running server would write to it again.
      releases.push({ name: 'stopping the server', run: () => server.stop() });
      return new TestHarness(docket, server, options.clock, options, releases, errors, journal);
    } catch (error) {
      await runReleases(releases).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Every `error` event Docket emitted (storage failures, throwing listeners...): with quiet
   * logs, this is where to look when a test times out.
   */
  get errors(): ReadonlyArray<DocketEvents['error']> {
    return this.errorEvents;
  }

  /**
   * Resolves with the stored job once it is in one of `states` (see the standalone
   * {@link waitForJob}: events, not polling; an already finished job resolves at once).
   * @defaultValue timeoutMs: the harness's `timeoutMs` (4000)
   * @throws JobWaitTimeoutError - when the deadline passes first.
   * @throws TestHarnessClosedError - when the harness is closed, or closes meanwhile.
   * @throws InvalidOptionsError - for an empty job id, an unknown state or a bad `timeoutMs`.
   */
  async waitForJob(
    jobId: string,
    states: JobState | readonly JobState[],
    options: WaitForJobOptions = {},
  ): Promise<JobRecord> {
    this.throwIfClosed('waitForJob');
    return waitForJob(this.docket, jobId, states, {
      timeoutMs: options.timeoutMs ?? this.settings.timeoutMs,
      signal: this.withCloseSignal(options.signal),
    });
  }

  /**
   * Resolves when nothing is left to do by the harness clock: no job due in the server's
   * queues (paused ones aside), none running, no continuation unreleased, no recurring
   * occurrence due; with what ran since the previous drain (or the harness's start), so a job
   * that finished before the call is reported too. After `clock.advance(ms)`, it runs what became
   * due, retries included (a retry that fails again is rescheduled by its backoff, past the
   * clock, and the drain ends).
   * @defaultValue timeoutMs: the harness's `timeoutMs` (4000)
   * @throws DrainTimeoutError - when work is still pending at the deadline; names it.
   * @throws TestHarnessClosedError - when the harness is closed, or closes meanwhile.
   * @throws InvalidOptionsError - for a bad `timeoutMs`.
   */
  async drain(options: DrainOptions = {}): Promise<DrainSummary> {
    this.throwIfClosed('drain');
    const timeoutMs = checkInteger('timeoutMs', options.timeoutMs ?? this.settings.timeoutMs, {
      min: 0,
      max: 2_147_483_647,
    });
    return drainUntilIdle(
      {
        docket: this.docket,
        clock: this.clock,
        journal: this.journal,
        queues: this.settings.server.queues,
        recurring: this.settings.server.recurring,
      },
      { timeoutMs, signal: this.withCloseSignal(options.signal) },
    );
  }

  /**
   * Stops the server (gracefully: running jobs get its `shutdownGraceMs`), drops the
   * database, closes Docket and stops a MongoDB the harness started; pending `waitForJob`
   * and `drain` calls reject with {@link TestHarnessClosedError}. Every step runs even if one
   * fails. Idempotent.
   * @throws the first failure of a step (an `AggregateError` if several failed).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closeSignal.abort(new TestHarnessClosedError('a wait in progress'));
      await runReleases(this.releases);
    })();
    return this.closing;
  }

  /** {@link TestHarness.close} for `await using harness = ...` (see above for jest). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private throwIfClosed(operation: string): void {
    if (this.closing) throw new TestHarnessClosedError(operation);
  }

  private withCloseSignal(signal: AbortSignal | undefined): AbortSignal {
    const closed = this.closeSignal.signal;
    return signal === undefined ? closed : AbortSignal.any([signal, closed]);
  }
}

/**
 * Starts a {@link TestHarness}: a MongoDB (`startEphemeralMongo()` unless `mongo` is given),
 * a database of the harness's own, Docket on the app's container with quiet logs and a
 * {@link ManualClock} (unless `clock` is given), and a job server tuned for tests
 * (`TEST_SERVER_DEFAULTS`). The type argument is inferred from `clock`; leave it to
 * inference (naming one while passing no clock would type a ManualClock as something else).
 * @throws InvalidOptionsError - for invalid options, before anything starts.
 * @throws DuplicateHandlerError - when two handlers target one job type.
 * @throws StorageError - when MongoDB cannot be reached.
 */
export async function createTestHarness<C extends Clock = ManualClock>(
  options: TestHarnessOptions<C>,
): Promise<TestHarness<C>> {
  return TestHarness.create(options);
}

/** Runs every releaser, last acquired first; throws what failed once all ran. */
async function runReleases(releases: Release[]): Promise<void> {
  const failures: unknown[] = [];
  for (const release of releases.splice(0).reverse()) {
    try {
      await release.run();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'closing the test harness failed');
}
