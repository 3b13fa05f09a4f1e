import type { ApiJobFilter, ApiTimeRange } from '../../../../src/dashboard/api-search-types';
import { payloadReadings } from '../../../../src/dashboard/payload-readings';
import { ALL_STATES } from '../../../../src/dashboard/ui-pages';
import {
  FILTER_NAMES,
  PAYLOAD_PREFIX,
  type FilterName,
  type JobListQuery,
  type ListState,
} from '../app/routes';

/** `GET api/jobs` for a page of the list: its state, filters, order and cursor. */
export function listApiPath(state: ListState, query: JobListQuery, limit: number): string {
  const params = new URLSearchParams();
  if (state !== ALL_STATES) params.set('state', state);
  for (const name of FILTER_NAMES) {
    const value = query.filters[name];
    if (value) params.set(name, value);
  }
  for (const [path, value] of query.payload) params.set(`${PAYLOAD_PREFIX}${path}`, value);
  if (query.sort) params.set('sort', query.sort);
  if (query.direction) params.set('direction', query.direction);
  params.set('limit', String(limit));
  if (query.cursor) params.set('cursor', query.cursor);
  return `jobs?${params.toString()}`;
}

const RANGES: readonly [keyof ApiJobFilter & `${string}At`, FilterName, FilterName][] = [
  ['createdAt', 'createdFrom', 'createdTo'],
  ['finishedAt', 'finishedFrom', 'finishedTo'],
  ['dueAt', 'dueFrom', 'dueTo'],
];

/**
 * The filter of `POST api/jobs/bulk` that matches what the list shows (all its pages): the
 * same conditions, payload values read as the list reads them. Null for the list of all
 * jobs with no filter: a bulk action needs at least one condition.
 */
export function bulkFilterOf(state: ListState, query: JobListQuery): ApiJobFilter | null {
  const filter: Record<string, unknown> = {};
  if (state !== ALL_STATES) filter.state = state;
  for (const name of ['idPrefix', 'typePrefix', 'type', 'queue', 'errorContains'] as const) {
    const value = query.filters[name];
    if (value) filter[name] = value;
  }
  // The list's one `tag` is the filter's `tags`.
  if (query.filters.tag) filter.tags = [query.filters.tag];
  const { deadLettered } = query.filters;
  if (deadLettered === 'true' || deadLettered === 'false') {
    filter.deadLettered = deadLettered === 'true';
  }
  // The list's `batch` is the filter's `batchId`.
  if (query.filters.batch) filter.batchId = query.filters.batch;
  for (const [field, fromName, toName] of RANGES) {
    const range: { from?: string; to?: string } = {};
    if (query.filters[fromName]) range.from = query.filters[fromName];
    if (query.filters[toName]) range.to = query.filters[toName];
    if (range.from !== undefined || range.to !== undefined) filter[field] = range as ApiTimeRange;
  }
  if (query.payload.length > 0) {
    filter.payload = Object.fromEntries(
      query.payload.map(([path, value]) => [path, payloadReadings(value)]),
    );
  }
  return Object.keys(filter).length === 0 ? null : (filter as ApiJobFilter);
}
