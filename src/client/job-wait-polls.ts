import type { ApiFinishedJob, ApiJobState, ApiJobWaitResult } from '../dashboard/api-types';
import { ApiConnectionError, JobDeletedError, JobWaitTimeoutError } from '../errors';
import { checkJobId } from '../options/option-checks';
import { resolveJobWaitOptions, type JobWaitOptions } from '../scheduler/job-wait-options';
import { FINISHED_STATES } from '../storage/job-record';
import { apiUrl, callApi, longestPollMs, type ApiCallConfig } from './api-call';

/**
 * `DocketClient.waitForJob`: asks `GET api/jobs/{id}/wait` again and again, each call within
 * the client's `timeoutMs`, until the job finishes or `options.timeoutMs` passes.
 * @throws what `DocketClient.waitForJob` documents.
 */
export async function pollUntilFinished(
  config: ApiCallConfig,
  id: string,
  options: JobWaitOptions | undefined,
): Promise<ApiFinishedJob> {
  checkJobId('id', id);
  const { timeoutMs, signal } = resolveJobWaitOptions(options);
  signal?.throwIfAborted();
  const startedAt = performance.now();
  const deadline = timeoutMs === null ? Infinity : startedAt + timeoutMs;
  const longestPoll = longestPollMs(config);
  for (;;) {
    const asked = Math.min(Math.max(0, Math.ceil(deadline - performance.now())), longestPoll);
    const path = `jobs/${encodeURIComponent(id)}/wait?timeoutMs=${asked}`;
    const answer = await callApi<ApiJobWaitResult>(
      config,
      'GET',
      path,
      undefined,
      signal ?? undefined,
    );
    const outcome = waitOutcome(answer, apiUrl(config, path));
    if (outcome.finished) return outcome.job;
    if (performance.now() >= deadline) {
      throw new JobWaitTimeoutError({
        jobId: id,
        awaitedStates: FINISHED_STATES,
        lastState: outcome.state,
        waitedMs: Math.round(performance.now() - startedAt),
        timeoutMs: timeoutMs ?? 0,
      });
    }
  }
}

/**
 * What an answer of `GET api/jobs/{id}/wait` says: the finished job, or the state the job is
 * still in.
 * @throws JobDeletedError - when the job ended deleted.
 * @throws ApiConnectionError - when the answer is not a wait result.
 */
function waitOutcome(
  answer: ApiJobWaitResult | null,
  url: string,
): { finished: true; job: ApiFinishedJob } | { finished: false; state: ApiJobState } {
  if (answer?.finished === false && typeof answer.state === 'string') return answer;
  const job = answer?.finished === true ? answer.job : undefined;
  if (job?.state === 'deleted') {
    const details = { jobId: job.id, jobType: job.type, queue: job.queue };
    throw new JobDeletedError(details, 'before it finished');
  }
  if (job?.state === 'succeeded' || job?.state === 'failed') {
    return { finished: true, job: job as ApiFinishedJob };
  }
  throw new ApiConnectionError(`GET ${url} answered something that is not a wait result`, url);
}
