import 'reflect-metadata';
import { JOB_TYPE_METADATA } from '../constants';
import { DuplicateJobTypeError, UnknownJobTypeError } from '../errors';
import { describeThrown, describeValue, isDocketError } from '../options/option-checks';
import type { JobClass } from './job.interface';

/*
 * The process-wide map from stable job type names to job classes, filled by `@Job` at class
 * definition time. It must be global: a job class is decorated once, when its module loads,
 * and a loaded job document names only its type.
 */
const classesByType = new Map<string, JobClass>();

/**
 * Records `jobClass` under `jobType`. Recording the same class under the same name again
 * is a no-op (modules re-evaluated by a test runner, for instance).
 * @throws DuplicateJobTypeError - when another class already holds `jobType`.
 * @internal Called by `@Job`; not part of the public API.
 */
export function registerJobType(jobType: string, jobClass: JobClass): void {
  const existing = classesByType.get(jobType);
  if (existing !== undefined && existing !== jobClass) {
    throw new DuplicateJobTypeError(jobType, existing.name, jobClass.name);
  }
  classesByType.set(jobType, jobClass);
}

/**
 * The stable job type name of a job instance or job class, as given to `@Job('name')`.
 * Only a class's own decoration counts: a subclass of a job class is not a job until it is
 * decorated with its own name.
 * @throws UnknownJobTypeError - for null, primitives, plain objects, arrays and instances or
 *   classes not decorated with `@Job`, and for a Proxy whose traps throw (its exception is
 *   the error's `cause`).
 */
export function jobTypeOf(jobOrClass: object): string {
  const jobClass = classOf(jobOrClass);
  const jobType: unknown = Reflect.getOwnMetadata(JOB_TYPE_METADATA, jobClass);
  if (typeof jobType !== 'string') {
    throw new UnknownJobTypeError(
      `${jobClass.name || 'This anonymous class'} is not a job class: ` +
        "decorate it with @Job('stable.name')",
    );
  }
  return jobType;
}

/** The class registered under a stable job type name, or `undefined` if none is loaded. */
export function jobClassFor(name: string): JobClass | undefined {
  return classesByType.get(name);
}

/** Every registered job type name, in registration order. */
export function registeredJobTypes(): string[] {
  return [...classesByType.keys()];
}

function classOf(jobOrClass: unknown): JobClass {
  try {
    return inspectClassOf(jobOrClass);
  } catch (error) {
    // A Proxy's getPrototypeOf trap, or a revoked Proxy, throws at the first look.
    if (isDocketError(error)) throw error;
    throw new UnknownJobTypeError(
      `The job could not be inspected: reading its class threw: ${describeThrown(error)}`,
      { cause: error },
    );
  }
}

// A "class" for this purpose is any function with a prototype: arrow functions and
// methods are not constructible and are reported as not being job classes.
function inspectClassOf(jobOrClass: unknown): JobClass {
  if (typeof jobOrClass === 'function') return jobOrClass as JobClass;
  if (typeof jobOrClass !== 'object' || jobOrClass === null || Array.isArray(jobOrClass)) {
    throw new UnknownJobTypeError(
      `${describeValue(jobOrClass)} is not a job: pass an instance of a class decorated with ` +
        "@Job('stable.name')",
    );
  }
  const prototype: unknown = Object.getPrototypeOf(jobOrClass);
  const ctor: unknown =
    prototype === null ? undefined : (prototype as { constructor?: unknown }).constructor;
  if (prototype === null || ctor === Object || typeof ctor !== 'function') {
    throw new UnknownJobTypeError(
      "A plain object is not a job: create an instance of a class decorated with @Job('stable.name')",
    );
  }
  return ctor as JobClass;
}
