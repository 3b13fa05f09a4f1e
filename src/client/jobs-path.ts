import type { ApiJobQuery } from '../dashboard/api-search-types';

/**
 * The path of `GET api/jobs` with the query's defined values: several states joined by
 * commas, payload fields as `payload.<path>` parameters, one `tag` parameter per tag.
 */
export function jobsPath(query: ApiJobQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (key === 'payload' && typeof value === 'object') {
      for (const [path, field] of Object.entries(value as Record<string, unknown>)) {
        params.set(`payload.${path}`, String(field));
      }
    } else if (key === 'tag') {
      // One parameter per tag: a tag may hold a comma.
      for (const tag of Array.isArray(value) ? (value as unknown[]) : [value]) {
        params.append('tag', String(tag));
      }
    } else if (Array.isArray(value)) {
      params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search === '' ? 'jobs' : `jobs?${search}`;
}
