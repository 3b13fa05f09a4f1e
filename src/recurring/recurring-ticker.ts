import type { Logger } from 'winston';
import type { EventBus } from '../events/event-bus';
import type { Clock } from '../server/clock';
import type { JobFilters } from '../filters';
import type { JobStore } from '../storage/job-store';
import type { MongoRecurringStore } from './mongo-recurring-store';
import { occurrenceJobId, planOccurrence, type OccurrencePlan } from './occurrence-plan';
import type { ResolvedRecurringTickerOptions } from './recurring-options';
import {
  foldedOccurrences,
  mapLimited,
  missedRunMessage,
  occurrenceJobRecord,
} from './ticker-helpers';
import { repeatLimitReached, type DueRecurringRecord } from './recurring-record';

/**
 * Enqueues the jobs of due recurring occurrences. Every server process runs one; however many
 * run, each occurrence gets exactly one job (how: {@link MongoRecurringTicker}; guarantee 4 of
 * docs/design.md).
 */
export interface RecurringTicker {
  /** Starts ticking (the first tick runs at once). Idempotent. */
  start(): void;
  /** Stops ticking: clears its timer and listener and awaits an in-flight tick. Idempotent. */
  stop(): Promise<void>;
  /** Ticks now (a definition changed); coalesced with a tick in flight. */
  wake(): void;
}

/** What a ticker needs from the `RecurringJobs` that creates it. */
export interface RecurringTickerDeps {
  readonly definitions: MongoRecurringStore;
  readonly store: JobStore;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly logger: Logger;
  /** The job filters whose `onEnqueue` hooks run before an occurrence's job is stored. */
  readonly filters: JobFilters;
}

/** Most definitions one tick reads; a batch of only due ones makes the next tick immediate. */
const TICK_BATCH = 500;
/** Due definitions handled at once within a tick (each costs two round trips). */
const TICK_CONCURRENCY = 32;

/**
 * How early an occurrence's job is enqueued (as `scheduled`, due at the occurrence): half a
 * second, so that for an every-second schedule the inserts for the next occurrence fall
 * between two starts rather than on top of one.
 */
const LOOKAHEAD_MS = 500;

/** How long a server waits for the winner of an occurrence to advance its definition. */
const ADVANCE_GRACE_MS = 500;

/**
 * The ticker. Each tick is one query for the definitions not paused whose `nextRunAt` falls
 * before `now + pollIntervalMs`, soonest first (index `due`); it handles those already due
 * and then sleeps until the soonest upcoming one (a precise timer) or `pollIntervalMs`,
 * whichever is first. For a due occurrence it:
 * 1. inserts the job under the occurrence's deterministic id, `<recurringId>@<ISO instant>`,
 *    unless that id exists (then another server enqueued it already);
 * 2. advances `nextRunAt`, conditioned on the value it read (one server wins).
 * A crash between the two is harmless: the next tick re-inserts (a duplicate, ignored) and
 * advances. Only the server whose insert succeeded emits `recurring.enqueued` and
 * `job.enqueued`.
 */
export class MongoRecurringTicker implements RecurringTicker {
  private readonly logger: Logger;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private wakeRequested = false;
  private unsubscribe: (() => void) | undefined;
  /** Occurrences another server enqueued, by definition: when this server first saw that. */
  private readonly lostOccurrences = new Map<string, { nextRunAt: number; seenAt: number }>();
  /**
   * `queue` policy: by definition, the unfinished job its occurrence waits for (one entry per
   * definition); one finishing in this process wakes the ticker.
   */
  private readonly waitedFor = new Map<string, string>();

  constructor(
    readonly options: ResolvedRecurringTickerOptions,
    private readonly deps: RecurringTickerDeps,
  ) {
    this.logger = deps.logger.child({ serverId: options.serverId, component: 'recurring' });
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const offChanged = this.deps.events.on('recurring.changed', () => this.wake());
    const onFinished = ({ jobId }: { jobId: string }) => {
      for (const [recurringId, waited] of this.waitedFor) {
        if (waited !== jobId) continue;
        this.waitedFor.delete(recurringId);
        this.wake();
      }
    };
    const offFinished = (['job.succeeded', 'job.failed', 'job.deleted'] as const).map((name) =>
      this.deps.events.on(name, onFinished),
    );
    const offClock = this.deps.clock.onChange?.(() => this.wake());
    this.unsubscribe = () => {
      offChanged();
      for (const off of offFinished) off();
      offClock?.();
    };
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.inFlight;
  }

  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.inFlight) this.wakeRequested = true;
    else this.arm(0);
  }

  private arm(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runTick();
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private runTick(): void {
    if (this.stopped || this.inFlight) return;
    this.wakeRequested = false;
    this.inFlight = this.tick()
      .catch((error: unknown) => {
        this.report(error, 'recurring tick failed');
        return this.options.pollIntervalMs;
      })
      .then((delayMs) => {
        this.inFlight = undefined;
        if (!this.stopped) this.arm(this.wakeRequested ? 0 : delayMs);
      });
  }

  /** One tick; resolves with how long to sleep before the next. */
  private async tick(): Promise<number> {
    const { pollIntervalMs } = this.options;
    const now = this.deps.clock.now();
    const horizon = new Date(now.getTime() + pollIntervalMs);
    const found = await this.deps.definitions.findDue(horizon, TICK_BATCH);
    // Occurrences within the lookahead are enqueued early, due at their time: the job waits
    // in storage and the server's due-time timer starts it on the dot.
    const ahead = now.getTime() + LOOKAHEAD_MS;
    const due = found.filter((definition) => definition.nextRunAt.getTime() <= ahead);
    let soonest = now.getTime() + pollIntervalMs;
    for (const definition of found) {
      if (definition.nextRunAt.getTime() > ahead) {
        soonest = Math.min(soonest, definition.nextRunAt.getTime() - LOOKAHEAD_MS);
      }
    }
    const nextRuns = await mapLimited(due, TICK_CONCURRENCY, (definition) =>
      this.handle(definition, now),
    );
    for (const nextRunAt of nextRuns) {
      if (nextRunAt !== null) soonest = Math.min(soonest, nextRunAt.getTime() - LOOKAHEAD_MS);
    }
    // A batch of nothing but due definitions may have left more due ones unread: go on at
    // once. Otherwise the batch (sorted by nextRunAt) holds the soonest upcoming one.
    if (due.length === TICK_BATCH) return 0;
    // +1 ms: a timer may fire a hair before the clock reads the due time.
    return Math.max(0, soonest - this.deps.clock.now().getTime() + 1);
  }

  /**
   * Handles one due definition; resolves with the next run it should wake for (null when
   * its plan could not be made, or it waits for its previous job). A failure is reported
   * and costs this occurrence nothing: the definition stays due and the next tick tries again.
   */
  private async handle(definition: DueRecurringRecord, now: Date): Promise<Date | null> {
    let plan: OccurrencePlan;
    try {
      plan = planOccurrence(
        { ...definition, id: definition._id, hashSeed: definition._id },
        // An occurrence taken early (within the lookahead) is planned as of its own time.
        new Date(Math.max(now.getTime(), definition.nextRunAt.getTime())),
        this.options.missedRunToleranceMs,
      );
    } catch (error) {
      this.report(error, `recurring job '${definition._id}': its schedule cannot be computed`);
      return null;
    }
    try {
      const occurrence = plan.enqueue;
      const enqueued =
        occurrence === null ? null : await this.enqueue(definition, plan, occurrence, now);
      if (occurrence !== null && enqueued?.heldBy) {
        return await this.overlapped(definition, plan, occurrence, enqueued.heldBy);
      }
      const jobId = enqueued?.jobId ?? null;
      if (enqueued && !enqueued.inserted && this.leaveAdvanceToWinner(definition, now)) {
        // Every server races for the next occurrence too (taken a lookahead early, so the race
        // does not delay its start), which spreads the jobs over the servers' processes.
        return plan.nextRunAt;
      }
      const job =
        occurrence === null || jobId === null ? null : { lastRunAt: occurrence, lastJobId: jobId };
      // The job that reaches the repeat limit ends the schedule.
      const limitReached =
        job !== null && repeatLimitReached(definition, (definition.runCount ?? 0) + 1);
      const nextRunAt = limitReached ? null : plan.nextRunAt;
      const advanced = await this.deps.definitions.advance(definition, nextRunAt, {
        job,
        passedOver: foldedOccurrences(plan),
      });
      if (!advanced && enqueued?.inserted && occurrence !== null) {
        await this.deps.definitions.correctSkip(definition._id, occurrence, enqueued.jobId);
      }
      // Every server handling the occurrence gets here; the one that advanced tells.
      if (plan.missed && advanced) this.logMissed(definition, plan, jobId);
      return nextRunAt;
    } catch (error) {
      this.report(error, `recurring job '${definition._id}': enqueueing its occurrence failed`);
      // Retry at the next poll rather than spinning on a failing store.
      return null;
    }
  }

  /**
   * The occurrence's job was not inserted: the previous job of the recurring job, `heldBy`,
   * is unfinished (the overlap policy is `skip` or `queue`). `skip` advances past the
   * occurrence and counts it; `queue` leaves it due, marked waiting, and every tick tries
   * again until the previous job has finished.
   */
  private async overlapped(
    definition: DueRecurringRecord,
    plan: OccurrencePlan,
    occurrence: Date,
    heldBy: string,
  ): Promise<Date | null> {
    if (definition.overlap === 'queue') {
      // Finished in this process: tick at once rather than at the next poll.
      this.waitedFor.set(definition._id, heldBy);
      if (definition.waiting !== true && (await this.deps.definitions.markWaiting(definition))) {
        this.logger.info(
          `recurring job '${definition._id}': occurrence ${occurrence.toISOString()} waits for ${heldBy} to finish`,
        );
      }
      return null;
    }
    const advanced = await this.deps.definitions.advance(definition, plan.nextRunAt, {
      skipped: occurrence,
      passedOver: foldedOccurrences(plan),
    });
    if (advanced) {
      this.logger.info(
        `recurring job '${definition._id}': occurrence ${occurrence.toISOString()} skipped, ${heldBy} is unfinished`,
      );
    }
    return plan.nextRunAt;
  }

  /**
   * Another server inserted this occurrence's job: it advances the definition in a moment, so
   * this one skips its own (bound to fail) conditional advance — one command saved per server
   * per occurrence. If the definition is still at the same occurrence on a later tick (after
   * {@link ADVANCE_GRACE_MS}), the winner died in between and this server advances it.
   */
  private leaveAdvanceToWinner(definition: DueRecurringRecord, now: Date): boolean {
    const seen = this.lostOccurrences.get(definition._id);
    const at = definition.nextRunAt.getTime();
    if (seen && seen.nextRunAt === at) {
      if (now.getTime() - seen.seenAt < ADVANCE_GRACE_MS) return true;
      this.lostOccurrences.delete(definition._id);
      return false;
    }
    this.lostOccurrences.set(definition._id, { nextRunAt: at, seenAt: now.getTime() });
    return true;
  }

  /** Inserts the occurrence's job unless it exists; resolves with its id either way. */
  private async enqueue(
    definition: DueRecurringRecord,
    plan: OccurrencePlan,
    occurrence: Date,
    now: Date,
  ): Promise<{ jobId: string; inserted: boolean; heldBy: string | null }> {
    const jobId = occurrenceJobId(definition._id, occurrence);
    const metadata = await this.deps.filters.enqueue({
      jobType: definition.type,
      payload: definition.payload,
      queue: definition.queue,
      priority: definition.priority,
      dueAt: plan.dueAt,
      source: 'recurring',
      recurringId: definition._id,
    });
    const record = occurrenceJobRecord(definition, plan, occurrence, {
      jobId,
      metadata,
      now,
      storedAt: this.deps.clock.now(),
    });
    const outcome = await this.deps.store.insertUnlessExists(record);
    if (outcome.inserted) {
      const { events } = this.deps;
      events.emit('job.enqueued', {
        jobId,
        jobType: record.type,
        queue: record.queue,
        dueAt: record.dueAt,
      });
      events.emit('recurring.enqueued', { recurringId: definition._id, jobId, occurrence });
      this.lostOccurrences.delete(definition._id);
      return { jobId, inserted: true, heldBy: null };
    }
    return { jobId, inserted: false, heldBy: outcome.heldBy };
  }

  private logMissed(
    definition: DueRecurringRecord,
    plan: OccurrencePlan,
    jobId: string | null,
  ): void {
    const message = missedRunMessage(definition, plan, jobId);
    if (message !== null) this.logger.warn(message);
  }

  private report(error: unknown, context: string): void {
    this.deps.events.emit('error', {
      error: error instanceof Error ? error : new Error(String(error)),
      context: `${context} (server ${this.options.serverId})`,
    });
  }
}
