import type { HandlerRegistry } from '../handlers';
import { CLAIMABLE_STATES, type JobRecord } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import type { SlotClaimant } from '../storage/slot-claimant';
import type { Clock } from './clock';
import { BlockedKeys } from './blocked-keys';

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

/**
 * The concurrency keys (see `MongoKeyStore`): slots like the global limits', whose records
 * exist only while held, and the check that a job of a FIFO key is first in line.
 */
export interface KeyStore extends SlotStore {
  /** The first unfinished job of FIFO key `key` in enqueue order; null when none. */
  firstInLine(key: string): Promise<Pick<JobRecord, '_id' | 'state' | 'dueAt'> | null>;
}

/**
 * A limit a job falls under: `type:<jobType>` or `queue:<queue>` (global limits), or
 * `key:<concurrencyKey>` (its concurrency key, `key` set).
 */
interface Scope {
  readonly scope: string;
  readonly limit: number;
  /** For a concurrency key: the key, and whether its jobs run in enqueue order. */
  readonly key?: { readonly name: string; readonly fifo: boolean };
}

/** Held slots and keys of one invocation. */
interface Held {
  readonly jobId: string;
  readonly scopes: string[];
  readonly key: string | undefined;
}

/** How the slot of a concurrency key is named (in its own collection). */
const KEY_PREFIX = 'key:';

/** What {@link GlobalSlots} needs from its server. */
export interface GlobalSlotsDeps {
  readonly slots: SlotStore;
  readonly keys: KeyStore;
  readonly store: JobStore;
  readonly registry: HandlerRegistry;
  readonly clock: Clock;
  readonly serverId: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  /** The first backoff of a concurrency key found at its limit (it doubles up to `pollIntervalMs`). */
  readonly minPollIntervalMs: number;
  readonly globalQueueConcurrency: Readonly<Record<string, number>>;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * One server's side of the global concurrency limits and the concurrency keys: which limits a
 * job falls under, taking and giving back their slots, and which limits were found full (a
 * type or queue is left alone for one poll interval, a key for a backoff that grows while it
 * stays busy; either until a slot this server held comes free).
 */
export class GlobalSlots {
  private readonly fullUntil = new Map<string, number>();
  private readonly held = new Map<string, Held>();
  private readonly blockedKeys: BlockedKeys;

  constructor(private readonly deps: GlobalSlotsDeps) {
    this.blockedKeys = new BlockedKeys(deps.minPollIntervalMs, deps.pollIntervalMs);
  }

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
    let next = this.blockedKeys.untilNextRetry();
    for (const until of this.fullUntil.values()) next = Math.min(next, until - now);
    return Math.max(0, next);
  }

  /** Milliseconds until a concurrency key found busy may be tried again (Infinity: none). */
  untilKeyRetry(): number {
    return this.blockedKeys.untilNextRetry();
  }

  /** The concurrency keys a claim should leave out now (see `BlockedKeys.excluded`). */
  excludedKeys(): string[] {
    return this.blockedKeys.excluded();
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
    const taken: Scope[] = [];
    let blocked: Scope | undefined;
    let behind: Pick<JobRecord, 'state' | 'dueAt'> | undefined;
    try {
      for (const scope of this.scopesOf(job)) {
        // A FIFO job waits for every earlier job of its key, even one waiting for a retry.
        const first = scope.key?.fifo ? await this.deps.keys.firstInLine(scope.key.name) : null;
        if (first && first._id !== job._id) {
          blocked = scope;
          behind = first;
          break;
        }
        const store = this.storeOf(scope.scope);
        if (!(await store.acquire(scope.scope, scope.limit, claimant, this.deps.leaseMs))) {
          blocked = scope;
          break;
        }
        taken.push(scope);
      }
      if (!blocked) {
        const keyScope = taken.find((scope) => scope.key);
        if (keyScope) this.blockedKeys.started(keyScope.key!.name, keyScope.limit);
        this.held.set(key, {
          jobId: job._id,
          scopes: taken.map((scope) => scope.scope),
          key: keyScope?.key!.name,
        });
        return true;
      }
      if (!blocked.key) {
        this.fullUntil.set(blocked.scope, now.getTime() + this.deps.pollIntervalMs);
      } else if (!(behind && CLAIMABLE_STATES.includes(behind.state))) {
        // Behind an earlier job that waits to be claimed (a retry, say), the key is not busy:
        // that job is claimed next, as the one given back now waits until it is due.
        this.blockedKeys.block(blocked.key.name);
      }
    } catch (error) {
      this.deps.report(error, `taking a global concurrency slot for job ${job._id} failed`);
    }
    await Promise.all(
      taken.map(({ scope }) =>
        this.storeOf(scope)
          .release(scope, job._id, job.fence)
          .catch(() => undefined),
      ),
    );
    const reason = behind
      ? `an earlier job of its concurrency key ${blocked!.key!.name} has not finished`
      : blocked?.key
        ? `concurrency key ${blocked.key.name} at its limit`
        : blocked
          ? `global concurrency limit of ${blocked.scope} reached`
          : 'a global concurrency slot could not be taken';
    // A FIFO job behind an earlier one goes back no earlier than that one is due (and just
    // after it): claims, in due order, then come to the earlier job first.
    const notBefore = behind && new Date(behind.dueAt.getTime() + 1);
    await this.deps.store
      .release(
        [{ jobId: job._id, fence: job.fence }],
        this.deps.serverId,
        this.deps.clock.now(),
        reason,
        notBefore,
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
      await this.storeOf(scope)
        .release(scope, held.jobId, fence)
        .catch((error: unknown) => this.deps.report(error, `releasing a slot of ${scope} failed`));
      this.fullUntil.delete(scope);
    }
    if (held.key !== undefined) this.blockedKeys.ended(held.key);
  }

  /**
   * Extends every slot this server holds to `leaseMs` from the database's time now, in one
   * round trip (with the heartbeat).
   */
  async extend(): Promise<void> {
    const scopes = new Set<string>();
    const keys = new Set<string>();
    const jobIds: string[] = [];
    for (const held of this.held.values()) {
      for (const scope of held.scopes) (scope.startsWith(KEY_PREFIX) ? keys : scopes).add(scope);
      jobIds.push(held.jobId);
    }
    const { serverId, leaseMs } = this.deps;
    await Promise.all([
      this.deps.slots.extend([...scopes], serverId, jobIds, leaseMs),
      this.deps.keys.extend([...keys], serverId, jobIds, leaseMs),
    ]);
  }

  /** Where the slots of `scope` are kept: a concurrency key's in its own collection. */
  private storeOf(scope: string): SlotStore {
    return scope.startsWith(KEY_PREFIX) ? this.deps.keys : this.deps.slots;
  }

  private scopesOf(job: JobRecord): Scope[] {
    const scopes: Scope[] = [];
    const typeLimit = this.deps.registry.get(job.type)?.options.globalConcurrency;
    if (typeLimit !== undefined) scopes.push({ scope: `type:${job.type}`, limit: typeLimit });
    const queueLimit = this.deps.globalQueueConcurrency[job.queue];
    if (queueLimit !== undefined) scopes.push({ scope: `queue:${job.queue}`, limit: queueLimit });
    if (job.concurrencyKey !== undefined) {
      scopes.push({
        scope: KEY_PREFIX + job.concurrencyKey,
        limit: job.keyLimit ?? 1,
        key: { name: job.concurrencyKey, fifo: job.keyFifo === true },
      });
    }
    return scopes;
  }
}
