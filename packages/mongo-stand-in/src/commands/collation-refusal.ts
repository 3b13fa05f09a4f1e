import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { bsonTypeOf, isPlainDocument } from '../engine/bson-value';
import { ErrorCodes } from '../error-codes';
import { formatValue } from '../engine/value-format';

/** Where each command carries collations: its own field, or one per array entry. */
const COLLATION_CARRIERS: Readonly<Record<string, { array?: string }>> = {
  find: {},
  aggregate: {},
  count: {},
  distinct: {},
  findAndModify: {},
  create: {},
  update: { array: 'updates' },
  delete: { array: 'deletes' },
  createIndexes: { array: 'indexes' },
};

/**
 * Refuses every collation but the simple one, which is binary comparison, what the
 * stand-in does anyway. The stand-in compares strings by code point only; ignoring a
 * collation would silently give other matches, sort orders and unique-index verdicts than
 * mongod (a case-insensitive unique index accepting 'A' and 'a'), so a test relying on one
 * fails here, visibly, with 238 NotImplemented. A collation that is not an object is 14
 * TypeMismatch, as in mongod.
 */
export function refuseUnsupportedCollation(name: string, command: Document): void {
  const carrier = COLLATION_CARRIERS[name];
  if (!carrier) {
    if (name === 'explain' && isPlainDocument(command.explain)) {
      const inner = command.explain;
      refuseUnsupportedCollation(Object.keys(inner)[0] ?? '', inner);
    }
    return;
  }
  if (carrier.array === undefined) {
    refuseCollationValue(`${name}.collation`, command.collation);
    return;
  }
  const entries: unknown = command[carrier.array];
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    if (isPlainDocument(entry)) {
      refuseCollationValue(`${name}.${carrier.array}.collation`, entry.collation);
    }
  }
}

function refuseCollationValue(path: string, collation: unknown): void {
  if (collation === undefined) return;
  if (!isPlainDocument(collation)) {
    throw new CommandFailure(
      ErrorCodes.TypeMismatch,
      'TypeMismatch',
      `BSON field '${path}' is the wrong type '${bsonTypeOf(collation)}', expected type 'object'`,
    );
  }
  const keys = Object.keys(collation);
  if (keys.length === 1 && keys[0] === 'locale' && collation.locale === 'simple') return;
  throw new CommandFailure(
    ErrorCodes.NotImplemented,
    'NotImplemented',
    `the stand-in implements only the simple collation ({ locale: 'simple' }); '${path}' is ${formatValue(collation)}`,
  );
}
