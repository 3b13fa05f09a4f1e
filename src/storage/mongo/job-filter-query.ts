import type { Filter, Sort } from 'mongodb';
import type { JobCriteria, JobOrder, JobPosition, TimeBounds } from '../job-criteria';
import { FINISHED_STATES, type JobRecord, type JobState } from '../job-record';

/*
 * Job criteria, orders and positions as MongoDB filters and sorts: the one place where a
 * search becomes a query. Every value comes from checked criteria (strings, numbers,
 * booleans, Dates, identifier paths), so no operator a caller wrote can reach MongoDB.
 */

/**
 * Finished jobs, and only they, have a `finishedAt` date. Said explicitly when every state
 * searched is finished, it lets the partial search indexes (which hold finished jobs only)
 * serve the query.
 */
const FINISHED_AT_SET: Filter<JobRecord> = { finishedAt: { $type: 'date' } };

/** Whether every state of the criteria is a finished one (false when any state is allowed). */
export function onlyFinished(states: readonly JobState[] | null): boolean {
  return states !== null && states.every((state) => FINISHED_STATES.includes(state));
}

/** The MongoDB filter of `criteria` (`{}` when it has no condition). */
export function criteriaFilter(criteria: JobCriteria): Filter<JobRecord> {
  const clauses: Filter<JobRecord>[] = [];
  const { states } = criteria;
  if (states !== null) {
    clauses.push({ state: states.length === 1 ? states[0] : { $in: [...states] } });
    if (onlyFinished(states)) clauses.push(FINISHED_AT_SET);
  }
  if (criteria.queue !== null) clauses.push({ queue: criteria.queue });
  if (criteria.type !== null) clauses.push({ type: criteria.type });
  if (criteria.typePrefix !== null) clauses.push({ type: prefixCondition(criteria.typePrefix) });
  if (criteria.idPrefix !== null) clauses.push({ _id: prefixCondition(criteria.idPrefix) });
  if (criteria.batchId !== null) clauses.push({ batchId: criteria.batchId });
  if (criteria.errorContains !== null) {
    clauses.push({
      'error.message': { $regex: escapeRegExp(criteria.errorContains), $options: 'i' },
    });
  }
  if (criteria.deadLettered !== null) {
    clauses.push({
      deadLetteredAt: criteria.deadLettered ? { $type: 'date' } : { $exists: false },
    });
  }
  for (const { path, values } of criteria.payload) {
    clauses.push({
      [`payload.${path.join('.')}`]: values.length === 1 ? values[0] : { $in: [...values] },
    });
  }
  // One equality per tag (not `$all`): each reads as `tags` existing, which lets the
  // partial `search-tags` index (tagged jobs only) serve the search.
  for (const tag of criteria.tags) clauses.push({ tags: tag });
  const ranges: Array<[keyof JobRecord, TimeBounds | null]> = [
    ['createdAt', criteria.createdAt],
    ['finishedAt', criteria.finishedAt],
    ['dueAt', criteria.dueAt],
  ];
  for (const [field, bounds] of ranges) {
    if (bounds !== null) clauses.push({ [field]: rangeCondition(bounds) });
  }
  // `$and`, not one object: two conditions on a field (type and typePrefix) must not collide.
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? clauses[0] : { $and: clauses };
}

/** The sort of an order: its field, then `_id` the same way. */
export function orderSort(order: JobOrder): Sort {
  return order.field === 'id'
    ? { _id: order.direction }
    : { [order.field]: order.direction, _id: order.direction };
}

/**
 * What comes after `position` in `order`. A non-null sort value bounds the field itself
 * (`≤` or `≥` the value), so that an index on it seeks to the position instead of reading
 * from the start. `nullable`: the field may be null (`finishedAt` of unfinished jobs); nulls
 * sort lowest, so they come last in a descending order and first in an ascending one.
 */
export function afterPosition(
  order: JobOrder,
  position: JobPosition,
  nullable: boolean,
): Filter<JobRecord> {
  const descending = order.direction === -1;
  const idBeyond = descending ? { $lt: position.id } : { $gt: position.id };
  if (order.field === 'id') return { _id: idBeyond };
  const field = order.field;
  if (position.value === null) {
    const sameNull = { [field]: null, _id: idBeyond };
    return descending ? sameNull : { $or: [sameNull, { [field]: { $ne: null } }] };
  }
  const at = new Date(position.value);
  const beyond: Filter<JobRecord> = {
    [field]: descending ? { $lte: at } : { $gte: at },
    $or: [{ [field]: descending ? { $lt: at } : { $gt: at } }, { _id: idBeyond }],
  };
  return descending && nullable ? { $or: [beyond, { [field]: null }] } : beyond;
}

/**
 * Strings starting with `prefix`, as a range when it can be one (an index seeks to it; in
 * MongoDB's binary string order and JavaScript's alike, the strings from `prefix` up to
 * `prefix` with its last character incremented are exactly those that start with it), and
 * as an anchored regex when the last character is a surrogate or beyond (the two orders
 * differ there).
 */
function prefixCondition(prefix: string): Filter<JobRecord>['type'] {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last < 0xd7ff) {
    return { $gte: prefix, $lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
  }
  return { $regex: `^${escapeRegExp(prefix)}` };
}

function rangeCondition(bounds: TimeBounds): Record<string, Date> {
  return {
    ...(bounds.from === null ? {} : { $gte: bounds.from }),
    ...(bounds.to === null ? {} : { $lt: bounds.to }),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
