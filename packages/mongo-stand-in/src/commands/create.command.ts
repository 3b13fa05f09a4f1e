import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import { parseCappedOptions } from './capped-options';
import { collectionArgument, commandName } from './command-args';
import { GENERIC_FIELDS } from './command-fields';
import { parseTimeseriesOptions } from './timeseries-options';

/** The options parsed into the capped bounds, stored as mongod stores them. */
const CAPPED_FIELDS = new Set(['capped', 'size', 'max']);

/**
 * Options whose behaviour the stand-in does not implement: refused (238) rather than stored
 * unused, so that a document a validator would refuse on mongod cannot pass here.
 */
const UNSUPPORTED_OPTIONS: Readonly<Record<string, string>> = {
  validator: 'document validation',
  validationLevel: 'document validation',
  validationAction: 'document validation',
};

/**
 * `create`: creates a collection with its options, or a view (`viewOn`, `pipeline`).
 * 48 NamespaceExists when the name is taken. Collection options are kept for
 * listCollections; a capped collection (`capped`, `size`, `max`, checked and stored as
 * mongod does, see capped-options.ts) evicts its oldest documents past its bounds; a
 * time-series collection is stored as any other (see timeseries-options.ts); and
 * validators are refused (238 NotImplemented).
 */
export const createCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const options: Document = { ...parseCappedOptions(command).stored };
  for (const [key, value] of Object.entries(command)) {
    if (key === commandName(command) || GENERIC_FIELDS.has(key) || CAPPED_FIELDS.has(key)) continue;
    options[key] = value;
  }
  for (const [option, feature] of Object.entries(UNSUPPORTED_OPTIONS)) {
    if (options[option] !== undefined) {
      throw new CommandFailure(
        238,
        'NotImplemented',
        `the stand-in does not implement ${feature} ('${option}')`,
      );
    }
  }
  if (options.timeseries !== undefined) {
    options.timeseries = parseTimeseriesOptions(options.timeseries);
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
