import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isNumeric, numericValue } from '../engine/bson-value';
import { cloneCollectionAsCapped, convertToCapped } from '../engine/capped-conversion';
import { isValidCollectionName } from '../engine/namespace';
import { ErrorCodes } from '../error-codes';
import { conversionSize } from './capped-options';
import { collectionArgument } from './command-args';

function stringArgument(command: Document, field: string): string {
  const value: unknown = command[field];
  if (typeof value !== 'string') {
    throw new CommandFailure(
      ErrorCodes.TypeMismatch,
      'TypeMismatch',
      `'${field}' must be of type String`,
    );
  }
  return value;
}

/** BSON's truth of a value, as mongod reads flags like `temp`. */
function trueValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  return isNumeric(value) ? Number(numericValue(value)) !== 0 : true;
}

/**
 * `cloneCollectionAsCapped: <from>, toCollection: <to>, size`: a capped copy of a
 * collection (see capped-conversion.ts). Names must be strings (14) and valid (73); a size
 * of 0 or none is 72; a missing database is 26, as in mongod 7.0.
 */
export const cloneCollectionAsCappedCommand: CommandHandler = (command, { dbName, store }) => {
  const from = stringArgument(command, 'cloneCollectionAsCapped');
  const to = stringArgument(command, 'toCollection');
  if (!isValidCollectionName(from)) {
    throw new CommandFailure(
      ErrorCodes.InvalidNamespace,
      'InvalidNamespace',
      `Invalid source collection name: ${from}`,
    );
  }
  if (!isValidCollectionName(to)) {
    throw new CommandFailure(
      ErrorCodes.InvalidNamespace,
      'InvalidNamespace',
      `Invalid target collection name: ${to}`,
    );
  }
  const size = conversionSize(command);
  if (!store.databaseNames().includes(dbName)) {
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      `database ${dbName} not found`,
    );
  }
  cloneCollectionAsCapped(store, dbName, from, to, size, trueValue(command.temp));
  return {};
};

/**
 * `convertToCapped: <name>, size`: makes a collection capped (see capped-conversion.ts).
 * A size of 0 or none is 72 "invalid command spec", as in mongod 7.0.
 */
export const convertToCappedCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  convertToCapped(store, dbName, name, conversionSize(command));
  return {};
};
