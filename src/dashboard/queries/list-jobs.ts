import { InvalidOptionsError } from '../../errors';
import { resolveJobFilter, type FindJobsOptions, type JobFilter } from '../../job-search';
import type { IJobScheduler } from '../../scheduler/job-scheduler.interface';
import type { ApiJobPage } from '../api-types';
import { badRequest } from '../http/http-problem';
import { toJobSummary } from './to-api';

/**
 * One page of jobs and how many match, through the scheduler's `findJobs` and `countJobs`
 * (run side by side).
 * @throws HttpProblem - 400 `INVALID_CURSOR` for a cursor of another list.
 * @throws InvalidOptionsError - for other invalid filters and options (400 naming the field).
 */
export async function listJobs(
  scheduler: IJobScheduler,
  filter: JobFilter,
  options: FindJobsOptions,
): Promise<ApiJobPage> {
  // Checked here first for errors that name the query parameters (`state`, not the
  // scheduler's `filter.state`); the scheduler's own check then passes.
  resolveJobFilter(filter, '');
  try {
    const [page, total] = await Promise.all([
      scheduler.findJobs(filter, options),
      scheduler.countJobs(filter),
    ]);
    return { items: page.jobs.map(toJobSummary), nextCursor: page.nextCursor, total };
  } catch (error) {
    if (error instanceof InvalidOptionsError && error.option === 'cursor') {
      throw badRequest('INVALID_CURSOR', error.message, { field: 'cursor' });
    }
    throw error;
  }
}
