import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import { collectionArgument, commandName } from './command-args';
import { GENERIC_FIELDS } from './command-fields';

/**
 * `create`: creates a collection with its options, or a view (`viewOn`, `pipeline`).
 * 48 NamespaceExists when the name is taken. Collection options are kept for
 * listCollections but not enforced (no validators, no capped behaviour).
 */
export const createCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const options: Document = {};
  for (const [key, value] of Object.entries(command)) {
    if (key !== commandName(command) && !GENERIC_FIELDS.has(key)) options[key] = value;
  }
  if (options.viewOn !== undefined) {
    if (typeof options.viewOn !== 'string')
      throw new CommandFailure(14, 'TypeMismatch', "BSON field 'create.viewOn' must be a string");
    const pipeline = options.pipeline ?? [];
    if (!Array.isArray(pipeline) || !pipeline.every(isPlainDocument)) {
      throw new CommandFailure(
        14,
        'TypeMismatch',
        "BSON field 'create.pipeline' must be an array of objects",
      );
    }
    store.createView(dbName, {
      name,
      viewOn: options.viewOn,
      pipeline,
      options: { viewOn: options.viewOn, pipeline },
    });
    return {};
  }
  store.createCollection(dbName, name, options);
  return {};
};
