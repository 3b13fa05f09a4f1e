import type { Db } from 'mongodb';
import type { Logger } from 'winston';
import { JOB_TYPE_METADATA } from '../constants';
import { InvalidOptionsError, StorageError } from '../errors';
import { RecurringJobNotFoundError } from '../errors/recurring-job-not-found.error';
import type { EventBus } from '../events/event-bus';
import { jobHandlerMetadataOf, type HandlerClass } from '../handlers';
import type { IJob, JobClass } from '../jobs';
import type { Clock } from '../server/clock';
import type { JobFilters } from '../filters';
import type { JobStore } from '../storage/job-store';
import { newJobRecord } from '../storage/new-job-record';
import { MongoRecurringStore } from './mongo-recurring-store';
import { checkRecurringDefinition } from './recurring-definition-check';
import {
  checkRecurringId,
  resolveTickerOptions,
  type RecurringOptions,
  type RecurringTickerOptions,
} from './recurring-options';
import {
  toRecurringJobInfo,
  type RecurringDefinition,
  type RecurringJobInfo,
  type RecurringRecord,
} from './recurring-record';
import { MongoRecurringTicker, type RecurringTicker } from './recurring-ticker';
import { overlapKeyOf } from './occurrence-plan';
import { anchorFor, differences, nextRunWithin, SHAPE_FIELDS } from './definition-changes';
import type { RecurringSchedule } from './schedule-shape';
import {
  decoratedRecurringClasses,
  recurringDeclarationsOf,
  type RecurringClass,
} from './recurring.decorator';

/** What {@link RecurringJobs} needs from the Docket instance that owns it. */
export interface RecurringJobsDeps {
  db: Db;
  collectionPrefix: string;
  store: JobStore;
  clock: Clock;
  events: EventBus;
  logger: Logger;
  /** The job filters whose `onEnqueue` hooks run before an occurrence's job is stored. */
  filters: JobFilters;
}

/** How often `addOrUpdate`/`resume` re-read after losing a race with another process. */
const RACE_RETRIES = 5;

/**
 * Recurring (cron) jobs: their definitions in `<prefix>recurring`, the verbs the scheduler
 * exposes (`addOrUpdateRecurring`, `removeRecurring`, `triggerRecurring`, pause, resume, list),
 * the `@Recurring` declarations, and the ticker every server runs.
 */
export class RecurringJobs {
  private readonly definitions: MongoRecurringStore;

  constructor(private readonly deps: RecurringJobsDeps) {
    this.definitions = new MongoRecurringStore(deps.db, deps.collectionPrefix);
  }

  /** Creates the index the ticker's query uses. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.definitions.ensureIndexes();
  }

  /**
   * Creates the recurring job `id`, or updates it to this definition. Everything is checked
   * before anything is written. Adding an identical definition writes nothing; a new
   * schedule, time zone, window or repeat limit reschedules the next run from now; other
   * changes keep the next run.
   * @throws InvalidOptionsError - for a malformed id or option (an unknown time zone, a bad
   *   interval, an `endAt` not after `startAt` included).
   * @throws InvalidCronExpressionError - for an invalid cron expression.
   * @throws UnknownJobTypeError / JobValidationError / NonSerializablePayloadError /
   *   PayloadTooLargeError - for a job `enqueue` would refuse.
   * @throws StorageError - when MongoDB fails.
   */
  async addOrUpdate(
    id: string,
    job: IJob,
    schedule: RecurringSchedule,
    options?: RecurringOptions,
  ): Promise<void> {
    const definition = await checkRecurringDefinition(id, job, schedule, options);
    await this.save(id, definition);
  }

  /**
   * Removes the recurring job; jobs it already enqueued stay. False when `id` is unknown.
   * @throws InvalidOptionsError - for a malformed id (one no recurring job can have).
   * @throws StorageError - when MongoDB fails.
   */
  async remove(id: string): Promise<boolean> {
    checkRecurringId(id);
    const removed = await this.definitions.delete(id);
    if (removed) this.changed(id);
    return removed;
  }

  /**
   * Enqueues one job of the recurring job now (paused or not), outside its schedule, which
   * stays as it is. Resolves with the job's id. Under the `skip` and `queue` overlap
   * policies, while a job of the recurring job is unfinished, nothing is enqueued and the
   * unfinished job's id is the answer.
   * @throws InvalidOptionsError - for a malformed id.
   * @throws RecurringJobNotFoundError - when `id` is unknown.
   * @throws StorageError - when MongoDB fails.
   */
  async trigger(id: string): Promise<string> {
    const definition = await this.definitions.find(checkRecurringId(id));
    if (definition === null) throw new RecurringJobNotFoundError(id);
    const now = this.deps.clock.now();
    const metadata = await this.deps.filters.enqueue({
      jobType: definition.type,
      payload: definition.payload,
      queue: definition.queue,
      priority: definition.priority,
      dueAt: now,
      source: 'recurring',
      recurringId: id,
    });
    const record = newJobRecord({
      metadata,
      type: definition.type,
      queue: definition.queue,
      priority: definition.priority,
      payload: definition.payload,
      state: 'enqueued',
      dueAt: now,
      now,
      maxAttempts: definition.maxAttempts,
      timeoutMs: definition.timeoutMs,
      reason: `recurring job '${id}': triggered`,
      uniqueKey: overlapKeyOf(definition),
    });
    const jobId = await this.deps.store.insert(record);
    if (jobId !== record._id) return jobId;
    const { events } = this.deps;
    events.emit('job.enqueued', {
      jobId: record._id,
      jobType: record.type,
      queue: record.queue,
      dueAt: now,
    });
    events.emit('recurring.enqueued', { recurringId: id, jobId: record._id, occurrence: now });
    await this.definitions.update(id, { lastRunAt: now, lastJobId: record._id });
    return record._id;
  }

  /**
   * Pauses the recurring job: no occurrence is enqueued until {@link resume}. True when it
   * exists (paused now, or already); false when `id` is unknown.
   * @throws InvalidOptionsError - for a malformed id.
   * @throws StorageError - when MongoDB fails.
   */
  async pause(id: string): Promise<boolean> {
    checkRecurringId(id);
    const definition = await this.definitions.find(id);
    if (definition === null) return false;
    if (definition.paused) return true;
    if (await this.definitions.setPaused(definition, true, this.deps.clock.now())) {
      this.changed(id);
      return true;
    }
    // Paused or removed by another process meanwhile.
    return (await this.definitions.find(id)) !== null;
  }

  /**
   * Resumes a paused recurring job; its next run is the first occurrence after now (what
   * was missed while paused is not run). True when it exists; false when `id` is unknown.
   * @throws InvalidOptionsError - for a malformed id.
   * @throws StorageError - when MongoDB fails.
   */
  async resume(id: string): Promise<boolean> {
    checkRecurringId(id);
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const definition = await this.definitions.find(id);
      if (definition === null) return false;
      if (!definition.paused) return true;
      const now = this.deps.clock.now();
      const nextRunAt = nextRunWithin(definition, now);
      if (await this.definitions.setPaused(definition, false, now, nextRunAt)) {
        this.changed(id);
        return true;
      }
      // The schedule changed (or another process resumed it) meanwhile: look again.
    }
    throw new StorageError(`Could not resume recurring job '${id}': it kept changing`);
  }

  /**
   * Every recurring job, by id, with its last and next run.
   * @throws StorageError - when MongoDB fails.
   */
  async list(): Promise<RecurringJobInfo[]> {
    return (await this.definitions.list()).map(toRecurringJobInfo);
  }

  /**
   * One recurring job, or null when `id` is unknown.
   * @throws InvalidOptionsError - for a malformed id.
   * @throws StorageError - when MongoDB fails.
   */
  async get(id: string): Promise<RecurringJobInfo | null> {
    checkRecurringId(id);
    const record = await this.definitions.find(id);
    return record === null ? null : toRecurringJobInfo(record);
  }

  /**
   * Applies the `@Recurring` declarations of `classes` (`addOrUpdate` for each). Every
   * declaration is checked before any is written; applying the same declarations again
   * changes nothing. Classes without declarations are ignored, so the handler list can be
   * passed as it is.
   * @param classes - `@Job` and `@JobHandler` classes.
   * @defaultValue every class decorated with `@Recurring` so far in this process
   * @throws InvalidOptionsError - when an id is declared twice, or a declaring class is
   *   neither a `@Job` nor a `@JobHandler` class; and what {@link addOrUpdate} throws.
   */
  async applyDeclared(
    classes: readonly RecurringClass[] = decoratedRecurringClasses(),
  ): Promise<void> {
    const declaredOn = new Map<string, string>();
    const prepared: Array<{ id: string; definition: RecurringDefinition }> = [];
    for (const declaringClass of new Set(classes)) {
      const declarations = recurringDeclarationsOf(declaringClass);
      if (declarations.length === 0) continue;
      const jobClass = jobClassOf(declaringClass);
      for (const declaration of declarations) {
        const other = declaredOn.get(declaration.id);
        if (other !== undefined) {
          throw new InvalidOptionsError(
            `@Recurring('${declaration.id}') is declared on both ${other} and ${declaringClass.name}: ` +
              'recurring job ids must be unique',
            { option: 'id' },
          );
        }
        declaredOn.set(declaration.id, declaringClass.name);
        const job = Object.assign(new jobClass(), declaration.payload);
        prepared.push({
          id: declaration.id,
          definition: await checkRecurringDefinition(
            declaration.id,
            job,
            declaration.cron,
            declaration.options,
          ),
        });
      }
    }
    for (const { id, definition } of prepared) await this.save(id, definition);
  }

  /**
   * A ticker for a server process; the server starts it at its start and stops it at its
   * stop. In-process changes wake it through the `recurring.changed` event.
   * @throws InvalidOptionsError - for invalid options.
   */
  createTicker(options: RecurringTickerOptions): RecurringTicker {
    return new MongoRecurringTicker(resolveTickerOptions(options), {
      definitions: this.definitions,
      store: this.deps.store,
      clock: this.deps.clock,
      events: this.deps.events,
      logger: this.deps.logger,
      filters: this.deps.filters,
    });
  }

  /** Inserts or updates a checked definition, writing only what differs. */
  private async save(id: string, definition: RecurringDefinition): Promise<void> {
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const now = this.deps.clock.now();
      const existing = await this.definitions.find(id);
      if (existing === null) {
        const fresh = { _id: id, ...definition, anchor: anchorFor(definition, now), runCount: 0 };
        const record: RecurringRecord = {
          ...fresh,
          paused: false,
          nextRunAt: nextRunWithin(fresh, now),
          lastRunAt: null,
          lastJobId: null,
          skippedCount: 0,
          lastSkippedAt: null,
          waiting: false,
          createdAt: now,
          updatedAt: now,
        };
        if (await this.definitions.insert(record)) return this.changed(id);
        continue; // another process created it just now: compare with theirs
      }
      const changes = differences(existing, definition);
      if (changes === null) return;
      if (SHAPE_FIELDS.some((field) => field in changes)) {
        // An interval keeps its phase unless its length or start changed.
        if ('everyMs' in changes || 'startAt' in changes || existing.anchor == null) {
          changes.anchor = anchorFor(definition, now);
        }
        changes.nextRunAt = nextRunWithin({ ...existing, ...changes }, now);
        changes.waiting = false;
      }
      changes.updatedAt = now;
      if (await this.definitions.update(id, changes)) return this.changed(id);
      // Removed meanwhile: create it again.
    }
    throw new StorageError(`Could not save recurring job '${id}': it kept changing`);
  }

  private changed(recurringId: string): void {
    this.deps.events.emit('recurring.changed', { recurringId });
  }
}

/** The job class whose instances a `@Recurring` class enqueues. */
function jobClassOf(declaringClass: RecurringClass): JobClass {
  if (typeof Reflect.getOwnMetadata(JOB_TYPE_METADATA, declaringClass) === 'string') {
    return declaringClass as unknown as JobClass;
  }
  const handler = jobHandlerMetadataOf(declaringClass as unknown as HandlerClass);
  if (handler !== undefined) return handler.jobClass;
  throw new InvalidOptionsError(
    `@Recurring on ${declaringClass.name || 'an anonymous class'}: the class must be a @Job or a @JobHandler class`,
    { option: 'classes' },
  );
}
