import { badRequest } from '../http/http-problem';

/**
 * How a list of jobs is ordered: by `finishedAt` (newest first) for finished states, by
 * `dueAt` (soonest first) for unfinished ones, by `_id` (newest first) across all states.
 * `_id` breaks ties, so the order is total and a cursor is a position in it.
 */
export type JobSortKey = 'finished' | 'due' | 'id';

/** A position in a list: the sort value (ms since epoch, or null) and the id of the last item. */
export interface JobCursor {
  readonly key: JobSortKey;
  readonly value: number | null;
  readonly id: string;
}

const SORT_KEYS: readonly JobSortKey[] = ['finished', 'due', 'id'];
const MAX_CURSOR_LENGTH = 1_000;

/** An opaque, URL-safe token for a cursor. */
export function encodeCursor(cursor: JobCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.value, cursor.id]), 'utf8').toString(
    'base64url',
  );
}

/**
 * Reads a token made by {@link encodeCursor} for a list with sort `expected`.
 * @throws HttpProblem - 400 `INVALID_CURSOR` for anything else (including a cursor of a list
 *   with another state).
 */
export function decodeCursor(token: string, expected: JobSortKey): JobCursor {
  const invalid = (why: string) =>
    badRequest('INVALID_CURSOR', `cursor is not a cursor of this list: ${why}`, {
      parameter: 'cursor',
    });
  if (token.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid('it is not a token returned as nextCursor');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it does not decode');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid('it does not decode');
  const [key, value, id] = parsed as unknown[];
  if (!SORT_KEYS.includes(key as JobSortKey)) throw invalid('unknown order');
  if (key !== expected) throw invalid('it belongs to a list with another state');
  if (value !== null && !Number.isSafeInteger(value)) throw invalid('bad position');
  if (typeof id !== 'string' || id.length === 0) throw invalid('bad position');
  return { key: expected, value: value as number | null, id };
}
