import { validate, type ValidationError } from 'class-validator';
import { JobValidationError, type ValidationIssue } from '../errors';
import { describeThrown, isDocketError } from '../options/option-checks';
import type { IJob } from './job.interface';

/** The issue reported for an own `constructor` field (see {@link validateJob}). */
const SHADOWED_CLASS: ValidationIssue = {
  path: 'constructor',
  constraints: {
    notShadowingClass:
      "a field named 'constructor' hides the job's class, and with it every validation " +
      'rule; rename the field',
  },
};

/**
 * Validates a job instance against its class-validator decorators (nested objects with
 * `@ValidateNested()` included) and reports every failed rule at once.
 *
 * Runs class-validator with `forbidUnknownValues: true`, so a nested value that is not an
 * instance of a validated class (a plain object where `@Type(() => Address)` was forgotten)
 * fails; a job class with no rules at all passes.
 *
 * Issue paths are dotted, with array indexes in brackets: `address.city`, `items[0].sku`.
 * A failure of a nested value as a whole (an unknown value) is reported at its own path.
 *
 * class-validator finds a job's rules through `job.constructor`: a job with an own field of
 * that name would pass whatever it holds, so it is an issue at `constructor`. What the
 * job's own code throws while it is read (a decorated getter, a Proxy trap) is an issue at
 * `(root)`, with the exception as the error's `cause`.
 *
 * @param job - The job instance (a class instance, not a plain object).
 * @param jobType - Its stable type name, for the error.
 * @throws JobValidationError - listing every issue.
 */
export async function validateJob(job: IJob, jobType: string): Promise<void> {
  let errors: ValidationError[];
  try {
    if (Object.prototype.hasOwnProperty.call(job, 'constructor')) {
      throw new JobValidationError(jobType, [SHADOWED_CLASS]);
    }
    errors = await validate(job, { forbidUnknownValues: true });
  } catch (error) {
    if (isDocketError(error)) throw error;
    const reason = `reading the job threw: ${describeThrown(error)}`;
    throw new JobValidationError(jobType, [{ path: '(root)', constraints: { readable: reason } }], {
      cause: error,
    });
  }
  // With forbidUnknownValues, a class that has no rules at all is reported as an "unknown
  // value" at the root, the one error class-validator reports without a property. Such a job
  // is valid: its fields have no constraints.
  const relevant = errors.filter((error) => error.property !== undefined);
  const issues: ValidationIssue[] = [];
  for (const error of relevant) collectIssues(error, '', issues);
  if (issues.length > 0) throw new JobValidationError(jobType, issues);
}

function collectIssues(
  error: ValidationError,
  parentPath: string,
  issues: ValidationIssue[],
  parentValue?: unknown,
): void {
  const path = childPath(parentPath, error.property, parentValue);
  if (error.constraints !== undefined) {
    issues.push({ path, constraints: error.constraints, value: error.value });
  }
  for (const child of error.children ?? []) collectIssues(child, path, issues, error.value);
}

// class-validator names array elements by their index ('0'); a nested value that failed as
// a whole, reported without a property, belongs to its parent's path.
function childPath(parentPath: string, property: string | undefined, parentValue: unknown): string {
  if (!property) return parentPath;
  if (Array.isArray(parentValue)) return `${parentPath}[${property}]`;
  return parentPath === '' ? property : `${parentPath}.${property}`;
}
