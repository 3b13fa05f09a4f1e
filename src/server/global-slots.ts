import type { HandlerRegistry } from '../handlers';
import type { JobRecord } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import type { SlotClaimant } from '../storage/slot-claimant';
import type { Clock } from './clock';

/**
 * Slots of global concurrency limits (see `MongoSlotStore`). Holders expire `leaseMs` after
 * the database's time of the last take or extension, never by a worker's clock.
 */
export interface SlotStore {
  acquire(scope: string, limit: number, claimant: SlotClaimant, leaseMs: number): Promise<boolean>;
  release(scope: string, jobId: string, fence: number): Promise<void>;
  extend(
    scopes: readonly string[],
    serverId: string,
    jobIds: readonly string[],
    leaseMs: number,
  ): Promise<void>;
}

/** A global limit a job falls under: `type:<jobType>` or `queue:<queue>`. */
interface Scope {
  readonly scope: string;
  readonly limit: number;
}

/** What {@link GlobalSlots} needs from its server. */
export interface GlobalSlotsDeps {
  readonly slots: SlotStore;
  readonly store: JobStore;
  readonly registry: HandlerRegistry;
  readonly clock: Clock;
  readonly serverId: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly globalQueueConcurrency: Readonly<Record<string, number>>;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * One server's side of the global concurrency limits: which limits a job falls under, taking
 * and giving back their slots, and which limits were found full (left alone for one poll
 * interval, or until a slot this server held comes free).
 */
export class GlobalSlots {
  private readonly fullUntil = new Map<string, number>();
  private readonly held = new Map<string, { jobId: string; scopes: string[] }>();

  constructor(private readonly deps: GlobalSlotsDeps) {}

  /** True when the job falls under at least one global limit. */
  appliesTo(job: JobRecord): boolean {
    return this.scopesOf(job).length > 0;
  }

  /** True when a type or queue has a global limit (its jobs are claimed one by one). */
  limits(jobType: string | undefined, queue: string | undefined): boolean {
    return (
      (jobType !== undefined &&
        this.deps.registry.get(jobType)?.options.globalConcurrency !== undefined) ||
      (queue !== undefined && this.deps.globalQueueConcurrency[queue] !== undefined)
    );
  }

  /** True while `type:<jobType>` or `queue:<queue>` is known to be full. */
  isFull(kind: 'type' | 'queue', name: string): boolean {
    const until = this.fullUntil.get(`${kind}:${name}`);
    return until !== undefined && until > this.deps.clock.now().getTime();
  }

  /** Milliseconds until a full limit may be tried again (Infinity when none is full). */
  untilNextRetry(): number {
    const now = this.deps.clock.now().getTime();
    let next = Infinity;
    for (const until of this.fullUntil.values()) next = Math.min(next, until - now);
    return Math.max(0, next);
  }

  /**
   * Takes the claimed job's slots under `key`. When a limit is full, gives back what was
   * taken, puts the job back in its queue (its attempt not counted), marks the limit full
   * for one poll interval, and resolves false.
   */
  async acquire(key: string, job: JobRecord): Promise<boolean> {
    const now = this.deps.clock.now();
    const claimant: SlotClaimant = {
      jobId: job._id,
      fence: job.fence,
      serverId: this.deps.serverId,
    };
    const taken: string[] = [];
    let blocked: string | undefined;
    try {
      for (const { scope, limit } of this.scopesOf(job)) {
        if (!(await this.deps.slots.acquire(scope, limit, claimant, this.deps.leaseMs))) {
          blocked = scope;
          break;
        }
        taken.push(scope);
      }
      if (!blocked) {
        this.held.set(key, { jobId: job._id, scopes: taken });
        return true;
      }
      this.fullUntil.set(blocked, now.getTime() + this.deps.pollIntervalMs);
    } catch (error) {
      this.deps.report(error, `taking a global concurrency slot for job ${job._id} failed`);
    }
    await Promise.all(
      taken.map((scope) =>
        this.deps.slots.release(scope, job._id, job.fence).catch(() => undefined),
      ),
    );
    const reason = blocked
      ? `global concurrency limit of ${blocked} reached`
      : 'a global concurrency slot could not be taken';
    await this.deps.store
      .release(
        [{ jobId: job._id, fence: job.fence }],
        this.deps.serverId,
        this.deps.clock.now(),
        reason,
      )
      .catch((error: unknown) => this.deps.report(error, `giving job ${job._id} back failed`));
    return false;
  }

  /** Gives back the slots held under `key` (the job ended); its limits are tried again at once. */
  async release(key: string, fence: number): Promise<void> {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    for (const scope of held.scopes) {
      await this.deps.slots
        .release(scope, held.jobId, fence)
        .catch((error: unknown) => this.deps.report(error, `releasing a slot of ${scope} failed`));
      this.fullUntil.delete(scope);
    }
  }

  /**
   * Extends every slot this server holds to `leaseMs` from the database's time now, in one
   * round trip (with the heartbeat).
   */
  async extend(): Promise<void> {
    const scopes = new Set<string>();
    const jobIds: string[] = [];
    for (const held of this.held.values()) {
      held.scopes.forEach((scope) => scopes.add(scope));
      jobIds.push(held.jobId);
    }
    await this.deps.slots.extend([...scopes], this.deps.serverId, jobIds, this.deps.leaseMs);
  }

  private scopesOf(job: JobRecord): Scope[] {
    const scopes: Scope[] = [];
    const typeLimit = this.deps.registry.get(job.type)?.options.globalConcurrency;
    if (typeLimit !== undefined) scopes.push({ scope: `type:${job.type}`, limit: typeLimit });
    const queueLimit = this.deps.globalQueueConcurrency[job.queue];
    if (queueLimit !== undefined) scopes.push({ scope: `queue:${job.queue}`, limit: queueLimit });
    return scopes;
  }
}
