import type { DependencyContainer } from 'tsyringe';
import { DocketError, EnqueueRefusedError, InvalidOptionsError, JobFilterError } from '../errors';
import type { DocketErrorDetails } from '../errors';
import type { FilterHook } from '../errors/job-filter.error';
import type { EventBus } from '../events/event-bus';
import type { JobEventBase } from '../events/docket-events';
import {
  DOCKET_FILTER,
  type DocketFilter,
  type DocketFilterClass,
  type DocketFilterEntry,
  type EnqueueFilterContext,
  type ExecutionFilterContext,
  type JobMetadata,
  type JobStateChange,
} from './docket-filter';

const HOOKS = [
  'onEnqueue',
  'beforeExecution',
  'onExecute',
  'afterExecution',
  'onExecutionError',
  'onStateChanged',
] as const;
/** The limits of {@link JobMetadata}: entries, characters per value, and what a key is made of. */
export const MAX_METADATA_ENTRIES = 32;
export const MAX_METADATA_VALUE = 1_024;
export const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A filter with its name settled, in run order. */
interface RunningFilter {
  readonly name: string;
  readonly filter: DocketFilter;
  readonly types: ReadonlySet<string> | null;
}

/** Checks one entry of `DocketOptions.filters` (a filter, or a class of one). */
export function checkFilterEntry(path: string, entry: unknown): void {
  if (typeof entry === 'function') return;
  checkFilter(path, entry);
}

function checkFilter(path: string, value: unknown): asserts value is DocketFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionsError(`${path} must be a filter object or a filter class`, {
      option: path,
    });
  }
  const filter = value as Record<string, unknown>;
  for (const hook of HOOKS) {
    if (filter[hook] !== undefined && typeof filter[hook] !== 'function') {
      throw new InvalidOptionsError(`${path}.${hook} must be a function`, {
        option: `${path}.${hook}`,
      });
    }
  }
  if (!HOOKS.some((hook) => typeof filter[hook] === 'function')) {
    throw new InvalidOptionsError(`${path} has none of the hooks ${HOOKS.join(', ')}`, {
      option: path,
    });
  }
  if (filter.name !== undefined && (typeof filter.name !== 'string' || filter.name === '')) {
    throw new InvalidOptionsError(`${path}.name must be a non-empty string`, {
      option: `${path}.name`,
    });
  }
  if (filter.order !== undefined && !Number.isFinite(filter.order)) {
    throw new InvalidOptionsError(`${path}.order must be a finite number`, {
      option: `${path}.order`,
    });
  }
  const types = filter.jobTypes;
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.some((type) => typeof type !== 'string'))
  ) {
    throw new InvalidOptionsError(`${path}.jobTypes must be an array of job type names`, {
      option: `${path}.jobTypes`,
    });
  }
}

/** What is wrong with metadata a hook left, or null. */
function metadataProblem(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return 'metadata is no longer an object';
  }
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_ENTRIES) {
    return `metadata has ${entries.length} entries, at most ${MAX_METADATA_ENTRIES} are allowed`;
  }
  for (const [key, value] of entries) {
    if (!METADATA_KEY.test(key)) {
      return `metadata key '${key.slice(0, 80)}' is not 1 to 64 letters, digits or _ . : -`;
    }
    if (typeof value !== 'string') return `metadata '${key}' is not a string`;
    if (value.length > MAX_METADATA_VALUE) {
      return `metadata '${key}' has ${value.length} characters, at most ${MAX_METADATA_VALUE} are allowed`;
    }
  }
  return null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The job filters of a Docket instance: those of its options, then those registered in its
 * container under {@link DOCKET_FILTER}, resolved once at first use and ordered by `order`.
 * Runs their hooks around enqueue, around attempts and on state changes (see
 * {@link DocketFilter} for the order and what a failure does).
 */
export class JobFilters {
  private running: readonly RunningFilter[] | undefined;
  private readonly byType = new Map<string, readonly RunningFilter[]>();

  constructor(
    private readonly entries: readonly DocketFilterEntry[],
    private readonly container: DependencyContainer,
  ) {}

  /**
   * Runs the `onEnqueue` hooks for a job about to be stored; resolves with its metadata
   * (undefined when none).
   * @throws EnqueueRefusedError - a filter refused, as it threw it.
   * @throws JobFilterError - a hook threw anything else, or left metadata that cannot be stored.
   */
  async enqueue(context: Omit<EnqueueFilterContext, 'metadata'>): Promise<JobMetadata | undefined> {
    const filters = this.applying(context.jobType).filter((f) => f.filter.onEnqueue);
    if (filters.length === 0) return undefined;
    const metadata: JobMetadata = {};
    const full: EnqueueFilterContext = { ...context, metadata };
    const details = { jobType: context.jobType, queue: context.queue };
    for (const { name, filter } of filters) {
      try {
        await filter.onEnqueue!(full);
      } catch (error) {
        if (error instanceof EnqueueRefusedError) throw error;
        throw new JobFilterError(name, 'onEnqueue', messageOf(error), { ...details, cause: error });
      }
      const problem = metadataProblem(full.metadata);
      if (problem !== null) throw new JobFilterError(name, 'onEnqueue', problem, details);
    }
    return Object.keys(metadata).length === 0 ? undefined : { ...metadata };
  }

  /**
   * Runs an attempt of a job of `jobType` through the execution hooks of the filters of its
   * type: `invoke` runs the handler, and `contextOf` makes what the hooks see (only when some
   * filter applies). Resolves with what the handler (as the filters let through) resolved with.
   * @throws JobFilterError - a hook threw (the handler's own errors pass through as they are).
   */
  async execute(
    jobType: string,
    contextOf: () => ExecutionFilterContext,
    invoke: () => Promise<unknown>,
  ): Promise<unknown> {
    const filters = this.applying(jobType);
    if (filters.length === 0) return invoke();
    const context = contextOf();
    const details: DocketErrorDetails = {
      jobId: context.jobId,
      jobType: context.jobType,
      queue: context.queue,
      attempt: context.attempt,
    };
    const hookFailed = (name: string, hook: FilterHook, error: unknown) =>
      new JobFilterError(name, hook, messageOf(error), { ...details, cause: error });
    let run = invoke;
    for (const { name, filter } of [...filters].reverse()) {
      const inner = run;
      run = async () => {
        if (filter.beforeExecution) {
          try {
            await filter.beforeExecution(context);
          } catch (error) {
            throw hookFailed(name, 'beforeExecution', error);
          }
        }
        // What `next()` threw passes on as it is; anything else the hook threw is its own.
        let innerError: { error: unknown } | undefined;
        const next = async () => {
          try {
            return await inner();
          } catch (error) {
            innerError = { error };
            throw error;
          }
        };
        let result: unknown;
        try {
          result = filter.onExecute ? await filter.onExecute(context, next) : await next();
        } catch (error) {
          const own = innerError === undefined || innerError.error !== error;
          const failure = own && filter.onExecute ? hookFailed(name, 'onExecute', error) : error;
          if (filter.onExecutionError) {
            try {
              await filter.onExecutionError(context, failure);
            } catch (hookError) {
              throw hookFailed(name, 'onExecutionError', hookError);
            }
          }
          throw failure;
        }
        if (filter.afterExecution) {
          try {
            await filter.afterExecution(context, result);
          } catch (error) {
            throw hookFailed(name, 'afterExecution', error);
          }
        }
        return result;
      };
    }
    return run();
  }

  /**
   * Tells the `onStateChanged` hooks of the changes `events` reports (this process's
   * enqueues, attempts and deletions); returns a function that stops it.
   */
  watch(events: EventBus): () => void {
    // Most job types have no such hook: their events cost a lookup, not a change and a promise.
    const tell = (jobType: string, change: () => JobStateChange) => {
      let filters: readonly RunningFilter[];
      try {
        filters = this.applying(jobType).filter((f) => f.filter.onStateChanged);
      } catch (error) {
        events.emit('error', {
          error: asError(error),
          context: 'resolving the job filters failed',
        });
        return;
      }
      if (filters.length > 0) void this.stateChanged(filters, change(), events);
    };
    const stops = [
      events.on('job.enqueued', (e) =>
        tell(e.jobType, () => ({ ...base(e), state: 'enqueued', dueAt: e.dueAt })),
      ),
      events.on('job.started', (e) =>
        tell(e.jobType, () => ({
          ...base(e),
          state: 'processing',
          attempt: e.attempt,
          serverId: e.serverId,
        })),
      ),
      events.on('job.succeeded', (e) =>
        tell(e.jobType, () => ({
          ...base(e),
          state: 'succeeded',
          attempt: e.attempt,
          durationMs: e.durationMs,
        })),
      ),
      events.on('job.retried', (e) =>
        tell(e.jobType, () => ({
          ...base(e),
          state: 'retrying',
          attempt: e.attempt,
          error: e.error,
          nextAttemptAt: e.nextAttemptAt,
        })),
      ),
      events.on('job.failed', (e) =>
        tell(e.jobType, () => ({
          ...base(e),
          state: 'failed',
          attempt: e.attempt,
          error: e.error,
        })),
      ),
      events.on('job.deleted', (e) =>
        tell(e.jobType, () => ({ ...base(e), state: 'deleted', wasRunning: e.wasRunning })),
      ),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Tells `filters` (those with an `onStateChanged` hook) of `change`, one after another. */
  private async stateChanged(
    filters: readonly RunningFilter[],
    change: JobStateChange,
    events: EventBus,
  ): Promise<void> {
    for (const { name, filter } of filters) {
      try {
        await filter.onStateChanged!(change);
      } catch (error) {
        const failure = new JobFilterError(name, 'onStateChanged', messageOf(error), {
          jobId: change.jobId,
          jobType: change.jobType,
          queue: change.queue,
          cause: error,
        });
        events.emit('error', {
          error: failure,
          context: `job filter '${name}' failed on job ${change.jobId} entering '${change.state}'`,
        });
      }
    }
  }

  /** The filters that apply to `jobType`, in run order (worked out once per type). */
  private applying(jobType: string): readonly RunningFilter[] {
    let filters = this.byType.get(jobType);
    if (filters === undefined) {
      filters = this.all().filter(({ types }) => types === null || types.has(jobType));
      this.byType.set(jobType, filters);
    }
    return filters;
  }

  private all(): readonly RunningFilter[] {
    if (this.running !== undefined) return this.running;
    const fromOptions = this.entries.map((entry, i) => {
      const filter = typeof entry === 'function' ? this.construct(entry, `filters[${i}]`) : entry;
      checkFilter(`filters[${i}]`, filter);
      return filter;
    });
    const fromContainer = this.container.isRegistered(DOCKET_FILTER, true)
      ? this.container.resolveAll(DOCKET_FILTER)
      : [];
    fromContainer.forEach((filter, i) => checkFilter(`DOCKET_FILTER[${i}]`, filter));
    const ordered = [...fromOptions, ...fromContainer]
      .map((filter, index) => ({ filter, index }))
      // Array.prototype.sort is stable: equal orders keep their registration order.
      .sort((a, b) => (a.filter.order ?? 0) - (b.filter.order ?? 0))
      .map(({ filter }) => ({
        name: filter.name ?? (filter.constructor?.name || 'anonymous'),
        filter,
        types: filter.jobTypes ? new Set(filter.jobTypes) : null,
      }));
    this.running = ordered;
    return ordered;
  }

  private construct(entry: DocketFilterClass, path: string): DocketFilter {
    try {
      return this.container.resolve(entry);
    } catch (error) {
      if (error instanceof DocketError) throw error;
      throw new InvalidOptionsError(
        `${path}: the container could not construct ${entry.name || 'the filter class'}: ${messageOf(error)}`,
        { option: path, cause: error },
      );
    }
  }
}

const base = (event: JobEventBase) => ({
  jobId: event.jobId,
  jobType: event.jobType,
  queue: event.queue,
});

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
