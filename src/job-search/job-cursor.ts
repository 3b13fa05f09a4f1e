import { InvalidOptionsError } from '../errors';
import {
  JOB_SORT_FIELDS,
  type JobOrder,
  type JobPosition,
  type JobSortField,
} from '../storage/job-criteria';

/*
 * A cursor is a position in an order (never an offset): the sort value and id of the last
 * job of a page. The next page starts after it, so pages stay correct while jobs come, go
 * and change state: a job that leaves the list shifts nothing, and none is skipped.
 */

const MAX_CURSOR_LENGTH = 1_000;

/** The three orders of the first cursor format (`[order, value, id]`), still accepted. */
const FIRST_FORMAT: Readonly<Record<string, JobOrder>> = {
  finished: { field: 'finishedAt', direction: -1 },
  due: { field: 'dueAt', direction: 1 },
  id: { field: 'id', direction: -1 },
};

/** An opaque, URL-safe token for a position in `order`. */
export function encodeCursor(order: JobOrder, position: JobPosition): string {
  const json = JSON.stringify([order.field, order.direction, position.value, position.id]);
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads a token made by {@link encodeCursor} for a list in `expected` order.
 * @throws InvalidOptionsError - naming `cursor`, for anything else (a cursor of a list in
 *   another order included).
 */
export function decodeCursor(token: unknown, expected: JobOrder): JobPosition {
  const invalid = (why: string) =>
    new InvalidOptionsError(`cursor is not a cursor of this list: ${why}`, { option: 'cursor' });
  if (
    typeof token !== 'string' ||
    token.length > MAX_CURSOR_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(token)
  ) {
    throw invalid('it is not a token returned as nextCursor');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it does not decode');
  }
  if (!Array.isArray(parsed)) throw invalid('it does not decode');
  let order: JobOrder | undefined;
  let rest: unknown[];
  if (parsed.length === 3) {
    order = FIRST_FORMAT[String(parsed[0])];
    rest = parsed.slice(1);
  } else if (parsed.length === 4) {
    const [field, direction] = parsed as unknown[];
    if (JOB_SORT_FIELDS.includes(field as JobSortField) && (direction === 1 || direction === -1)) {
      order = { field: field as JobSortField, direction };
    }
    rest = parsed.slice(2);
  } else {
    throw invalid('it does not decode');
  }
  if (order === undefined) throw invalid('unknown order');
  if (order.field !== expected.field || order.direction !== expected.direction) {
    throw invalid('it belongs to a list in another order (another state or sort)');
  }
  const [value, id] = rest;
  if (value !== null && !Number.isSafeInteger(value)) throw invalid('bad position');
  if (typeof id !== 'string' || id.length === 0) throw invalid('bad position');
  return { value: value as number | null, id };
}
