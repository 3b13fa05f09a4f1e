import {
  API_HISTORY_RANGES,
  API_JOB_STATES,
  type ApiHistoryRange,
  type ApiJobState,
} from '../../../../src/dashboard/api-types';

/** Filters of a job list, from its URL's query. */
export interface JobFilters {
  readonly queue: string;
  readonly type: string;
  readonly search: string;
}

/** What the charts show, from their URL's query: a range, and a queue and a type or all. */
export interface ChartFilters {
  readonly range: ApiHistoryRange;
  /** A queue name; empty for every queue. */
  readonly queue: string;
  /** A job type; empty for every type. */
  readonly type: string;
}

/** The page a URL names. */
export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'jobs'; readonly state: ApiJobState; readonly filters: JobFilters }
  | { readonly page: 'job'; readonly id: string }
  | { readonly page: 'charts'; readonly filters: ChartFilters }
  | { readonly page: 'recurring' | 'servers' | 'queues' }
  | { readonly page: 'invalid-link' | 'not-found' };

export const FILTER_NAMES = ['queue', 'type', 'search'] as const;

const isJobState = (value: string): value is ApiJobState =>
  (API_JOB_STATES as readonly string[]).includes(value);

const isHistoryRange = (value: string | null): value is ApiHistoryRange =>
  (API_HISTORY_RANGES as readonly (string | null)[]).includes(value);

/** The charts' filters from a query string; a range the API does not know reads as the default. */
function chartFilters(search: string): ChartFilters {
  const query = new URLSearchParams(search);
  const range = query.get('range');
  return {
    range: isHistoryRange(range) ? range : 'lastHour',
    queue: query.get('queue') ?? '',
    type: query.get('type') ?? '',
  };
}

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
  if (rest === 'charts') return { page: 'charts', filters: chartFilters(search) };
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
  /** The charts; the default range and empty names are left out of the query. */
  charts: (base: string, filters: Partial<ChartFilters> = {}) => {
    const query = new URLSearchParams();
    if (filters.range !== undefined && filters.range !== 'lastHour')
      query.set('range', filters.range);
    if (filters.queue) query.set('queue', filters.queue);
    if (filters.type) query.set('type', filters.type);
    const qs = query.toString();
    return `${base}charts${qs ? `?${qs}` : ''}`;
  },
};
