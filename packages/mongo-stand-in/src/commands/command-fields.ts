import type { Document } from 'bson';
import { unknownField } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';

/**
 * The arguments mongod 7.0 accepts on every command (its generic arguments), besides the
 * command's own fields. Some are internal to a cluster; accepting them costs nothing.
 */
export const GENERIC_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  '$db',
  'maxTimeMS',
  'readConcern',
  'writeConcern',
  'lsid',
  'clientOperationKey',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'stmtId',
  'comment',
  '$readPreference',
  '$clusterTime',
  '$audit',
  '$client',
  '$configServerState',
  'allowImplicitCollectionCreation',
  '$oplogQueryData',
  '$queryOptions',
  '$replData',
  'databaseVersion',
  'shardVersion',
  'tracking_info',
  'coordinator',
  'maxTimeMSOpOnly',
  '$configTime',
  '$topologyTime',
  'txnRetryCounter',
  'mayBypassWriteBlocking',
  '$tenant',
]);

const WRITE_COMMAND_FIELDS = [
  'bypassDocumentValidation',
  'ordered',
  'stmtIds',
  'isTimeseriesNamespace',
  'collectionUUID',
  'encryptionInformation',
];

/**
 * The fields of each command the stand-in implements, as mongod 7.0's parsers declare them
 * (generic arguments aside). mongod parses these commands strictly, so any other field is
 * refused; `sort` on an update statement, for one, only exists from 8.0 on.
 */
const COMMAND_FIELDS: Readonly<Record<string, readonly string[]>> = {
  find: [
    'filter',
    'projection',
    'sort',
    'hint',
    'collation',
    'skip',
    'limit',
    'batchSize',
    'ntoreturn',
    'singleBatch',
    'allowDiskUse',
    'min',
    'max',
    'returnKey',
    'showRecordId',
    'tailable',
    'oplogReplay',
    'noCursorTimeout',
    'awaitData',
    'allowPartialResults',
    'let',
    'options',
    'term',
    'readOnce',
    'allowSpeculativeMajorityRead',
    '$_requestResumeToken',
    '$_resumeAfter',
    'runtimeConstants',
    'collectionUUID',
    'encryptionInformation',
  ],
  aggregate: [
    'pipeline',
    'explain',
    'allowDiskUse',
    'cursor',
    'bypassDocumentValidation',
    'collation',
    'hint',
    'let',
    'needsMerge',
    'fromMongos',
    '$_requestReshardingResumeToken',
    'exchange',
    'runtimeConstants',
    'isMapReduceCommand',
    'collectionUUID',
    '$_passthroughToShard',
    'encryptionInformation',
    '$_externalDataSources',
    'sampleId',
    '$_isClusterQueryWithoutShardKeyCmd',
    '$_requestResumeToken',
    '$_resumeAfter',
  ],
  insert: ['documents', ...WRITE_COMMAND_FIELDS],
  update: ['updates', 'let', 'runtimeConstants', ...WRITE_COMMAND_FIELDS],
  delete: ['deletes', 'let', 'runtimeConstants', ...WRITE_COMMAND_FIELDS],
  findAndModify: [
    'query',
    'fields',
    'sort',
    'hint',
    'collation',
    'arrayFilters',
    'remove',
    'update',
    'new',
    'upsert',
    'bypassDocumentValidation',
    'let',
    'runtimeConstants',
    'encryptionInformation',
    'sampleId',
    '$_originalQuery',
    '$_originalCollation',
    '$_allowShardKeyUpdatesWithoutFullShardKeyInQuery',
  ],
  count: [
    'query',
    'limit',
    'skip',
    'hint',
    'collation',
    'fields',
    'encryptionInformation',
    'mirrored',
    'sampleId',
  ],
  // `hint` on distinct came with 7.1.
  distinct: ['key', 'query', 'collation', 'mirrored', 'sampleId'],
  createIndexes: [
    'indexes',
    'v',
    'ignoreUnknownIndexOptions',
    'commitQuorum',
    'returnOnStart',
    'isTimeseriesNamespace',
    'collectionUUID',
  ],
  dropIndexes: ['index', 'isTimeseriesNamespace', 'collectionUUID'],
  listIndexes: [
    'cursor',
    'includeBuildUUIDs',
    'includeIndexBuildInfo',
    'isTimeseriesNamespace',
    'collectionUUID',
  ],
  listCollections: ['filter', 'nameOnly', 'authorizedCollections', 'cursor', 'includePendingDrops'],
  create: [
    'capped',
    'autoIndexId',
    'idIndex',
    'size',
    'max',
    'storageEngine',
    'validator',
    'validationLevel',
    'validationAction',
    'indexOptionDefaults',
    'viewOn',
    'pipeline',
    'collation',
    'changeStreamPreAndPostImages',
    'timeseries',
    'clusteredIndex',
    'temp',
    'flags',
    'encryptedFields',
    'expireAfterSeconds',
  ],
  drop: ['collectionUUID', 'isTimeseriesNamespace'],
  renameCollection: ['to', 'dropTarget', 'stayTemp', 'collectionUUID'],
  collMod: [
    'index',
    'validator',
    'validationLevel',
    'validationAction',
    'viewOn',
    'pipeline',
    'changeStreamPreAndPostImages',
    'expireAfterSeconds',
    'timeseries',
    'isTimeseriesNamespace',
    'dryRun',
    'cappedSize',
    'cappedMax',
    'collectionUUID',
  ],
  getMore: ['collection', 'batchSize', 'term', 'lastKnownCommittedOpTime'],
  killCursors: ['cursors'],
  listDatabases: ['filter', 'nameOnly', 'authorizedDatabases'],
};

/** The fields of one statement of `update.updates` and `delete.deletes`. */
const STATEMENT_FIELDS: Readonly<Record<string, { array: string; fields: readonly string[] }>> = {
  update: {
    array: 'updates',
    fields: [
      'q',
      'u',
      'c',
      'arrayFilters',
      'hint',
      'multi',
      'upsert',
      'upsertSupplied',
      'collation',
      'sampleId',
      '$_allowShardKeyUpdatesWithoutFullShardKeyInQuery',
    ],
  },
  delete: { array: 'deletes', fields: ['q', 'limit', 'hint', 'collation', 'sampleId'] },
};

const KNOWN_FIELDS = new Map(
  Object.entries(COMMAND_FIELDS).map(([name, fields]) => [name, new Set(fields)]),
);
const KNOWN_STATEMENT_FIELDS = new Map(
  Object.entries(STATEMENT_FIELDS).map(([name, { array, fields }]) => [
    name,
    { array, fields: new Set(fields) },
  ]),
);

/**
 * Refuses a field that mongod 7.0's parser of `name` does not know, with its error:
 * 40415 "BSON field 'update.updates.sort' is an unknown field.". Commands without a field
 * list here are not checked.
 */
export function refuseUnknownFields(name: string, command: Document): void {
  const known = KNOWN_FIELDS.get(name);
  if (!known) return;
  let first = true;
  for (const field of Object.keys(command)) {
    if (first) {
      first = false;
      continue;
    }
    if (!known.has(field) && !GENERIC_FIELDS.has(field)) throw unknownField(`${name}.${field}`);
  }
  const statements = KNOWN_STATEMENT_FIELDS.get(name);
  const entries: unknown = statements && command[statements.array];
  if (!statements || !Array.isArray(entries)) return;
  for (const entry of entries) {
    if (!isPlainDocument(entry)) continue;
    for (const field of Object.keys(entry)) {
      if (!statements.fields.has(field)) {
        throw unknownField(`${name}.${statements.array}.${field}`);
      }
    }
  }
}
