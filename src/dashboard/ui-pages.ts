import { API_JOB_STATES, type ApiJobState } from './api-types';

/** The job list of every state: `jobs/all`. */
export const ALL_STATES = 'all';

/**
 * A page of the web UI, read from its path under the dashboard's base path. The server
 * answers 200 for these paths and 404 for any other; the UI shows the page they name.
 */
export type UiPage =
  | {
      readonly page:
        'overview' | 'recurring' | 'servers' | 'queues' | 'enqueue' | 'charts' | 'batches';
    }
  | { readonly page: 'jobs'; readonly state: ApiJobState | typeof ALL_STATES }
  | { readonly page: 'job'; readonly id: string }
  /** One batch: its counts, nested batches, jobs and continuations. */
  | { readonly page: 'batch'; readonly id: string }
  /** Creating a recurring job (`id` null) or editing one. */
  | { readonly page: 'recurring-form'; readonly id: string | null }
  /** A path of a page whose id is malformed percent-encoding (`%E0%A4%A`). */
  | { readonly page: 'invalid-link' };

const SIMPLE_PAGES = new Set(['recurring', 'servers', 'queues', 'enqueue', 'charts', 'batches']);

const isJobState = (value: string): value is ApiJobState =>
  (API_JOB_STATES as readonly string[]).includes(value);

/** A path segment decoded; null for a malformed or empty one. */
function decodedSegment(segment: string): string | null {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded === '' ? null : decoded;
  } catch {
    return null;
  }
}

/** The page at `rest`, the path under the base path; null when there is none. */
export function uiPageAt(rest: string): UiPage | null {
  if (rest === '') return { page: 'overview' };
  if (SIMPLE_PAGES.has(rest)) return { page: rest as 'recurring' };
  if (rest === 'recurring/new') return { page: 'recurring-form', id: null };
  const parts = rest.split('/');
  const withId = (page: 'job' | 'batch' | 'recurring-form', segment: string): UiPage => {
    const id = decodedSegment(segment);
    return id === null ? { page: 'invalid-link' } : { page, id };
  };
  if (parts.length === 2) {
    const [first, second] = parts;
    if (first === 'jobs' && (second === ALL_STATES || isJobState(second))) {
      return { page: 'jobs', state: second };
    }
    if (first === 'job' && second !== '') return withId('job', second);
    if (first === 'batches' && second !== '') return withId('batch', second);
  }
  if (parts.length === 3 && parts[0] === 'recurring' && parts[1] === 'edit' && parts[2] !== '') {
    return withId('recurring-form', parts[2]);
  }
  return null;
}
