import { InvalidOptionsError } from '../errors';
import type { JobFilter } from '../job-search/job-filter';
import { hasConditions, resolveJobFilter } from '../job-search/resolve-job-filter';
import {
  checkKnownKeys,
  checkPlainObject,
  checkString,
  describeValue,
  readingOptions,
} from '../options/option-checks';
import type { JobCriteria } from '../storage/job-criteria';

/**
 * What a bulk action acts on: the jobs listed (at most 1,000 ids), or every job a filter
 * matches when the action starts (the filter needs at least one condition).
 */
export type JobSelection =
  | {
      /** The ids of the jobs to act on: 1 to 1,000, repeats counting once. */
      readonly ids: readonly string[];
      /** Not with `ids`. */
      readonly filter?: never;
    }
  | {
      /** The jobs to act on: those the filter matches, with at least one condition. */
      readonly filter: JobFilter;
      /** Not with `filter`. */
      readonly ids?: never;
    };

/** The most ids one bulk action takes (a filter has no such limit). */
export const MAX_BULK_IDS = 1_000;

/** A {@link JobSelection} checked. */
export type ResolvedJobSelection =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'filter'; readonly criteria: JobCriteria };

const ID_PATTERN = /^\P{Cc}+$/u;

/**
 * Checks a selection: exactly one of `ids` (1 to 1,000 job ids; repeats count once) and
 * `filter` (a filter with at least one condition, so that no typo acts on every job).
 * @throws InvalidOptionsError - naming the field (`ids[3]`, `filter.payload.x`...).
 */
export function resolveJobSelection(selection: JobSelection): ResolvedJobSelection {
  return readingOptions('selection', () => {
    const given = checkPlainObject('selection', selection);
    checkKnownKeys('', given, ['ids', 'filter']);
    const { ids, filter } = given;
    if ((ids === undefined) === (filter === undefined)) {
      throw new InvalidOptionsError(
        `Give exactly one of ids and filter, got ${ids === undefined ? 'neither' : 'both'}`,
        { option: ids === undefined ? 'ids' : 'filter' },
      );
    }
    if (ids !== undefined) return { kind: 'ids', ids: checkIds(ids) };
    const criteria = resolveJobFilter(filter as JobFilter, 'filter');
    if (!hasConditions(criteria)) {
      throw new InvalidOptionsError(
        'filter must have at least one condition (a state, a queue...): an empty filter would act on every job',
        { option: 'filter' },
      );
    }
    return { kind: 'filter', criteria };
  });
}

function checkIds(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BULK_IDS) {
    throw new InvalidOptionsError(
      `ids must be an array of 1 to ${MAX_BULK_IDS} job ids (for more, select by filter), got ${describeValue(value)}`,
      { option: 'ids' },
    );
  }
  const ids = value.map((id, i) =>
    checkString(`ids[${i}]`, id, {
      maxLength: 500,
      pattern: ID_PATTERN,
      patternDescription: 'without control characters',
    }),
  );
  return Object.freeze([...new Set(ids)]);
}
