import { refuseMissingHintedIndex } from '../engine/index-hint';
import { ObjectId, type Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { cloneDocument } from '../engine/bson-clone';
import { isPlainDocument } from '../engine/bson-value';
import { compileFastFilter } from '../engine/fast-filter';
import { indexedCandidates } from '../engine/find-matches';
import { checkStorable } from '../engine/document-limits';
import { runLeadingSearch } from '../engine/leading-search-stage';
import { validateDocument } from '../engine/document-validation';
import { writeMerge } from '../engine/merge-stage';
import { refuseOutputNamespace, type OutputNamespace } from '../engine/output-namespace';
import { runPipeline } from '../engine/pipeline-runner';
import type { StandInStore } from '../engine/stand-in-store';
import {
  checkedStage,
  commandName,
  cursorBatchSize,
  optionalBoolean,
  requiredArray,
} from './command-args';
import { explainAggregate } from './aggregate-explain';
import { openChangeStream } from './change-stream.command';
import { cursorReply } from './cursor-reply';
import { validateCollectionName } from '../engine/namespace';

function stageName(stage: unknown): string {
  return Object.keys(checkedStage(stage))[0];
}

/** The target of `$out`: a collection name, or `{ db, coll }`. */
function outTarget(dbName: string, spec: unknown): OutputNamespace {
  const target =
    typeof spec === 'string'
      ? { db: dbName, coll: spec }
      : isPlainDocument(spec)
        ? spec
        : undefined;
  if (!target || typeof target.db !== 'string' || typeof target.coll !== 'string') {
    throw new CommandFailure(
      16990,
      'Location16990',
      "$out only supports a string or object argument, with 'db' and 'coll' fields",
    );
  }
  if (target.timeseries !== undefined) {
    throw new CommandFailure(
      115,
      'CommandNotSupported',
      'the stand-in does not support time-series collections',
    );
  }
  return { db: target.db, coll: target.coll };
}

/**
 * `$out`: replaces the target collection's documents (keeping its indexes and options), all
 * or nothing: a result that breaks a unique index or the target's validator (unless
 * `bypassDocumentValidation`) leaves the target as it was.
 */
function writeOut(
  store: StandInStore,
  dbName: string,
  spec: unknown,
  results: Document[],
  bypassValidation: boolean,
): void {
  const target = outTarget(dbName, spec);
  refuseOutputNamespace('$out', target, store);
  const { collection } = store.collectionForWrite(target.db, target.coll);
  const previous = [...collection.all()];
  collection.clear();
  try {
    for (const result of results) {
      const document =
        '_id' in result ? cloneDocument(result) : { _id: new ObjectId(), ...cloneDocument(result) };
      checkStorable(document, 'insert');
      validateDocument(collection, document, undefined, bypassValidation);
      collection.insert(document);
    }
  } catch (error) {
    collection.clear();
    for (const document of previous) collection.insert(document);
    throw error;
  }
}

/**
 * The documents the pipeline starts from: the collection's, or only those an index or the
 * `_id` map selects for a leading `$match`. The `$match` stage still runs on them, so the
 * narrowing never changes a result (the candidates are a superset, in natural order).
 */
function sourceDocuments(
  store: StandInStore,
  dbName: string,
  name: string,
  first: Document | undefined,
): Document[] {
  const collection = store.getCollection(dbName, name);
  const match: unknown = first?.$match;
  if (collection && isPlainDocument(match) && compileFastFilter(match) !== undefined) {
    const candidates = indexedCandidates(collection, match);
    if (candidates) return candidates;
  }
  return store.readDocuments(dbName, name);
}

/** `$listLocalSessions` starts a database-wide pipeline (`aggregate: 1`), or is refused. */
function refuseMisplacedSessionListing(stages: readonly string[], databaseWide: boolean): void {
  if (stages.indexOf('$listLocalSessions', 1) > 0) {
    throw new CommandFailure(
      40602,
      'Location40602',
      '$listLocalSessions is only valid as the first stage in a pipeline',
    );
  }
  if (stages[0] === '$listLocalSessions' && !databaseWide) {
    throw new CommandFailure(
      73,
      'InvalidNamespace',
      '$listLocalSessions must be run against the database with {aggregate: 1}, not a collection',
    );
  }
}

/** The writing stage that ends the pipeline, if any; elsewhere it is 40601. */
function finalWriter(stages: readonly string[]): '$out' | '$merge' | undefined {
  stages.forEach((stage, index) => {
    if ((stage === '$out' || stage === '$merge') && index !== stages.length - 1) {
      throw new CommandFailure(
        40601,
        'Location40601',
        `${stage} can only be the final stage in the pipeline`,
      );
    }
  });
  const last = stages[stages.length - 1];
  return last === '$out' || last === '$merge' ? last : undefined;
}

/**
 * `aggregate`: runs `pipeline` (mingo stages with BSON-aware `$match`/`$sort`) over a
 * collection, a view, or nothing (`aggregate: 1`, for `$documents`), and returns a cursor.
 * `$lookup`/`$unionWith` read the same database; a final `$out` replaces its target and a
 * final `$merge` writes into it. A `$changeStream` pipeline opens a change stream (see
 * change-stream.command.ts); `explain: true` explains it instead (aggregate-explain.ts).
 */
export const aggregateCommand: CommandHandler = (command, context) => {
  const { dbName, store, connectionId, sessionKey } = context;
  const target: unknown = command[commandName(command)];
  const databaseWide = target === 1;
  const name = databaseWide ? undefined : validateCollectionName(dbName, target);
  const pipeline = requiredArray(command, 'pipeline') as Document[];
  const stages = pipeline.map(stageName);
  if (optionalBoolean(command, 'explain')) return explainAggregate(command, dbName, store);
  if (!isPlainDocument(command.cursor)) {
    throw new CommandFailure(
      9,
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  if (stages[0] === '$changeStream')
    return openChangeStream(command, name, pipeline, stages, context);
  const writer = finalWriter(stages);
  if (name !== undefined) refuseMissingHintedIndex(store.getCollection(dbName, name), command.hint);
  const listsSessions = stages[0] === '$listLocalSessions';
  refuseMisplacedSessionListing(stages, databaseWide);
  const steps = pipeline.slice(0, writer ? -1 : undefined);
  const searched =
    name === undefined ? undefined : runLeadingSearch(store.getCollection(dbName, name), steps);
  const source = searched
    ? searched.source
    : listsSessions
      ? store.sessions.list(pipeline[0].$listLocalSessions)
      : name === undefined
        ? []
        : sourceDocuments(store, dbName, name, pipeline[0]);
  const body = searched ? searched.body : steps.slice(listsSessions ? 1 : 0);
  const results = runPipeline(source, body, (other) => store.readDocuments(dbName, other));
  const ns = name === undefined ? `${dbName}.$cmd.aggregate` : `${dbName}.${name}`;
  if (writer) {
    const spec: unknown = pipeline[pipeline.length - 1][writer];
    const bypassValidation = optionalBoolean(command, 'bypassDocumentValidation') ?? false;
    if (writer === '$out') writeOut(store, dbName, spec, results, bypassValidation);
    else writeMerge(store, dbName, spec, results, { bypassValidation });
    return cursorReply(store.cursors.open(ns, [], { connectionId, sessionKey }), 'firstBatch');
  }
  const batch = store.cursors.open(ns, results, {
    batchSize: cursorBatchSize(command),
    connectionId,
    sessionKey,
  });
  return cursorReply(batch, 'firstBatch');
};
