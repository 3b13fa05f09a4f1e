import { API_JOB_STATES, type ApiJobState } from '../../../../src/dashboard/api-types';

/** Filters of a job list, from its URL's query. */
export interface JobFilters {
  readonly queue: string;
  readonly type: string;
  readonly search: string;
}

/** The page a URL names. */
export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'jobs'; readonly state: ApiJobState; readonly filters: JobFilters }
  | { readonly page: 'job'; readonly id: string }
  | { readonly page: 'recurring' | 'servers' | 'queues' }
  | { readonly page: 'invalid-link' | 'not-found' };

export const FILTER_NAMES = ['queue', 'type', 'search'] as const;

const isJobState = (value: string): value is ApiJobState =>
  (API_JOB_STATES as readonly string[]).includes(value);

/** A path segment decoded, or null for a malformed one (a truncated `%E0%A4%A`). */
function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Reads the page from a URL under `base` (the same paths the server answers 200 for). */
export function parseRoute(base: string, pathname: string, search: string): Route {
  if (!pathname.startsWith(base)) return { page: 'not-found' };
  const rest = pathname.slice(base.length);
  if (rest === '') return { page: 'overview' };
  if (rest === 'recurring' || rest === 'servers' || rest === 'queues') return { page: rest };
  const parts = rest.split('/');
  if (parts.length !== 2 || parts[1] === '') return { page: 'not-found' };
  const [first, second] = parts;
  if (first === 'jobs' && isJobState(second)) {
    const query = new URLSearchParams(search);
    const value = (name: string) => query.get(name) ?? '';
    return {
      page: 'jobs',
      state: second,
      filters: { queue: value('queue'), type: value('type'), search: value('search') },
    };
  }
  if (first === 'job') {
    const id = decodedSegment(second);
    return id === null ? { page: 'invalid-link' } : { page: 'job', id };
  }
  return { page: 'not-found' };
}

/** The href of a page, under `base`; path segments are encoded. */
export const hrefs = {
  overview: (base: string) => base,
  jobs: (base: string, state: ApiJobState, filters: Partial<JobFilters> = {}) => {
    const query = new URLSearchParams();
    for (const name of FILTER_NAMES) {
      const value = filters[name]?.trim();
      if (value) query.set(name, value);
    }
    const qs = query.toString();
    return `${base}jobs/${state}${qs ? `?${qs}` : ''}`;
  },
  job: (base: string, id: string) => `${base}job/${encodeURIComponent(id)}`,
  recurring: (base: string) => `${base}recurring`,
  servers: (base: string) => `${base}servers`,
  queues: (base: string) => `${base}queues`,
};
