import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import {
  checkValidator,
  VALIDATION_ACTIONS,
  VALIDATION_LEVELS,
} from '../engine/document-validation';
import { parseCappedOptions } from './capped-options';
import { collectionArgument, commandName, wrongFieldType } from './command-args';
import { GENERIC_FIELDS } from './command-fields';
import { parseTimeseriesOptions } from './timeseries-options';

/** The options parsed into the capped bounds, stored as mongod stores them. */
const CAPPED_FIELDS = new Set(['capped', 'size', 'max']);

/**
 * Options whose behaviour the stand-in does not implement: refused (238) rather than stored
 * unused, so that a test never passes here on behaviour mongod would give it differently.
 */
const UNSUPPORTED_OPTIONS: Readonly<Record<string, string>> = {
  clusteredIndex: 'clustered collections',
  encryptedFields: 'queryable encryption',
};

const VALIDATION_ENUMS = {
  validationLevel: VALIDATION_LEVELS,
  validationAction: VALIDATION_ACTIONS,
} as const;

/**
 * Checks `validator`, `validationLevel` and `validationAction` as mongod's parser does (14
 * for a wrong type, 2 for an unknown level or action) and the validator itself (see
 * document-validation.ts).
 */
function checkValidationOptions(options: Document): void {
  if (options.validator !== undefined && !isPlainDocument(options.validator))
    throw wrongFieldType('create.validator', options.validator, "type 'object'");
  for (const [field, allowed] of Object.entries(VALIDATION_ENUMS)) {
    const value: unknown = options[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw wrongFieldType(`create.${field}`, value, "type 'string'");
    if (!(allowed as readonly string[]).includes(value)) {
      throw new CommandFailure(
        2,
        'BadValue',
        `Enumeration value '${value}' for field 'create.${field}' is not a valid value.`,
      );
    }
  }
  if (options.validator !== undefined) checkValidator(options.validator as Document);
}

/**
 * `create`: creates a collection with its options, or a view (`viewOn`, `pipeline`).
 * 48 NamespaceExists when the name is taken. Collection options are kept for
 * listCollections; a capped collection (`capped`, `size`, `max`, checked and stored as
 * mongod does, see capped-options.ts) evicts its oldest documents past its bounds; a
 * validator (with `validationLevel`, `validationAction`) is checked here and applied to
 * every write (document-validation.ts); a time-series collection is stored as any other
 * (see timeseries-options.ts); clustered and encrypted collections are refused (238
 * NotImplemented).
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
  checkValidationOptions(options);
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
