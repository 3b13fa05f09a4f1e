import { JobExpiredError } from '../errors/job-expired.error';
import type { DocketErrorDetails } from '../errors';
import type { ResolvedJobHandlerOptions } from '../handlers/job-handler-options';
import type { JobRecord } from '../storage/job-record';
import type { AttemptOutcome } from '../storage/job-store';
import { toErrorInfo } from './error-info';

/*
 * Expiry of jobs that did not start in time. It is decided after the claim, by the attempt
 * itself, before anything of the handler runs: the claim query stays as it is (no condition,
 * no index), and no race can let an expired job reach its handler, since the one place that
 * could start the handler is the one that checks. Deciding it by the worker's clock matches
 * the due time, which is the application's clock too (docs/design.md, guarantee 8).
 */

/**
 * The error to fail `job` with when it was taken more than its `startWithinMs` after its
 * due time (its own, else its handler's); null when it may start (or has no such limit).
 */
export function startDeadlinePassed(
  job: Pick<JobRecord, 'dueAt' | 'startWithinMs'>,
  options: Pick<ResolvedJobHandlerOptions, 'startWithinMs'>,
  now: Date,
  details: DocketErrorDetails,
): JobExpiredError | null {
  const startWithinMs = job.startWithinMs ?? options.startWithinMs;
  if (startWithinMs === undefined) return null;
  if (now.getTime() - job.dueAt.getTime() <= startWithinMs) return null;
  return new JobExpiredError(startWithinMs, job.dueAt, now, details);
}

/** The outcome of an expired attempt: failed for good, saying why, the handler never run. */
export function expiredOutcome(expired: JobExpiredError): AttemptOutcome {
  return {
    state: 'failed',
    durationMs: 0,
    error: toErrorInfo(expired),
    reason: `expired: not started within ${expired.startWithinMs} ms of its due time`,
  };
}
