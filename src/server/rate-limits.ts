import type { HandlerRegistry } from '../handlers';
import type { ResolvedRateLimit } from '../options/rate-limit-options';
import type { JobRecord } from '../storage/job-record';
import type { ClaimedJobs, ClaimRequest, JobStore } from '../storage/job-store';
import type { RateLimitStore, RateReservation } from '../storage/rate-limit-store';
import type { Clock } from './clock';

/** A rate limit a job falls under: `type:<jobType>` or `queue:<queue>`. */
interface Limit {
  readonly key: string;
  readonly limit: ResolvedRateLimit;
}

/** What {@link RateLimits} needs from its server. */
export interface RateLimitsDeps {
  readonly store: Pick<JobStore, 'findClaimCandidates' | 'claimCandidates'>;
  readonly limits: RateLimitStore;
  readonly registry: HandlerRegistry;
  readonly clock: Clock;
  readonly queueRateLimits: Readonly<Record<string, ResolvedRateLimit>>;
  readonly report: (error: unknown, context: string) => void;
}

/** What a rate-limited claim took, and whether it found a limit full. */
export interface RateLimitedClaim extends ClaimedJobs {
  /** A limit was found full: the claim scope changed, claim again at once without it. */
  readonly throttled: boolean;
}

/**
 * One server's side of the rate limits (see `MongoRateLimitStore`): claims of jobs under a
 * limit reserve their starts first, so jobs over the limit are never claimed (no attempt is
 * spent on them); a limit found full is left alone until its window frees, by the
 * database's clock, and the claim loop sleeps until then (no polling of a full limit).
 */
export class RateLimits {
  /**
   * Full limits, until when by `performance.now()`: a window frees after a duration the
   * database measured, in real time even where the server's clock is a test's manual one.
   */
  private readonly throttled = new Map<string, number>();

  constructor(private readonly deps: RateLimitsDeps) {}

  /** True when some of these types or queues has a rate limit (claims then go through here). */
  applies(jobTypes: readonly string[], queues: readonly string[]): boolean {
    return (
      jobTypes.some((type) => this.deps.registry.get(type)?.options.rateLimit !== undefined) ||
      queues.some((queue) => this.deps.queueRateLimits[queue] !== undefined)
    );
  }

  /** True while the limit of `type:<jobType>` or `queue:<queue>` is known to be full. */
  isThrottled(kind: 'type' | 'queue', name: string): boolean {
    const until = this.throttled.get(`${kind}:${name}`);
    return until !== undefined && until > performance.now();
  }

  /**
   * Milliseconds until a full limit frees: 0 when one freed since it was found full (the
   * caller's scope may still leave it out: claim again now), Infinity when none is full.
   */
  untilNextRetry(): number {
    const now = performance.now();
    let next = Infinity;
    for (const [key, until] of this.throttled) {
      next = Math.min(next, Math.max(0, until - now));
      if (until <= now) this.throttled.delete(key);
    }
    return next;
  }

  /**
   * Claims up to `limit` due jobs: reads candidates, reserves starts for those under rate
   * limits (one round trip per limit, for all of its candidates), claims the candidates
   * admitted, then settles each reservation with what was claimed (one round trip per limit).
   * The claim's time is read after the reservations were granted, so a job's `startedAt`
   * falls between its reservation and its settlement.
   */
  async claim(request: ClaimRequest, limit: number): Promise<RateLimitedClaim> {
    const candidates = await this.deps.store.findClaimCandidates(request, limit);
    const wanted = new Map<string, { limit: ResolvedRateLimit; count: number }>();
    for (const job of candidates) {
      for (const { key, limit: rate } of this.limitsOf(job)) {
        const entry = wanted.get(key) ?? { limit: rate, count: 0 };
        entry.count++;
        wanted.set(key, entry);
      }
    }
    if (wanted.size === 0) {
      return { ...(await this.deps.store.claimCandidates(request, candidates)), throttled: false };
    }
    const reservations = new Map<string, RateReservation>();
    let throttled = false;
    await Promise.all(
      [...wanted].map(async ([key, { limit: rate, count }]) => {
        try {
          const reservation = await this.deps.limits.reserve(key, rate, count, request.leaseMs);
          reservations.set(key, reservation);
          if (reservation.waitMs > 0) {
            this.throttled.set(key, performance.now() + reservation.waitMs);
            throttled = true;
          }
        } catch (error) {
          // Its candidates are not claimed this time; the loop's next claim tries again.
          this.deps.report(error, `reserving starts under the rate limit ${key} failed`);
        }
      }),
    );
    const left = new Map([...reservations].map(([key, r]) => [key, r.granted]));
    const admitted = candidates.filter((job) => {
      const limits = this.limitsOf(job);
      if (!limits.every(({ key }) => (left.get(key) ?? 0) > 0)) return false;
      for (const { key } of limits) left.set(key, left.get(key)! - 1);
      return true;
    });
    // Read after the grants: every start stamped falls at or after its reservation.
    const { jobs, contended } = await this.deps.store.claimCandidates(
      { ...request, now: this.deps.clock.now() },
      admitted,
    );
    // A claim that failed settles nothing: its reservations count until they expire.
    await this.settle(reservations, jobs);
    return { jobs, contended, throttled };
  }

  private async settle(
    reservations: ReadonlyMap<string, RateReservation>,
    jobs: readonly JobRecord[],
  ): Promise<void> {
    const used = new Map<string, number>();
    for (const job of jobs) {
      for (const { key } of this.limitsOf(job)) used.set(key, (used.get(key) ?? 0) + 1);
    }
    await Promise.all(
      [...reservations]
        .filter(([, reservation]) => reservation.granted > 0)
        .map(([key, reservation]) =>
          this.deps.limits
            .settle(key, reservation.token, used.get(key) ?? 0)
            .catch((error: unknown) =>
              this.deps.report(error, `settling starts under the rate limit ${key} failed`),
            ),
        ),
    );
  }

  private limitsOf(job: JobRecord): Limit[] {
    const limits: Limit[] = [];
    const typeLimit = this.deps.registry.get(job.type)?.options.rateLimit;
    if (typeLimit !== undefined) limits.push({ key: `type:${job.type}`, limit: typeLimit });
    const queueLimit = this.deps.queueRateLimits[job.queue];
    if (queueLimit !== undefined) limits.push({ key: `queue:${job.queue}`, limit: queueLimit });
    return limits;
  }
}
