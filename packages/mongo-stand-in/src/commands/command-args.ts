import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { bsonTypeOf, isNumeric, isPlainDocument, numericValue } from '../engine/bson-value';
import { validateCollectionName } from '../engine/namespace';
import { ErrorCodes } from '../error-codes';

/** The command's name: the first key of the command document. */
export function commandName(command: Document): string {
  return Object.keys(command)[0];
}

function wrongType(
  command: Document,
  field: string,
  value: unknown,
  expected: string,
): CommandFailure {
  return wrongFieldType(`${commandName(command)}.${field}`, value, `type '${expected}'`);
}

/** The collection a command targets (the value of its first key), validated. */
export function collectionArgument(command: Document, dbName: string): string {
  return validateCollectionName(dbName, command[commandName(command)]);
}

/** An optional object field; null counts as absent. */
export function optionalDocument(command: Document, field: string): Document | undefined {
  const value: unknown = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainDocument(value)) throw wrongType(command, field, value, 'object');
  return value;
}

/** An optional numeric field as a JS number. */
export function optionalNumber(command: Document, field: string): number | undefined {
  const value: unknown = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isNumeric(value)) throw wrongType(command, field, value, 'long');
  return Number(numericValue(value));
}

/** An optional non-negative integer field (`skip`, `batchSize`...). */
export function optionalCount(command: Document, field: string): number | undefined {
  const value = optionalNumber(command, field);
  if (value !== undefined && value < 0) {
    throw new CommandFailure(
      51024,
      'Location51024',
      `BSON field '${field}' value must be >= 0, actual value '${value}'`,
    );
  }
  return value === undefined ? undefined : Math.trunc(value);
}

/** An optional boolean field (numbers count as their truthiness, as in mongod). */
export function optionalBoolean(command: Document, field: string): boolean | undefined {
  const value: unknown = command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (isNumeric(value)) return Number(numericValue(value)) !== 0;
  throw wrongType(command, field, value, 'bool');
}

/** A required array field. */
export function requiredArray(command: Document, field: string): unknown[] {
  const value: unknown = command[field];
  if (value === undefined) {
    throw new CommandFailure(
      40414,
      'Location40414',
      `BSON field '${commandName(command)}.${field}' is missing but a required field`,
    );
  }
  if (!Array.isArray(value)) throw wrongType(command, field, value, 'array');
  return value;
}

/** The `batchSize` of a command's `cursor` sub-document, if any. */
export function cursorBatchSize(command: Document): number | undefined {
  const cursor = optionalDocument(command, 'cursor');
  if (!cursor) return undefined;
  return optionalCount(cursor, 'batchSize');
}

/** mongod's refusal of a field of the wrong type: 14 "BSON field 'path' is the wrong type …". */
export function wrongFieldType(path: string, value: unknown, expected: string): CommandFailure {
  return new CommandFailure(
    ErrorCodes.TypeMismatch,
    'TypeMismatch',
    `BSON field '${path}' is the wrong type '${bsonTypeOf(value)}', expected ${expected}`,
  );
}

/** A pipeline stage, checked to be a document of exactly one field (40323 otherwise). */
export function checkedStage(stage: unknown): Document {
  if (!isPlainDocument(stage) || Object.keys(stage).length !== 1) {
    throw new CommandFailure(
      40323,
      'Location40323',
      'A pipeline stage specification object must contain exactly one field.',
    );
  }
  return stage;
}
