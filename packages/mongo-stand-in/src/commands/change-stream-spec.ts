import { CommandFailure, unknownField } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { bsonTag, isPlainDocument } from '../engine/bson-value';
import { wrongFieldType } from './command-args';
import type { Timestamp } from 'bson';
import type { ChangeStreamOptions, ChangeStreamScope } from '../engine/change-stream-source';

type Document = Record<string, unknown>;

/** Where a change stream starts. */
export type ChangeStreamStart =
  | { readonly kind: 'now' }
  | { readonly kind: 'resumeAfter' | 'startAfter'; readonly token: unknown }
  | { readonly kind: 'startAtOperationTime'; readonly time: Timestamp };

/** The options of a `$changeStream` stage. */
export interface ChangeStreamStageOptions extends ChangeStreamOptions {
  readonly start: ChangeStreamStart;
  readonly allChangesForCluster: boolean;
}

const FULL_DOCUMENT = ['default', 'updateLookup', 'whenAvailable', 'required'] as const;
const FULL_DOCUMENT_BEFORE_CHANGE = ['off', 'whenAvailable', 'required'] as const;
const START_FIELDS = ['resumeAfter', 'startAfter', 'startAtOperationTime'] as const;

/**
 * The stages that may follow `$changeStream`: those that transform one event at a time.
 * mongod refuses the others (a `$group` cannot run over an endless stream).
 */
const STAGES_AFTER_CHANGE_STREAM = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

/** Aggregation stages mongod knows, so that an unknown one is 40324 as anywhere else. */
const KNOWN_STAGES = new Set([
  ...STAGES_AFTER_CHANGE_STREAM,
  '$bucket',
  '$bucketAuto',
  '$changeStream',
  '$collStats',
  '$count',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSessions',
  '$lookup',
  '$merge',
  '$out',
  '$sample',
  '$search',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unwind',
]);

/**
 * The options of `{ $changeStream: spec }`, checked as mongod checks them: known fields of
 * the right types, enumerations by value, at most one way to start.
 * @throws CommandFailure 40415 unknown field, 14 wrong type, 2 unknown enumeration value,
 *   40674 more than one start option, 238 for `showExpandedEvents: true` (not implemented).
 */
export function parseChangeStreamStage(spec: unknown): ChangeStreamStageOptions {
  if (!isPlainDocument(spec)) {
    throw new CommandFailure(
      50808,
      'Location50808',
      '$changeStream stage expects a document as argument',
    );
  }
  for (const field of Object.keys(spec)) {
    if (
      ![
        'fullDocument',
        'fullDocumentBeforeChange',
        'allChangesForCluster',
        'showExpandedEvents',
        ...START_FIELDS,
      ].includes(field)
    ) {
      throw unknownField(`$changeStream.${field}`);
    }
  }
  const starts = START_FIELDS.filter((field) => spec[field] !== undefined);
  if (starts.length > 1) {
    throw new CommandFailure(
      40674,
      'Location40674',
      'Only one type of resume option is allowed, but multiple were found.',
    );
  }
  if (optionalFlag(spec, 'showExpandedEvents')) {
    throw new CommandFailure(
      ErrorCodes.NotImplemented,
      'NotImplemented',
      'the stand-in does not show expanded change events (showExpandedEvents)',
    );
  }
  return {
    fullDocument: enumeration(spec, 'fullDocument', FULL_DOCUMENT) ?? 'default',
    fullDocumentBeforeChange:
      enumeration(spec, 'fullDocumentBeforeChange', FULL_DOCUMENT_BEFORE_CHANGE) ?? 'off',
    start: startOf(spec, starts[0]),
    allChangesForCluster: optionalFlag(spec, 'allChangesForCluster'),
  };
}

/**
 * What a change stream opened by `aggregate` on `dbName` (a collection, or `1`) watches.
 * @throws CommandFailure 73 InvalidNamespace for a stream mongod does not open there.
 */
export function changeStreamScope(
  dbName: string,
  collection: string | undefined,
  options: ChangeStreamStageOptions,
): ChangeStreamScope {
  if (options.allChangesForCluster) {
    if (dbName !== 'admin' || collection !== undefined) {
      throw invalidNamespace(
        "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name",
      );
    }
    return {};
  }
  if (dbName === 'admin' || dbName === 'config' || dbName === 'local') {
    throw invalidNamespace(`$changeStream may not be opened on the internal ${dbName} database`);
  }
  if (collection?.startsWith('system.')) {
    throw invalidNamespace(
      `$changeStream may not be opened on the internal ${dbName}.${collection} collection`,
    );
  }
  return collection === undefined ? { db: dbName } : { db: dbName, coll: collection };
}

/**
 * Checks the stages after `$changeStream`: known stages (40324), and only those that
 * transform one event at a time (20 IllegalOperation for the others).
 */
export function checkStagesAfterChangeStream(stages: readonly string[]): void {
  stages.forEach((stage, index) => {
    if (index === 0) return;
    if (!KNOWN_STAGES.has(stage)) {
      throw new CommandFailure(
        40324,
        'Location40324',
        `Unrecognized pipeline stage name: '${stage}'`,
      );
    }
    if (stage === '$changeStream') {
      throw new CommandFailure(
        40602,
        'Location40602',
        '$changeStream is only valid as the first stage in a pipeline',
      );
    }
    if (!STAGES_AFTER_CHANGE_STREAM.has(stage)) {
      throw new CommandFailure(
        ErrorCodes.IllegalOperation,
        'IllegalOperation',
        `${stage} is not permitted in a $changeStream pipeline`,
      );
    }
  });
}

function startOf(
  spec: Document,
  field: (typeof START_FIELDS)[number] | undefined,
): ChangeStreamStart {
  if (field === undefined) return { kind: 'now' };
  const value = spec[field];
  if (field === 'startAtOperationTime') {
    if (bsonTag(value) !== 'Timestamp') throw wrongType(field, value, 'timestamp');
    return { kind: field, time: value as Timestamp };
  }
  if (!isPlainDocument(value)) throw wrongType(field, value, 'object');
  return { kind: field, token: value };
}

function enumeration<T extends string>(
  spec: Document,
  field: string,
  values: readonly T[],
): T | undefined {
  const value = spec[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw wrongType(field, value, 'string');
  if (!(values as readonly string[]).includes(value)) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      `Enumeration value '${value}' for field '$changeStream.${field}' is not a valid value.`,
    );
  }
  return value as T;
}

function optionalFlag(spec: Document, field: string): boolean {
  const value = spec[field];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw wrongType(field, value, 'bool');
  return value;
}

function wrongType(field: string, value: unknown, expected: string): CommandFailure {
  return wrongFieldType(`$changeStream.${field}`, value, `type '${expected}'`);
}

function invalidNamespace(message: string): CommandFailure {
  return new CommandFailure(ErrorCodes.InvalidNamespace, 'InvalidNamespace', message);
}
