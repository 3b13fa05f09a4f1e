import { ObjectId } from 'mongodb';
import { InvalidOptionsError } from '../errors';
import type { EnqueueSource } from '../filters';
import type { IJob } from '../jobs';
import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  checkString,
  describeValue,
  isPlainObject,
} from '../options/option-checks';
import { resolveEnqueueOptions, type ResolvedEnqueueOptions } from '../scheduler/enqueue-options';
import type { BatchRecord } from '../storage/batch-store';
import type { JobRecord, JobState } from '../storage/job-record';
import type {
  BatchContinuationCondition,
  BatchContinuationItem,
  BatchJobOptions,
  BatchSpec,
} from './batch-types';

/** Limits of one creation, nested batches and continuations included. */
export const BATCH_LIMITS = {
  jobs: 100_000,
  batches: 1_000,
  depth: 20,
  descriptionLength: 500,
} as const;

const SPEC_KEYS = ['description', 'jobs', 'batches', 'continuations', 'options'];
const ITEM_KEYS = ['job', 'options'];
const CONTINUATION_KEYS = ['job', 'on', 'options'];
const OPTION_KEYS = [
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'delayMs',
  'tags',
  'startWithinMs',
];
export const BATCH_CONDITIONS: readonly BatchContinuationCondition[] = ['succeeded', 'finished'];

/** What a batch's jobs are stored as: the scheduler's checks, filters and record. */
export type PrepareJob = (
  job: IJob,
  options: ResolvedEnqueueOptions,
  source: EnqueueSource,
  when: { now: Date; dueAt: Date; state: JobState },
) => Promise<JobRecord>;

/** A checked batch, ready to store: its batches (the outermost first) and all their jobs. */
export interface BatchPlan {
  readonly batches: BatchRecord[];
  readonly jobs: JobRecord[];
}

/** Options of a batch's jobs, checked; `delayMs` apart. */
interface ResolvedBatchJobOptions {
  readonly enqueue: ResolvedEnqueueOptions;
  readonly delayMs: number;
}

/**
 * Checks a {@link BatchSpec} and builds every record it stands for. Nothing is written: a
 * spec with any invalid part is refused whole.
 * @throws InvalidOptionsError - naming the part (`spec.batches[0].jobs[3]`).
 * @throws what `prepare` throws for a job (validation, filters, size).
 */
export async function planBatch(
  spec: BatchSpec,
  prepare: PrepareJob,
  now: Date,
): Promise<BatchPlan> {
  const plan: BatchPlan = { batches: [], jobs: [] };
  const rootId = new ObjectId().toHexString();
  await planOne(spec, 'spec', { rootId, parentId: null, depth: 0, inherited: undefined }, plan, {
    prepare,
    now,
  });
  return plan;
}

interface Place {
  readonly rootId: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly inherited: BatchJobOptions | undefined;
}

interface Context {
  readonly prepare: PrepareJob;
  readonly now: Date;
}

async function planOne(
  spec: BatchSpec,
  name: string,
  place: Place,
  plan: BatchPlan,
  context: Context,
): Promise<void> {
  checkPlainObject(name, spec);
  checkKnownKeys(name, spec, SPEC_KEYS);
  if (place.depth >= BATCH_LIMITS.depth) {
    throw new InvalidOptionsError(
      `${name}: batches nest ${BATCH_LIMITS.depth} levels deep at most`,
      { option: name },
    );
  }
  const id = place.depth === 0 ? place.rootId : new ObjectId().toHexString();
  const jobs = listOf(`${name}.jobs`, spec.jobs);
  const nested = listOf(`${name}.batches`, spec.batches);
  const continuations = listOf(`${name}.continuations`, spec.continuations);
  if (jobs.length + nested.length === 0) {
    throw new InvalidOptionsError(`${name} holds no job and no batch: give it at least one`, {
      option: `${name}.jobs`,
    });
  }
  const defaults = spec.options === undefined ? place.inherited : spec.options;
  // Checked once here, so that an invalid default is named as the batch's own option.
  resolveBatchJobOptions(`${name}.options`, defaults, undefined);
  const record: BatchRecord = {
    _id: id,
    state: 'creating',
    description:
      spec.description === undefined
        ? null
        : checkString(`${name}.description`, spec.description, {
            maxLength: BATCH_LIMITS.descriptionLength,
          }),
    parentBatchId: place.parentId,
    rootBatchId: place.rootId,
    total: jobs.length + nested.length,
    succeeded: 0,
    failed: 0,
    deleted: 0,
    continuations: continuations.length,
    createdAt: context.now,
    startedAt: null,
    finishedAt: null,
    countedAt: context.now,
    expireAt: null,
  };
  plan.batches.push(record);
  if (plan.batches.length > BATCH_LIMITS.batches) {
    throw new InvalidOptionsError(`a batch holds ${BATCH_LIMITS.batches} batches at most`, {
      option: name,
    });
  }
  for (let i = 0; i < jobs.length; i++) {
    const at = `${name}.jobs[${i}]`;
    const { job, options } = readItem(at, jobs[i]);
    const resolved = resolveBatchJobOptions(`${at}.options`, options, defaults);
    const dueAt = new Date(context.now.getTime() + resolved.delayMs);
    const state: JobState = resolved.delayMs > 0 ? 'scheduled' : 'enqueued';
    const source: EnqueueSource = resolved.delayMs > 0 ? 'schedule' : 'enqueue';
    const stored = await context.prepare(job, resolved.enqueue, source, {
      now: context.now,
      dueAt,
      state,
    });
    pushJob(plan, { ...stored, batchId: id }, name);
  }
  for (let i = 0; i < continuations.length; i++) {
    const at = `${name}.continuations[${i}]`;
    const item = readContinuation(at, continuations[i]);
    const resolved = resolveBatchJobOptions(`${at}.options`, item.options, undefined);
    if (resolved.delayMs !== 0) {
      throw new InvalidOptionsError(
        `${at}.options.delayMs: a continuation runs when its batch ends`,
        {
          option: `${at}.options.delayMs`,
        },
      );
    }
    const stored = await context.prepare(item.job, resolved.enqueue, 'continuation', {
      now: context.now,
      dueAt: context.now,
      state: 'awaiting',
    });
    pushJob(plan, { ...stored, awaitsBatch: id, batchCondition: item.on }, name);
  }
  for (let i = 0; i < nested.length; i++) {
    await planOne(
      nested[i] as BatchSpec,
      `${name}.batches[${i}]`,
      { rootId: place.rootId, parentId: id, depth: place.depth + 1, inherited: defaults },
      plan,
      context,
    );
  }
}

function pushJob(plan: BatchPlan, job: JobRecord, name: string): void {
  plan.jobs.push(job);
  if (plan.jobs.length > BATCH_LIMITS.jobs) {
    throw new InvalidOptionsError(
      `a batch holds ${BATCH_LIMITS.jobs} jobs at most (continuations and nested batches included)`,
      { option: name },
    );
  }
}

function listOf(name: string, value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new InvalidOptionsError(`${name} must be an array, got ${describeValue(value)}`, {
      option: name,
    });
  }
  return [...(value as unknown[])];
}

/** A job, or `{ job, options }` (a plain object: a job is an instance of a `@Job` class). */
function readItem(
  name: string,
  item: unknown,
): { job: IJob; options: BatchJobOptions | undefined } {
  if (!isPlainObject(item)) return { job: item as IJob, options: undefined };
  checkKnownKeys(name, item, ITEM_KEYS);
  return { job: item.job as IJob, options: item.options as BatchJobOptions | undefined };
}

function readContinuation(
  name: string,
  item: unknown,
): { job: IJob; on: BatchContinuationCondition; options: BatchJobOptions | undefined } {
  checkPlainObject(name, item);
  checkKnownKeys(name, item as object, CONTINUATION_KEYS);
  const { job, on, options } = item as BatchContinuationItem;
  return {
    job,
    on: on === undefined ? 'succeeded' : checkOneOf(`${name}.on`, on, BATCH_CONDITIONS),
    options,
  };
}

/**
 * A job's options over the batch's: each option the job leaves out is the batch's.
 * @throws InvalidOptionsError - naming the option.
 */
function resolveBatchJobOptions(
  name: string,
  options: BatchJobOptions | undefined,
  defaults: BatchJobOptions | undefined,
): ResolvedBatchJobOptions {
  const own = options === undefined ? {} : checkPlainObject(name, options);
  checkKnownKeys(name, own, OPTION_KEYS);
  const merged = { ...(defaults ?? {}), ...own } as BatchJobOptions;
  const { delayMs, ...enqueue } = merged;
  let resolved: ResolvedEnqueueOptions;
  try {
    resolved = resolveEnqueueOptions(enqueue);
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    throw new InvalidOptionsError(`${name}: ${error.message}`, {
      option: `${name}.${error.option ?? ''}`.replace(/\.$/, ''),
    });
  }
  return {
    enqueue: resolved,
    delayMs:
      delayMs === undefined
        ? 0
        : checkInteger(`${name}.delayMs`, delayMs, { min: 0, max: 2_147_483_647 }),
  };
}
