import { CommandFailure, type CommandHandler } from '../command-types';
import { cloneValue } from '../engine/bson-clone';
import { compareValues } from '../engine/bson-compare';
import { canonicalKey } from '../engine/canonical-key';
import { sortPathValues } from '../engine/document-path';
import { readDocuments } from '../engine/read-query';
import { collectionArgument, optionalDocument } from './command-args';

/**
 * `distinct`: the distinct values of `key` over the documents matching `query`. Arrays are
 * unwound one level (their elements count, not the array), missing fields count for
 * nothing, and values come back in BSON order as mongod's distinct set yields them.
 */
export const distinctCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const key = command.key;
  if (typeof key !== 'string') {
    throw new CommandFailure(
      14,
      'TypeMismatch',
      "BSON field 'distinct.key' is the wrong type, expected type 'string'",
    );
  }
  if (key === '')
    throw new CommandFailure(
      40352,
      'Location40352',
      'FieldPath cannot be constructed with empty string',
    );
  const values = new Map<string, unknown>();
  for (const document of readDocuments(store, dbName, name, {
    filter: optionalDocument(command, 'query'),
  })) {
    for (const value of sortPathValues(document, key)) {
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      const valueKey = canonicalKey(value);
      if (!values.has(valueKey)) values.set(valueKey, cloneValue(value));
    }
  }
  return { values: [...values.values()].sort(compareValues) };
};
