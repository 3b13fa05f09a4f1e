import type { ApiJobQuery } from '../dashboard/api-search-types';
import type { ApiJobPage, ApiJobSummary } from '../dashboard/api-types';
import { ApiConnectionError } from '../errors';
import { apiUrl, callApi, type ApiCallConfig } from './api-call';
import { ApiCursorLoopError } from './api-cursor-loop.error';
import { jobsPath } from './jobs-path';

/**
 * `DocketClient.iterateJobs`: every job matching `query`, page after page.
 * @throws ApiCursorLoopError - when a page's `nextCursor` is one already followed.
 * @throws ApiConnectionError - when an answer is not a page of jobs.
 */
export async function* jobsPageByPage(
  config: ApiCallConfig,
  query: Omit<ApiJobQuery, 'cursor'>,
): AsyncGenerator<ApiJobSummary> {
  const followed = new Set<string>();
  let cursor: string | null = null;
  do {
    const path = jobsPath({ ...query, ...(cursor === null ? {} : { cursor }) });
    const page: ApiJobPage = await callApi(config, 'GET', path);
    const next: unknown = page?.nextCursor;
    if (!Array.isArray(page?.items) || (next !== null && typeof next !== 'string')) {
      const url = apiUrl(config, path);
      throw new ApiConnectionError(`GET ${url} answered something that is not a page of jobs`, url);
    }
    yield* page.items;
    if (next !== null && followed.has(next)) {
      throw new ApiCursorLoopError({ status: 200, method: 'GET', url: apiUrl(config, path) }, next);
    }
    if (next !== null) followed.add(next);
    cursor = next;
  } while (cursor !== null);
}
