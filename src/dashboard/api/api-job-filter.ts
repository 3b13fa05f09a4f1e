import type { JobFilter } from '../../job-search';
import { isPlainObject } from '../../options/option-checks';
import { parseDateTimeField } from './date-time-field';

const TIME_FIELDS = ['createdAt', 'finishedAt', 'dueAt'] as const;

/**
 * The filter of a JSON body (`ApiJobFilter`) as the scheduler takes it: the same fields,
 * with the ends of time ranges as Dates. Only the times are read here; the scheduler checks
 * everything else, naming fields as `filter.<field>`. A value of another shape is passed on
 * as it is, for that check to refuse.
 * @throws InvalidOptionsError - for a time that is not ISO 8601 with a zone, naming it
 *   (`filter.createdAt.from`).
 */
export function toJobFilter(value: unknown): JobFilter {
  if (!isPlainObject(value)) return value as JobFilter;
  const filter: Record<string, unknown> = { ...value };
  for (const field of TIME_FIELDS) {
    const range = filter[field];
    if (!isPlainObject(range)) continue;
    const dates: Record<string, unknown> = { ...range };
    for (const end of ['from', 'to'] as const) {
      if (dates[end] !== undefined) {
        dates[end] = parseDateTimeField(`filter.${field}.${end}`, dates[end]);
      }
    }
    filter[field] = dates;
  }
  return filter as JobFilter;
}
