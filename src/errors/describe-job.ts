import type { DocketErrorDetails } from './docket-error';

/** `" 42 (email.send)"`, `" 42"`, `" (email.send)"` or `""`, for messages about one job. */
export function describeJob(details: DocketErrorDetails): string {
  const id = details.jobId === undefined ? '' : ` ${details.jobId}`;
  const type = details.jobType === undefined ? '' : ` (${details.jobType})`;
  return id + type;
}
