import { CommandFailure } from '../command-types';
import { isNumeric, isPlainDocument, numericValue } from './bson-value';
import { isArray } from './intrinsics';
import { ownField, setOwnField } from './own-fields';
import { compileFilter } from './query-matcher';

/*
 * The projection operators mingo gets wrong for find: `$slice` (mingo makes a projection of
 * only `$slice`s an inclusion, and refuses one beside an exclusion) and the positional
 * `<array>.$` (mingo has no query to take the position from). The stand-in takes them out
 * of the projection, lets mingo apply the rest, then applies them itself.
 */

type Document = Record<string, unknown>;

/** A `$slice` of a projection: elements skipped (negative: from the end) and kept. */
export interface SliceProjection {
  readonly path: string;
  readonly skip: number;
  readonly limit: number | undefined;
}

/** A positional projection `<array>.$`: the array's path. */
export interface PositionalProjection {
  readonly path: string;
}

/** A projection split into what mingo applies and what the stand-in applies after it. */
export interface SplitProjection {
  readonly rest: Document;
  readonly slices: readonly SliceProjection[];
  readonly positional: PositionalProjection | undefined;
}

const badValue = (code: number, message: string): CommandFailure =>
  new CommandFailure(code, `Location${code}`, message);

/** Takes `$slice` and positional entries out of a find projection. */
export function splitProjection(projection: Document): SplitProjection {
  const rest: Document = {};
  const slices: SliceProjection[] = [];
  let positional: PositionalProjection | undefined;
  for (const key of Object.keys(projection)) {
    const value = projection[key];
    if (isPlainDocument(value) && Object.keys(value).length === 1 && '$slice' in value) {
      slices.push({ path: key, ...parseSlice(value.$slice) });
    } else if (key.endsWith('.$')) {
      if (positional) {
        throw badValue(31276, 'Cannot specify more than one positional projection per query.');
      }
      positional = { path: key.slice(0, -2) };
    } else {
      setOwnField(rest, key, value);
    }
  }
  return { rest, slices, positional };
}

function parseSlice(argument: unknown): { skip: number; limit: number | undefined } {
  if (isNumeric(argument)) return { skip: 0, limit: Number(numericValue(argument)) };
  if (isArray(argument) && argument.length === 2 && argument.every(isNumeric)) {
    const limit = Number(numericValue(argument[1]));
    if (limit <= 0) throw badValue(28724, 'Second argument to $slice must be a positive number');
    return { skip: Number(numericValue(argument[0])), limit };
  }
  throw badValue(
    28667,
    'Invalid $slice syntax. The given syntax did not match the find() syntax because :: ' +
      'Location31273: $slice only supports numbers and [skip, limit] arrays',
  );
}

/** True when the projection names fields to keep (then `$slice`d fields are kept too). */
export function isInclusion(rest: Document): boolean {
  return Object.keys(rest).some((key) => {
    if (key === '_id') return false;
    const value = rest[key];
    return (
      isPlainDocument(value) ||
      value === true ||
      (isNumeric(value) && Number(numericValue(value)) !== 0)
    );
  });
}

/** Applies the `$slice`s to a projected document, in place. */
export function applySlices(document: Document, slices: readonly SliceProjection[]): void {
  for (const slice of slices) sliceAt(document, slice.path.split('.'), 0, slice);
}

function sliceAt(value: unknown, parts: string[], index: number, slice: SliceProjection): void {
  if (isArray(value)) {
    for (const element of value) sliceAt(element, parts, index, slice);
    return;
  }
  if (!isPlainDocument(value)) return;
  const field = ownField(value, parts[index]);
  if (index < parts.length - 1) {
    sliceAt(field, parts, index + 1, slice);
  } else if (isArray(field)) {
    setOwnField(value, parts[index], sliced(field, slice));
  }
}

function sliced(array: unknown[], { skip, limit }: SliceProjection): unknown[] {
  if (limit === undefined) return array;
  if (skip === 0 && limit < 0) return array.slice(Math.max(0, array.length + limit));
  if (skip === 0) return array.slice(0, limit);
  const start = skip < 0 ? Math.max(0, array.length + skip) : skip;
  return array.slice(start, start + limit);
}

/**
 * The index of the first element of the array at `path` that meets the query's conditions
 * on that array (`{ arr: 5 }`, `{ 'arr.x': 2 }`, `{ arr: { $elemMatch: ... } }`), as mongod
 * remembers it while matching the document.
 * @throws CommandFailure 51246 when no element meets them (or the query has none).
 */
export function positionalIndex(document: Document, path: string, filter: unknown): number {
  const array = valueAt(document, path);
  const conditions = arrayConditions(filter, path);
  if (isArray(array) && conditions.length > 0) {
    const matches = compileFilter({ $and: conditions });
    for (let i = 0; i < array.length; i++) {
      const probe: Document = {};
      setPathOf(probe, path, [array[i]]);
      if (matches(probe)) return i;
    }
  }
  throw new CommandFailure(
    51246,
    'Location51246',
    "Executor error during find command :: caused by :: positional operator '.$' couldn't " +
      'find a matching element in the array',
  );
}

/** Replaces the array at `path` by its element `index` alone, in place. */
export function keepElement(document: Document, path: string, index: number): void {
  const array = valueAt(document, path);
  if (isArray(array)) setPathOf(document, path, [array[index]]);
}

/** The filter's conditions on `path` or inside it, top level and under `$and`. */
function arrayConditions(filter: unknown, path: string): Document[] {
  if (!isPlainDocument(filter)) return [];
  const found: Document[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' && isArray(value)) {
      for (const clause of value) found.push(...arrayConditions(clause, path));
    } else if (key === path || key.startsWith(`${path}.`)) {
      const condition: Document = {};
      setOwnField(condition, key, value);
      found.push(condition);
    }
  }
  return found;
}

function valueAt(document: Document, path: string): unknown {
  let current: unknown = document;
  for (const part of path.split('.')) {
    if (!isPlainDocument(current)) return undefined;
    current = ownField(current, part);
  }
  return current;
}

function setPathOf(document: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = document;
  for (const part of parts.slice(0, -1)) {
    let next = ownField(current, part);
    if (!isPlainDocument(next)) {
      next = {};
      setOwnField(current, part, next);
    }
    current = next as Document;
  }
  setOwnField(current, parts[parts.length - 1], value);
}
