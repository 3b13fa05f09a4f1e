import { toStoredPayload } from './job-payload';
import type { IJob } from './job.interface';
import { UnknownJobTypeError } from '../errors';
import { jobTypeOf } from './job-type-registry';
import { validateJob } from './job-validator';

/** A job checked for storage: its stable type name and its payload document. */
export interface StorableJob {
  readonly jobType: string;
  readonly payload: Record<string, unknown>;
}

/**
 * Checks a job for every path that stores one (enqueue, schedule, continuations, recurring
 * definitions) and returns what to store; nothing is written by it.
 *
 * The payload is converted before it is validated: the conversion refuses, with the path,
 * what would mislead or break class-validator: a field named `constructor` hides the class
 * and so every rule, nesting thousands of levels deep exhausts the stack, a getter or Proxy
 * trap throws.
 * @throws UnknownJobTypeError - when `job` is not an instance of a `@Job` class (the class
 *   itself included).
 * @throws NonSerializablePayloadError - naming the path of what cannot be stored.
 * @throws JobValidationError - listing every failed class-validator rule.
 */
export async function toStorableJob(job: IJob): Promise<StorableJob> {
  const jobType = jobTypeOf(job);
  if (typeof job === 'function') {
    // The class carries the type too, but not a payload: validating it would check nothing.
    const name = (job as { name?: unknown }).name;
    const className = typeof name === 'string' && name !== '' ? name : 'JobClass';
    throw new UnknownJobTypeError(
      `${className} is a job class, not a job: pass an instance (new ${className}())`,
    );
  }
  const payload = toStoredPayload(job, jobType);
  await validateJob(job, jobType);
  return { jobType, payload };
}
