import type { Document } from 'bson';
import { CommandFailure, unknownField } from '../command-types';
import { isNumeric, isPlainDocument, numericValue } from '../engine/bson-value';
import type { IndexModificationRequest } from '../engine/index-modification';
import { formatValue } from '../engine/value-format';
import { ErrorCodes } from '../error-codes';
import { parseCappedResize } from './capped-options';
import { wrongFieldType } from './command-args';

/** A collMod command with its field types checked, as mongod's parser leaves it. */
export interface CollModRequest {
  readonly index?: IndexModificationRequest;
  readonly validator?: Document;
  readonly validationLevel?: string;
  readonly validationAction?: string;
  readonly viewOn?: string;
  readonly pipeline?: Document[];
  readonly changeStreamPreAndPostImages?: { readonly enabled: boolean };
  readonly expireAfterSeconds?: number | string;
  readonly timeseries?: Document;
  readonly cappedSize?: number;
  readonly cappedMax?: number;
  readonly dryRun: boolean;
}

const INDEX_FIELDS = new Set([
  'name',
  'keyPattern',
  'expireAfterSeconds',
  'hidden',
  'unique',
  'prepareUnique',
  'forceNonUnique',
]);
const VALIDATION_LEVELS = new Set(['off', 'strict', 'moderate']);
const VALIDATION_ACTIONS = new Set(['error', 'warn']);
const NUMBER_TYPES = "types '[long, int, decimal, double]'";
const BOOL_TYPES = "types '[bool, long, int, decimal, double]'";
const INT32_MAX = 2_147_483_647;

const wrongCollModType = (path: string, value: unknown, expected: string): CommandFailure =>
  wrongFieldType(`collMod.${path}`, value, expected);

function documentField(path: string, value: unknown): Document | undefined {
  if (value === undefined) return undefined;
  if (!isPlainDocument(value)) throw wrongCollModType(path, value, "type 'object'");
  return value;
}

function stringField(path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw wrongCollModType(path, value, "type 'string'");
  return value;
}

/** mongod's `safeBool`: a boolean, or a number standing for its truthiness. */
function safeBool(path: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (isNumeric(value)) return Number(numericValue(value)) !== 0;
  throw wrongCollModType(path, value, BOOL_TYPES);
}

/** mongod's `safeInt`/`safeInt64`: a number holding an integer of the range. */
function safeInteger(path: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!isNumeric(value)) throw wrongCollModType(path, value, NUMBER_TYPES);
  const number = Number(numericValue(value));
  const shown = `${path.split('.').pop()}: ${formatValue(value)}`;
  if (!Number.isInteger(number))
    throw new CommandFailure(
      ErrorCodes.FailedToParse,
      'FailedToParse',
      `Expected an integer: ${shown}`,
    );
  if (Math.abs(number) > max) {
    throw new CommandFailure(
      ErrorCodes.FailedToParse,
      'FailedToParse',
      `Cannot represent as a ${max === INT32_MAX ? 32 : 64}-bit integer: ${shown}`,
    );
  }
  return number;
}

function enumField(path: string, value: unknown, allowed: ReadonlySet<string>): string | undefined {
  const text = stringField(path, value);
  if (text !== undefined && !allowed.has(text)) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      `Enumeration value '${text}' for field 'collMod.${path}' is not a valid value.`,
    );
  }
  return text;
}

function indexField(value: unknown): IndexModificationRequest | undefined {
  const index = documentField('index', value);
  if (!index) return undefined;
  for (const field of Object.keys(index)) {
    if (!INDEX_FIELDS.has(field)) throw unknownField(`collMod.index.${field}`);
  }
  return {
    name: stringField('index.name', index.name),
    keyPattern: documentField('index.keyPattern', index.keyPattern),
    expireAfterSeconds: safeInteger(
      'index.expireAfterSeconds',
      index.expireAfterSeconds,
      INT32_MAX,
    ),
    hidden: safeBool('index.hidden', index.hidden),
    unique: safeBool('index.unique', index.unique),
    prepareUnique: safeBool('index.prepareUnique', index.prepareUnique),
    forceNonUnique: safeBool('index.forceNonUnique', index.forceNonUnique),
  };
}

function pipelineField(value: unknown): Document[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw wrongCollModType('pipeline', value, "type 'array'");
  value.forEach((stage: unknown, i) => {
    if (!isPlainDocument(stage)) throw wrongCollModType(`pipeline.${i}`, stage, "type 'object'");
  });
  return value as Document[];
}

function viewOnField(value: unknown): string | undefined {
  const viewOn = stringField('viewOn', value);
  if (viewOn === '')
    throw new CommandFailure(ErrorCodes.BadValue, 'BadValue', "'viewOn' cannot be empty");
  return viewOn;
}

function preAndPostImagesField(value: unknown): { enabled: boolean } | undefined {
  const options = documentField('changeStreamPreAndPostImages', value);
  if (!options) return undefined;
  for (const field of Object.keys(options)) {
    if (field !== 'enabled') throw unknownField(`changeStreamPreAndPostImages.${field}`);
  }
  if (options.enabled === undefined) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'changeStreamPreAndPostImages.enabled' is missing but a required field",
    );
  }
  if (typeof options.enabled !== 'boolean')
    throw wrongCollModType('changeStreamPreAndPostImages.enabled', options.enabled, "type 'bool'");
  return { enabled: options.enabled };
}

function expireAfterSecondsField(value: unknown): number | string | undefined {
  if (typeof value === 'string') return value;
  if (value !== undefined && !isNumeric(value))
    throw wrongCollModType(
      'expireAfterSeconds',
      value,
      "types '[string, long, int, decimal, double]'",
    );
  return safeInteger('expireAfterSeconds', value, Number.MAX_SAFE_INTEGER);
}

/**
 * Checks the fields of a collMod command as mongod 7.0's parser does: each has its type
 * (14 TypeMismatch otherwise), enumerations their values (2 BadValue), capped bounds their
 * ranges (51024), `index` and
 * `changeStreamPreAndPostImages` their own fields (40415). Unknown top-level fields were
 * refused before (command-fields.ts).
 */
export function parseCollModRequest(command: Document): CollModRequest {
  const resize = parseCappedResize(command);
  return {
    index: indexField(command.index),
    validator: documentField('validator', command.validator),
    validationLevel: enumField('validationLevel', command.validationLevel, VALIDATION_LEVELS),
    validationAction: enumField('validationAction', command.validationAction, VALIDATION_ACTIONS),
    viewOn: viewOnField(command.viewOn),
    pipeline: pipelineField(command.pipeline),
    changeStreamPreAndPostImages: preAndPostImagesField(command.changeStreamPreAndPostImages),
    expireAfterSeconds: expireAfterSecondsField(command.expireAfterSeconds),
    timeseries: documentField('timeseries', command.timeseries),
    cappedSize: resize.size,
    cappedMax: resize.max,
    dryRun: safeBool('dryRun', command.dryRun) ?? false,
  };
}
