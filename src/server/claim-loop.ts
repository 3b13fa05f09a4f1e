import type { JobRecord } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import { ClaimLanes, type ClaimLanesDeps } from './claim-lanes';
import type { ClaimScope } from './claim-scope';
import { MIN_BATCH } from './claim-scope';
import type { Clock } from './clock';
import type { GlobalSlots } from './global-slots';
import type { Invocations } from './invocations';
import type { ResolvedJobServerOptions } from './job-server-options';
import type { RateLimits } from './rate-limits';
import { leaseKey } from './lease-keeper';
import { retryDelayMs } from './retry-backoff';
import { WakeSignal } from './wake-signal';

/** Longest wait between two claims while claiming fails (unless `pollIntervalMs` is longer). */
const CLAIM_RETRY_MAX_MS = 30_000;

/** What a {@link ClaimLoop} needs from its server. */
export interface ClaimLoopDeps {
  readonly options: ResolvedJobServerOptions;
  readonly store: Pick<JobStore, 'claim' | 'claimBatch' | 'extendLeases' | 'release'>;
  readonly clock: Clock;
  readonly scope: ClaimScope;
  /** Who else claims from these queues (see ClaimLanes). */
  readonly servers: ClaimLanesDeps['servers'];
  readonly globalSlots: GlobalSlots;
  readonly rateLimits: RateLimits;
  readonly invocations: Invocations;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * A server's claim loop: claims due jobs while it has capacity (running invocations,
 * overrunning ones included, plus jobs waiting for their global slots), one at a time or in
 * batches, polls with a backoff while idle, and backs off exponentially while claims fail.
 */
export class ClaimLoop {
  private readonly signal = new WakeSignal();
  /** Jobs claimed and waiting for their global concurrency slots. */
  private acquiring = 0;
  /** Jobs this process announced as due and not yet claimed (a claim hint, not a count). */
  private localDue = 0;
  /** The loop waits for capacity (a finishing job must wake it). */
  private blocked = false;
  /** Until when a claim for less than a full batch waits for running jobs to end (see run). */
  private lingerUntil = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;

  private readonly lanes: ClaimLanes;

  constructor(private readonly deps: ClaimLoopDeps) {
    const { serverId, queues, heartbeatIntervalMs } = deps.options;
    this.lanes = new ClaimLanes({ ...deps, serverId, queues, heartbeatIntervalMs });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop; resolves when the claim in flight, if any, is done. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal.wake();
    await this.loop;
    await this.lanes.settled();
  }

  /** Something may be claimable: look now. */
  wake(): void {
    this.signal.wake();
  }

  /** `count` jobs this process knows of are due now: claim them one by one when few. */
  announced(count: number): void {
    this.localDue += count;
    this.signal.wake();
  }

  /** Capacity came free: wakes the loop only if it waits for capacity. */
  wakeIfBlocked(): void {
    if (this.blocked) this.signal.wake();
  }

  private async run(): Promise<void> {
    const { minPollIntervalMs, pollIntervalMs, concurrency, claimBatchSize } = this.deps.options;
    const claimRetry = {
      baseMs: pollIntervalMs,
      maxMs: Math.max(pollIntervalMs, CLAIM_RETRY_MAX_MS),
    };
    let idleDelay = minPollIntervalMs;
    let claimFailures = 0;
    while (!this.stopping) {
      const jobTypes = this.deps.scope.jobTypes();
      const queues = this.deps.scope.queues();
      // Overrunning invocations count: a limit bounds invocations, not attempts. Jobs whose
      // outcome is being written do not, but at most `concurrency` of them may wait.
      const { running, count } = this.deps.invocations;
      const free = Math.min(concurrency - running, 2 * concurrency - count) - this.acquiring;
      if (free <= 0 || jobTypes.length === 0 || queues.length === 0) {
        // A finishing job, a resumed queue, a global slot coming free, a rate limit's window
        // freeing, or stop() wakes us.
        this.blocked = true;
        await this.signal.sleep(this.untilNextRetry());
        this.blocked = false;
        continue;
      }
      // Under a backlog, claiming the few slots left beside a batch just started would split
      // the work into waves that never merge again (each claim taking what the other left),
      // each paying for its own claim and outcome write. Jobs that end within a claim's
      // round trip are worth waiting for: their slots are claimed with these, as one batch.
      if (
        free < Math.min(concurrency, claimBatchSize) &&
        running > 0 &&
        performance.now() < this.lingerUntil
      ) {
        this.blocked = true;
        await this.signal.sleep(this.lingerUntil - performance.now());
        this.blocked = false;
        continue;
      }
      // A few jobs this process just announced: one findOneAndUpdate each. Otherwise a batch
      // claim (one round trip when nothing is due, two when something is) takes whatever waits.
      const batch = !(this.localDue > 0 && this.localDue < MIN_BATCH);
      let jobs: JobRecord[];
      let throttled = false;
      // The lease MongoDB grants lasts leaseMs from when it handles the claim: from no
      // earlier than now, as the server's own deadline counts it.
      let claimedAt = performance.now();
      try {
        ({ jobs, throttled } = await this.claim(
          queues,
          jobTypes,
          batch ? this.deps.scope.batchSize(free, jobTypes, queues) : 1,
        ));
      } catch (error) {
        this.deps.report(error, 'claiming failed');
        // Exponential backoff with jitter: servers that failed together do not retry together.
        await this.signal.sleep(retryDelayMs(++claimFailures, claimRetry));
        continue;
      }
      claimFailures = 0;
      if (jobs.length > 0 && performance.now() - claimedAt > this.deps.options.leaseMs / 2) {
        ({ jobs, claimedAt } = await this.confirmLateClaim(jobs, claimedAt));
      }
      // Jobs this process announced (enqueued here, or due now) explain part of the claim;
      // only a claim that found more than that suggests a backlog worth claiming again at once.
      const announced = Math.min(this.localDue, jobs.length);
      this.localDue = jobs.length === 0 ? 0 : this.localDue - announced;
      const busy = jobs.length > announced;
      for (const job of jobs) this.execute(job, claimedAt);
      // The claim's own round trip bounds how long the next one may wait for slots to free.
      const claimedBy = performance.now();
      this.lingerUntil = busy ? claimedBy + (claimedBy - claimedAt) : 0;
      if (busy) {
        idleDelay = minPollIntervalMs;
        continue;
      }
      // A limit found full leaves the claim scope: what else is due is claimed at once.
      if (this.localDue > 0 || throttled) continue;
      // Idle, or only the announced jobs: poll again later, backing off (an announcement or a
      // change stream event wakes the loop earlier, and so does a rate limit's window freeing).
      // A concurrency key found busy leaves its jobs out of claims until its backoff ends.
      await this.signal.sleep(
        Math.min(
          idleDelay,
          this.deps.rateLimits.untilNextRetry(),
          this.deps.globalSlots.untilKeyRetry(),
        ),
      );
      idleDelay = Math.min(idleDelay * 2, pollIntervalMs);
    }
  }

  /** Milliseconds until a full global or rate limit may be tried again (Infinity: none). */
  private untilNextRetry(): number {
    return Math.min(this.deps.globalSlots.untilNextRetry(), this.deps.rateLimits.untilNextRetry());
  }

  /**
   * One job with one `findOneAndUpdate`, or a batch (one or two round trips, see
   * `claimBatch`) in this server's lane; with rate limits in scope, a claim that reserves
   * their starts first. The first batch claim waits for the lanes' first read; a batch that
   * found work or met contention may refresh them.
   */
  private async claim(
    queues: string[],
    jobTypes: string[],
    limit: number,
  ): Promise<{ jobs: JobRecord[]; throttled: boolean }> {
    const limited = this.deps.rateLimits.applies(jobTypes, queues);
    const batch = limit > 1 || limited;
    if (batch) await this.lanes.learnFirst();
    const request = {
      queues,
      jobTypes,
      serverId: this.deps.options.serverId,
      leaseMs: this.deps.options.leaseMs,
      now: this.deps.clock.now(),
      lane: this.lanes.current(),
      excludedKeys: this.deps.globalSlots.excludedKeys(),
    };
    if (!batch) {
      const job = await this.deps.store.claim(request);
      return { jobs: job ? [job] : [], throttled: false };
    }
    const claimed = limited
      ? await this.deps.rateLimits.claim(request, limit)
      : { ...(await this.deps.store.claimBatch(request, limit)), throttled: false };
    if (claimed.jobs.length > 0 || claimed.contended) this.lanes.refresh(claimed.contended);
    return claimed;
  }

  /**
   * A claim answered after half its lease (the driver waited for the server to come back, or
   * the answer was slow) would start its jobs with little or none of their local deadline
   * left: they would be given up at once, their attempt spent, and run again only once the
   * lease expired in MongoDB. Yet MongoDB granted the lease when it handled the claim, maybe
   * just now. One renewal tells: the leases it confirms count from when it was sent. Jobs it
   * finds taken are dropped; when it fails, the jobs are given back (their attempt not
   * counted) for any server to take at once.
   */
  private async confirmLateClaim(
    jobs: JobRecord[],
    claimedAt: number,
  ): Promise<{ jobs: JobRecord[]; claimedAt: number }> {
    const { leaseMs, serverId } = this.deps.options;
    const leases = jobs.map((job) => ({ jobId: job._id, fence: job.fence }));
    const sentAt = performance.now();
    try {
      const lost = new Set((await this.deps.store.extendLeases(leases, leaseMs)).map(leaseKey));
      return { jobs: jobs.filter((_, i) => !lost.has(leaseKey(leases[i]))), claimedAt: sentAt };
    } catch (error) {
      this.deps.report(error, 'confirming the leases of a late claim failed');
      await this.deps.store
        .release(
          leases,
          serverId,
          this.deps.clock.now(),
          'its claim was answered too late to confirm',
        )
        .catch((releaseError: unknown) =>
          this.deps.report(releaseError, 'giving back the jobs of a late claim failed'),
        );
      return { jobs: [], claimedAt };
    }
  }

  private execute(job: JobRecord, claimedAt: number): void {
    const key = leaseKey({ jobId: job._id, fence: job.fence });
    // Even when stop() began while this claim was in flight, the job is ours now: run it, and
    // the graceful stop waits for it or releases it.
    if (!this.deps.globalSlots.appliesTo(job)) {
      this.deps.invocations.start(key, job, claimedAt);
      return;
    }
    this.acquiring++;
    void this.deps.globalSlots.acquire(key, job).then((acquired) => {
      this.acquiring--;
      if (acquired) this.deps.invocations.start(key, job, claimedAt);
      else this.wakeIfBlocked();
    });
  }
}
