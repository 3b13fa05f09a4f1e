import { BATCH_LIMITS } from '../../batches/batch-plan';
import type {
  BatchContinuationItem,
  BatchContinuationOptions,
  BatchJobItem,
  BatchSpec,
} from '../../batches/batch-types';
import {
  InvalidOptionsError,
  JobValidationError,
  NonSerializablePayloadError,
  UnknownJobTypeError,
} from '../../errors';
import { toStorableJob, type IJob } from '../../jobs';
import { checkPlainObject, describeValue, isPlainObject } from '../../options/option-checks';
import { checkFields } from './api-params';
import { jobFromRequest } from './job-from-request';
import { problemAt } from './map-error';

/** The fields of a batch in a body: `POST api/batches`, and each of its `batches`. */
export const BATCH_FIELDS = ['description', 'jobs', 'batches', 'continuations', 'options'];

/** The fields of one job of a batch. */
export const BATCH_JOB_FIELDS = ['type', 'payload', 'options'];

/** The fields of a continuation: in a batch's body, or `POST api/batches/{id}/continuations`. */
export const CONTINUATION_FIELDS = ['type', 'payload', 'on', 'options'];

/** The options a continuation takes (a batch job's, but `delayMs`). */
export const CONTINUATION_OPTION_FIELDS = ['queue', 'priority', 'maxAttempts', 'timeoutMs'];

/**
 * The batch a body describes, jobs built by their type names. Each job is checked here
 * against its class's rules, so that an error names it (`batches[0].jobs[2].payload`);
 * everything else (options, description, sizes, nesting) is left to `createBatch`, which
 * checks all of it before it writes anything: pass its errors through {@link inBodyTerms}.
 * @throws HttpProblem - 400 for an unknown field, 422 for an unknown type or an invalid
 *   payload, naming the field.
 * @throws InvalidOptionsError - naming the field of a job that is not an object, or an
 *   invalid `type` or `payload`.
 */
export function batchSpecFromRequest(body: Readonly<Record<string, unknown>>): Promise<BatchSpec> {
  return readBatch(body, '', 0);
}

/**
 * A continuation of `POST api/batches/{id}/continuations`: its job, and its options as
 * `continueBatchWith` takes them.
 * @throws HttpProblem / InvalidOptionsError - naming the field.
 */
export function continuationFromRequest(body: Readonly<Record<string, unknown>>): {
  job: IJob;
  options: BatchContinuationOptions;
} {
  const { type, payload, on, options } = body;
  const job = jobFromRequest(type, payload);
  const given = options === undefined ? {} : checkPlainObject('options', options);
  checkFields(given, 'options.', CONTINUATION_OPTION_FIELDS);
  return {
    job,
    options: { ...given, ...(on === undefined ? {} : { on }) } as BatchContinuationOptions,
  };
}

/**
 * An error of `createBatch` in the terms of the body. The scheduler names the parts of a
 * batch from their root, `spec` (`spec.jobs[2].options.queue`); the body is that root
 * (`jobs[2].options.queue`). Its messages name the part first, or not at all.
 */
export function inBodyTerms(error: unknown): unknown {
  if (!(error instanceof InvalidOptionsError) || !/^spec\b/.test(error.option ?? '')) {
    return error;
  }
  const option = error.option!.replace(/^spec\.?/, '');
  const message = error.message.startsWith('spec.')
    ? error.message.slice('spec.'.length)
    : error.message.replace(/^spec\b/, 'the batch');
  return new InvalidOptionsError(message, {
    ...(option === '' ? {} : { option }),
    cause: error,
  });
}

/**
 * An error of `continueBatchWith` in the terms of the body: it names a continuation's
 * options alone (`queue`), the body has them under `options`.
 */
export function continuationInBodyTerms(error: unknown): unknown {
  if (
    !(error instanceof InvalidOptionsError) ||
    !CONTINUATION_OPTION_FIELDS.includes(error.option ?? '')
  ) {
    return error;
  }
  return new InvalidOptionsError(`options: ${error.message}`, {
    option: `options.${error.option}`,
    cause: error,
  });
}

async function readBatch(value: unknown, at: string, depth: number): Promise<BatchSpec> {
  // What is not a batch object, or nests deeper than batches may, is left as it is for
  // `createBatch` to refuse, naming it.
  if (!isPlainObject(value) || depth > BATCH_LIMITS.depth) return value as BatchSpec;
  checkFields(value, at, BATCH_FIELDS);
  const { jobs, batches, continuations, ...rest } = value;
  const spec: Record<string, unknown> = { ...rest };
  if (jobs !== undefined) {
    spec.jobs = await mapItems(jobs, `${at}jobs`, readJob);
  }
  if (continuations !== undefined) {
    spec.continuations = await mapItems(continuations, `${at}continuations`, readContinuation);
  }
  if (batches !== undefined) {
    spec.batches = await mapItems(batches, `${at}batches`, (item, itemAt) =>
      readBatch(item, `${itemAt}.`, depth + 1),
    );
  }
  return spec as BatchSpec;
}

/** Reads each item of a list; anything but an array is left for `createBatch` to refuse. */
async function mapItems<T>(
  list: unknown,
  at: string,
  read: (item: unknown, itemAt: string) => Promise<T>,
): Promise<unknown> {
  if (!Array.isArray(list)) return list;
  const items: T[] = [];
  for (let i = 0; i < list.length; i++) items.push(await read(list[i], `${at}[${i}]`));
  return items;
}

async function readJob(item: unknown, at: string): Promise<BatchJobItem> {
  const fields = objectAt(item, at, '{ type, payload, options? }');
  checkFields(fields, `${at}.`, BATCH_JOB_FIELDS);
  const job = await checkedJob(fields.type, fields.payload, `${at}.`);
  return fields.options === undefined
    ? { job }
    : { job, options: fields.options as BatchJobItem['options'] };
}

async function readContinuation(item: unknown, at: string): Promise<BatchContinuationItem> {
  const fields = objectAt(item, at, '{ type, payload, on?, options? }');
  checkFields(fields, `${at}.`, CONTINUATION_FIELDS);
  const job = await checkedJob(fields.type, fields.payload, `${at}.`);
  return {
    job,
    ...(fields.on === undefined ? {} : { on: fields.on as BatchContinuationItem['on'] }),
    ...(fields.options === undefined
      ? {}
      : { options: fields.options as BatchContinuationItem['options'] }),
  };
}

function objectAt(item: unknown, at: string, shape: string): Record<string, unknown> {
  if (isPlainObject(item)) return item;
  throw new InvalidOptionsError(`${at} must be an object ${shape}, got ${describeValue(item)}`, {
    option: at,
  });
}

/**
 * The job of `type` and `payload`, checked as `createBatch` will check it (which then finds
 * nothing wrong): here its errors name the job's place in the body.
 */
async function checkedJob(type: unknown, payload: unknown, at: string): Promise<IJob> {
  let job: IJob;
  try {
    job = jobFromRequest(type, payload, at);
  } catch (error) {
    if (error instanceof UnknownJobTypeError) throw problemAt(`${at}type`, error);
    throw error;
  }
  try {
    await toStorableJob(job);
  } catch (error) {
    if (
      error instanceof JobValidationError ||
      error instanceof NonSerializablePayloadError ||
      error instanceof UnknownJobTypeError
    ) {
      throw problemAt(`${at}payload`, error);
    }
    throw error;
  }
  return job;
}
