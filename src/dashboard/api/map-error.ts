import {
  BatchNotFoundError,
  DocketClosedError,
  InvalidConcurrencyKeyError,
  InvalidCronExpressionError,
  InvalidOptionsError,
  JobEventsLostError,
  JobNotFoundError,
  JobValidationError,
  NonSerializablePayloadError,
  NonSerializableResultError,
  PayloadTooLargeError,
  ResultTooLargeError,
  RecurringJobNotFoundError,
  StorageError,
  UniqueKeyConflictError,
  DuplicateJobIdError,
  UnknownJobTypeError,
  UnknownQueueError,
} from '../../errors';
import { HttpProblem } from '../http/http-problem';

/** JSON-safe copy of a validation issue's value (it may hold anything the payload held). */
function safeValue(value: unknown): unknown {
  try {
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
  } catch {
    return String(value);
  }
}

/**
 * Turns what a route threw into its answer. Docket's typed errors become 4xx with their
 * structured fields; anything else is a 5xx whose details stay on the server (`reported`).
 */
export function toHttpProblem(error: unknown, report: (error: unknown) => void): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof InvalidOptionsError) {
    return new HttpProblem(
      400,
      'INVALID_INPUT',
      error.message,
      error.option === undefined ? undefined : { field: error.option },
    );
  }
  if (error instanceof JobValidationError) {
    return new HttpProblem(422, 'JOB_VALIDATION', error.message, {
      jobType: error.jobType,
      issues: error.issues.map((issue) => ({
        path: issue.path,
        constraints: issue.constraints,
        value: safeValue(issue.value),
      })),
    });
  }
  if (error instanceof UnknownJobTypeError) return jobTypeProblem('UNKNOWN_JOB_TYPE', error);
  // The handler's key function failed on this payload, or the key given is not a key.
  if (error instanceof InvalidConcurrencyKeyError) {
    return jobTypeProblem('INVALID_CONCURRENCY_KEY', error);
  }
  if (error instanceof NonSerializablePayloadError) {
    return new HttpProblem(422, 'NON_SERIALIZABLE_PAYLOAD', error.message, { path: error.path });
  }
  if (error instanceof PayloadTooLargeError) {
    return new HttpProblem(413, 'PAYLOAD_TOO_LARGE', error.message, {
      sizeBytes: error.sizeBytes,
      limitBytes: error.limitBytes,
    });
  }
  // A result a caller reports (`POST api/jobs/{id}/succeed`) is checked as a handler's is.
  if (error instanceof NonSerializableResultError) {
    return new HttpProblem(422, 'NON_SERIALIZABLE_RESULT', error.message, { path: error.path });
  }
  if (error instanceof ResultTooLargeError) {
    return new HttpProblem(422, 'RESULT_TOO_LARGE', error.message, {
      sizeBytes: error.sizeBytes,
      limitBytes: error.limitBytes,
    });
  }
  if (error instanceof InvalidCronExpressionError) {
    return new HttpProblem(400, 'INVALID_CRON_EXPRESSION', error.message, {
      field: 'cron',
      expression: error.expression,
    });
  }
  if (error instanceof UniqueKeyConflictError) {
    return new HttpProblem(409, 'UNIQUE_KEY_CONFLICT', error.message, {
      uniqueKey: error.uniqueKey,
      ...(error.existingJobId === undefined ? {} : { existingJobId: error.existingJobId }),
    });
  }
  if (error instanceof DuplicateJobIdError) {
    return new HttpProblem(409, 'DUPLICATE_JOB_ID', error.message, { jobId: error.jobId });
  }
  if (error instanceof RecurringJobNotFoundError) {
    return new HttpProblem(404, 'RECURRING_JOB_NOT_FOUND', error.message);
  }
  if (error instanceof BatchNotFoundError) {
    return new HttpProblem(404, 'BATCH_NOT_FOUND', error.message);
  }
  if (error instanceof JobNotFoundError) {
    return new HttpProblem(404, 'JOB_NOT_FOUND', error.message);
  }
  if (error instanceof UnknownQueueError) {
    return new HttpProblem(404, 'UNKNOWN_QUEUE', error.message, { queue: error.queue });
  }
  if (error instanceof DocketClosedError) {
    return new HttpProblem(503, 'DOCKET_CLOSED', error.message);
  }
  if (error instanceof JobEventsLostError) {
    return new HttpProblem(410, 'JOB_EVENTS_LOST', error.message, {
      field: 'after',
      position: error.position,
    });
  }
  report(error);
  if (error instanceof StorageError) {
    return new HttpProblem(503, 'STORAGE_UNAVAILABLE', 'MongoDB could not answer; try again');
  }
  return new HttpProblem(500, 'INTERNAL', 'The dashboard failed to answer; see the server log');
}

/**
 * The answer to a typed error about one part of a request body (`jobs[2].payload`): the one
 * {@link toHttpProblem} gives, with that part named before its message and as
 * `details.field`. For errors of a known type only (a validation, an unknown job type...):
 * none of them is an unexpected failure to report.
 */
export function problemAt(
  field: string,
  error: JobValidationError | NonSerializablePayloadError | UnknownJobTypeError,
): HttpProblem {
  const problem = toHttpProblem(error, () => undefined);
  return new HttpProblem(problem.status, problem.code, `${field}: ${problem.message}`, {
    ...problem.details,
    field,
  });
}

/** A 422 about a job's type, naming it when the error knows it. */
function jobTypeProblem(code: string, error: { message: string; jobType?: string }): HttpProblem {
  const details = error.jobType === undefined ? undefined : { jobType: error.jobType };
  return new HttpProblem(422, code, error.message, details);
}
