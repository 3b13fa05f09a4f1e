import type { Document } from 'bson';
import { CommandFailure, unknownField } from '../command-types';
import { bsonTypeOf, isNumeric, isPlainDocument, numericValue } from '../engine/bson-value';
import { ErrorCodes } from '../error-codes';

/** The most members a replica set may have, which bounds a numeric `w`. */
const MAX_MEMBERS = 50;
const WRITE_CONCERN_FIELDS = new Set([
  'w',
  'j',
  'wtimeout',
  'fsync',
  'provenance',
  // Accepted and ignored for backwards compatibility, as in mongod.
  'wElectionId',
  'wOpTime',
  'getLastError',
]);

const failedToParse = (message: string): CommandFailure =>
  new CommandFailure(ErrorCodes.FailedToParse, 'FailedToParse', message);
const badValue = (message: string): CommandFailure =>
  new CommandFailure(ErrorCodes.BadValue, 'BadValue', message);

/**
 * Refuses a command's `writeConcern` as mongod 7.0 does, before the command runs (the whole
 * command fails, nothing is written): a malformed write concern is parsed and refused (9,
 * 14 or 40415). One the deployment cannot satisfy is refused: on a standalone (`w` above 1,
 * a tag other than 'majority') with 2 BadValue; on the stand-in's one-member replica set
 * (`replicated`), `w` above 1 with 100 and an unknown tag with 79. `w: 0`, `w: 1`,
 * `w: 'majority'`, `j` and `wtimeout` are accepted; the stand-in is durable, so `j: true` is too.
 */
export function refuseInvalidWriteConcern(command: Document, replicated = false): void {
  const writeConcern: unknown = command.writeConcern;
  if (writeConcern === undefined) return;
  if (!isPlainDocument(writeConcern)) {
    throw new CommandFailure(
      ErrorCodes.TypeMismatch,
      'TypeMismatch',
      `"writeConcern" had the wrong type. Expected object, found ${bsonTypeOf(writeConcern)}`,
    );
  }
  for (const field of Object.keys(writeConcern)) {
    if (!WRITE_CONCERN_FIELDS.has(field)) {
      throw unknownField(`WriteConcernOptions.${field}`);
    }
  }
  for (const field of ['j', 'fsync']) {
    const value: unknown = writeConcern[field];
    if (value !== undefined && typeof value !== 'boolean' && !isNumeric(value)) {
      throw new CommandFailure(
        ErrorCodes.TypeMismatch,
        'TypeMismatch',
        `BSON field 'WriteConcernOptions.${field}' is the wrong type '${bsonTypeOf(value)}', expected types '[bool, long, int, decimal, double]'`,
      );
    }
  }
  if (truthy(writeConcern.j) && truthy(writeConcern.fsync)) {
    throw failedToParse('fsync and j options cannot be used together');
  }
  refuseW(writeConcern.w, replicated);
}

function refuseW(w: unknown, replicated: boolean): void {
  if (w === undefined || w === null) return;
  if (isNumeric(w)) {
    const nodes = Math.trunc(Number(numericValue(w)));
    if (Number.isNaN(nodes) || nodes < 0 || nodes > MAX_MEMBERS) {
      throw failedToParse(
        `w has to be a non-negative number and not greater than ${MAX_MEMBERS}; found: ${nodes}`,
      );
    }
    if (nodes > 1 && !replicated) {
      throw badValue("cannot use 'w' > 1 when a host is not replicated");
    }
    if (nodes > 1) {
      throw new CommandFailure(
        ErrorCodes.UnsatisfiableWriteConcern,
        'UnsatisfiableWriteConcern',
        'Not enough data-bearing nodes',
      );
    }
    return;
  }
  if (typeof w === 'string') {
    if (w !== 'majority' && !replicated) {
      throw badValue(
        `cannot use non-majority 'w' mode ${w} when a host is not a member of a replica set`,
      );
    }
    if (w !== 'majority') {
      throw new CommandFailure(
        ErrorCodes.UnknownReplWriteConcern,
        'UnknownReplWriteConcern',
        `No write concern mode named '${w}' found in replica set configuration`,
      );
    }
    return;
  }
  if (!isPlainDocument(w)) throw failedToParse('w has to be a number, string, or object');
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (isNumeric(value)) return Number(numericValue(value)) !== 0;
  return value === true;
}
