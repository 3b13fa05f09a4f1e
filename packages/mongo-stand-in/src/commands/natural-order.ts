import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { isNumeric, isPlainDocument, numericValue } from '../engine/bson-value';
import { ErrorCodes } from '../error-codes';

/** The `$natural` directions a find asks for through its `sort` and its `hint`. */
export interface NaturalRequest {
  readonly sort?: 1 | -1;
  readonly hint?: 1 | -1;
}

const badValue = (message: string): CommandFailure =>
  new CommandFailure(ErrorCodes.BadValue, 'BadValue', message);

/**
 * The direction of `{ $natural: ±1 }`; undefined without `$natural`. mongod 7.0 takes
 * `$natural` only alone and only as 1 or -1 (of any numeric type): anything else is 2.
 */
function naturalOf(spec: unknown, what: 'sort' | 'hint'): 1 | -1 | undefined {
  if (!isPlainDocument(spec) || !Object.prototype.hasOwnProperty.call(spec, '$natural')) {
    return undefined;
  }
  const value: unknown = spec.$natural;
  const direction = isNumeric(value) ? Number(numericValue(value)) : Number.NaN;
  if (Object.keys(spec).length !== 1 || (direction !== 1 && direction !== -1)) {
    throw badValue(`$natural ${what} cannot be set to a value other than -1 or 1.`);
  }
  return direction;
}

/** Reads `$natural` from a find's sort and hint, refusing malformed ones as mongod does. */
export function parseNaturalRequest(sort: Document | undefined, hint: unknown): NaturalRequest {
  return { sort: naturalOf(sort, 'sort'), hint: naturalOf(hint, 'hint') };
}

/**
 * The direction a find scans its collection in: a `$natural` sort's, else a `$natural`
 * hint's, else forwards. A `$natural` sort refuses an index hint and a `$natural` hint the
 * other way (2 BadValue), as mongod does once the query is parsed.
 */
export function naturalScanDirection(request: NaturalRequest, hint: unknown): 1 | -1 {
  if (request.sort !== undefined) {
    const hinted = hint !== undefined && hint !== null;
    const emptyHint = isPlainDocument(hint) && Object.keys(hint).length === 0;
    if (hinted && !emptyHint && request.hint === undefined) {
      throw badValue('index hint not allowed with $natural sort order');
    }
    if (request.hint !== undefined && request.hint !== request.sort) {
      throw badValue('$natural hint must be in the same direction as $natural sort order');
    }
    return request.sort;
  }
  return request.hint ?? 1;
}
