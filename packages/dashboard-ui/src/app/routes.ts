import { API_BATCH_STATES, type ApiBatchState } from '../../../../src/dashboard/api-batch-types';
import type { ApiJobSortField } from '../../../../src/dashboard/api-search-types';
import {
  API_HISTORY_RANGES,
  type ApiHistoryRange,
  type ApiJobState,
} from '../../../../src/dashboard/api-types';
import { ALL_STATES, uiPageAt } from '../../../../src/dashboard/ui-pages';

/** The state of a job list: one state, or `all`. */
export type ListState = ApiJobState | typeof ALL_STATES;

/** The filters of a job list, named as `GET api/jobs` names them; in the page's URL too. */
export const FILTER_NAMES = [
  'idPrefix',
  'typePrefix',
  'type',
  'queue',
  'batch',
  'errorContains',
  'tag',
  'deadLettered',
  'createdFrom',
  'createdTo',
  'finishedFrom',
  'finishedTo',
  'dueFrom',
  'dueTo',
] as const;

export type FilterName = (typeof FILTER_NAMES)[number];

/** The prefix of payload filters in a URL's query: `payload.customer.id=42`. */
export const PAYLOAD_PREFIX = 'payload.';

/** What a job list shows: its filters, order and page, all in its URL. */
export interface JobListQuery {
  readonly filters: Readonly<Partial<Record<FilterName, string>>>;
  /** Payload field paths and the values they must hold. */
  readonly payload: readonly (readonly [string, string])[];
  /** Empty for the list's default order. */
  readonly sort: ApiJobSortField | '';
  readonly direction: 'asc' | 'desc' | '';
  /** The page's cursor (`nextCursor` of the page before); empty on the first page. */
  readonly cursor: string;
  /** The page's number, from 1 (shown; the cursor decides what the page holds). */
  readonly pageNumber: number;
}

/** What the charts show, from their URL's query: a range, and a queue and a type or all. */
export interface ChartFilters {
  readonly range: ApiHistoryRange;
  /** A queue name; empty for every queue. */
  readonly queue: string;
  /** A job type; empty for every type. */
  readonly type: string;
}

/**
 * What the list of batches shows, from its URL's query: a state or all, the batches nested
 * in one or all, and its page.
 */
export interface BatchListQuery {
  /** A batch state; empty for every state. */
  readonly state: ApiBatchState | '';
  /** The id of the batch they are nested in; empty for every batch. */
  readonly parent: string;
  /** The page's cursor (`nextCursor` of the page before); empty on the first page. */
  readonly cursor: string;
  /** The page's number, from 1. */
  readonly pageNumber: number;
}

/** The page a URL names. */
export type Route =
  | { readonly page: 'overview' | 'recurring' | 'servers' | 'queues' }
  | { readonly page: 'jobs'; readonly state: ListState; readonly query: JobListQuery }
  | { readonly page: 'job'; readonly id: string }
  | { readonly page: 'batches'; readonly query: BatchListQuery }
  | { readonly page: 'batch'; readonly id: string }
  | { readonly page: 'enqueue'; readonly type: string }
  | { readonly page: 'charts'; readonly filters: ChartFilters }
  | { readonly page: 'recurring-form'; readonly id: string | null }
  | { readonly page: 'invalid-link' | 'not-found' };

const SORT_FIELDS: readonly string[] = ['id', 'createdAt', 'dueAt', 'finishedAt'];

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

/** A page number from a URL: only a page after the first has a cursor, and a number > 1. */
function pageNumberOf(params: URLSearchParams, cursor: string): number {
  const pageNumber = Number(params.get('page'));
  return cursor !== '' && Number.isSafeInteger(pageNumber) && pageNumber > 1 ? pageNumber : 1;
}

/** The list of batches' query from a URL's query string (an unknown state reads as all). */
export function readBatchListQuery(search: string): BatchListQuery {
  const params = new URLSearchParams(search);
  const state = params.get('state') ?? '';
  const cursor = params.get('cursor') ?? '';
  return {
    state: (API_BATCH_STATES as readonly string[]).includes(state) ? (state as ApiBatchState) : '',
    parent: params.get('parent')?.trim() ?? '',
    cursor,
    pageNumber: pageNumberOf(params, cursor),
  };
}

/** The job list's query from a URL's query string (unknown names and bad values ignored). */
export function readListQuery(search: string): JobListQuery {
  const params = new URLSearchParams(search);
  const filters: Partial<Record<FilterName, string>> = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  // `search` is what links made before the id prefix had its own name.
  const older = params.get('search')?.trim();
  if (older && filters.idPrefix === undefined) filters.idPrefix = older;
  const payload: [string, string][] = [];
  for (const [name, value] of params) {
    const path = name.slice(PAYLOAD_PREFIX.length);
    if (name.startsWith(PAYLOAD_PREFIX) && path !== '') payload.push([path, value]);
  }
  const sort = params.get('sort') ?? '';
  const direction = params.get('direction') ?? '';
  const cursor = params.get('cursor') ?? '';
  return {
    filters,
    payload,
    sort: SORT_FIELDS.includes(sort) ? (sort as ApiJobSortField) : '',
    direction: direction === 'asc' || direction === 'desc' ? direction : '',
    cursor,
    pageNumber: pageNumberOf(params, cursor),
  };
}

/** The query string of a job list (without `?`), in the order the form shows the fields. */
export function listQueryString(query: Partial<JobListQuery>): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = query.filters?.[name]?.trim();
    if (value) params.set(name, value);
  }
  for (const [path, value] of query.payload ?? []) {
    if (path.trim() !== '') params.append(`${PAYLOAD_PREFIX}${path.trim()}`, value);
  }
  if (query.sort) params.set('sort', query.sort);
  if (query.direction) params.set('direction', query.direction);
  if (query.cursor) {
    params.set('cursor', query.cursor);
    params.set('page', String(query.pageNumber ?? 2));
  }
  return params.toString();
}

/** Reads the page from a URL under `base` (the same paths the server answers 200 for). */
export function parseRoute(base: string, pathname: string, search: string): Route {
  if (!pathname.startsWith(base)) return { page: 'not-found' };
  const page = uiPageAt(pathname.slice(base.length));
  if (page === null) return { page: 'not-found' };
  switch (page.page) {
    case 'jobs':
      return { page: 'jobs', state: page.state, query: readListQuery(search) };
    case 'enqueue':
      return { page: 'enqueue', type: new URLSearchParams(search).get('type') ?? '' };
    case 'charts':
      return { page: 'charts', filters: chartFilters(search) };
    case 'batches':
      return { page: 'batches', query: readBatchListQuery(search) };
    case 'overview':
    case 'recurring':
    case 'servers':
    case 'queues':
      return { page: page.page };
    default:
      return page;
  }
}

const withQuery = (path: string, query: string) => (query === '' ? path : `${path}?${query}`);

/** The href of a page, under `base`; path segments are encoded. */
export const hrefs = {
  overview: (base: string) => base,
  jobs: (base: string, state: ListState, query: Partial<JobListQuery> = {}) =>
    withQuery(`${base}jobs/${state}`, listQueryString(query)),
  job: (base: string, id: string) => `${base}job/${encodeURIComponent(id)}`,
  enqueue: (base: string, type = '') =>
    withQuery(`${base}enqueue`, type === '' ? '' : new URLSearchParams({ type }).toString()),
  recurring: (base: string) => `${base}recurring`,
  recurringForm: (base: string, id: string | null) =>
    id === null ? `${base}recurring/new` : `${base}recurring/edit/${encodeURIComponent(id)}`,
  servers: (base: string) => `${base}servers`,
  /** The list of batches; the first page of all states is the bare path. */
  batches: (base: string, query: Partial<BatchListQuery> = {}) => {
    const params = new URLSearchParams();
    if (query.state) params.set('state', query.state);
    if (query.parent) params.set('parent', query.parent);
    if (query.cursor) {
      params.set('cursor', query.cursor);
      params.set('page', String(query.pageNumber ?? 2));
    }
    return withQuery(`${base}batches`, params.toString());
  },
  batch: (base: string, id: string) => `${base}batches/${encodeURIComponent(id)}`,
  queues: (base: string) => `${base}queues`,
  /** The charts; the default range and empty names are left out of the query. */
  charts: (base: string, filters: Partial<ChartFilters> = {}) => {
    const query = new URLSearchParams();
    if (filters.range !== undefined && filters.range !== 'lastHour') {
      query.set('range', filters.range);
    }
    if (filters.queue) query.set('queue', filters.queue);
    if (filters.type) query.set('type', filters.type);
    return withQuery(`${base}charts`, query.toString());
  },
};
