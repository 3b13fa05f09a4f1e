import type { BatchListQuery } from '../app/routes';

/** `GET api/batches` for a page of the list of batches: its state, parent and cursor. */
export function batchesApiPath(query: BatchListQuery, limit: number): string {
  const params = new URLSearchParams();
  if (query.state) params.set('state', query.state);
  if (query.parent) params.set('parent', query.parent);
  params.set('limit', String(limit));
  if (query.cursor) params.set('cursor', query.cursor);
  return `batches?${params.toString()}`;
}
