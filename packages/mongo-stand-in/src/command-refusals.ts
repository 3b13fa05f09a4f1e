import { Timestamp, type Document } from 'bson';
import { CommandFailure, type CommandContext } from './command-types';
import { refuseUnsupportedCollation } from './commands/collation-refusal';
import { refuseUnknownFields } from './commands/command-fields';
import { refuseInvalidWriteConcern } from './commands/write-concern';
import { ErrorCodes } from './error-codes';

/** Fields that make a command part of a transaction (or, `txnNumber` alone, a retryable write). */
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit'] as const;
/** Commands mongod knows even where it refuses them. */
export const TRANSACTION_COMMANDS: ReadonlySet<string> = new Set([
  'commitTransaction',
  'abortTransaction',
]);

/** Commands mongod runs only against the `admin` database. */
const ADMIN_ONLY_COMMANDS = new Set([
  'configureFailPoint',
  'getCmdLineOpts',
  'getLog',
  'getParameter',
  'renameCollection',
  'replSetGetStatus',
  'replSetStepDown',
]);

/**
 * Commands that change data or the catalog: only a primary runs them (an `aggregate` too,
 * when it ends with `$out` or `$merge`).
 */
export const PRIMARY_WRITES: ReadonlySet<string> = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'create',
  'drop',
  'dropDatabase',
  'createIndexes',
  'dropIndexes',
  'renameCollection',
  'collMod',
]);
/** Reads a secondary serves only when the read preference allows a secondary. */
const READS = new Set([
  'find',
  'aggregate',
  'count',
  'distinct',
  'listCollections',
  'listIndexes',
  'listDatabases',
]);

/** What the refusals need to know of the stand-in's mode. */
export interface Replication extends ReplicationClock {
  /** False while the member is stepped down. */
  readonly isPrimary: boolean;
}

/** The time of the member's latest write. */
interface ReplicationClock {
  readonly latestWrite: Timestamp;
}

/**
 * Refuses, before any handler sees it, what mongod 7.0 refuses in the stand-in's mode
 * (`replication`: a member of a replica set, else a standalone) and what the stand-in
 * does not implement: unknown fields, transactions (a standalone's 20; not yet implemented
 * in a replica set: 238), write concerns the deployment cannot satisfy, change streams on a standalone (40573),
 * admin-only commands on other databases, collations other than `simple`, and on a
 * stepped-down member writes (10107) and primary reads (13435).
 */
export function refuseBeforeRunning(
  name: string,
  command: Document,
  context: CommandContext,
  replication: Replication | undefined,
): void {
  const replicated = replication !== undefined;
  refuseUnknownFields(name, command);
  if (replication && !replication.isPrimary) refuseOffPrimary(name, command);
  if (TRANSACTION_COMMANDS.has(name)) refuseTransactions(replicated);
  const fields = replicated ? TRANSACTION_FIELDS.slice(1) : TRANSACTION_FIELDS;
  if (fields.some((field) => command[field] !== undefined)) refuseTransactions(replicated);
  refuseInvalidWriteConcern(command, replicated);
  refuseSnapshotReads(name, command.readConcern, replication);
  refuseUnsupportedCollation(name, command);
  if (name === 'aggregate' && !replicated && opensChangeStream(command.pipeline)) {
    refuseChangeStreams();
  }
  if (ADMIN_ONLY_COMMANDS.has(name) && context.dbName !== 'admin') {
    throw new CommandFailure(
      ErrorCodes.Unauthorized,
      'Unauthorized',
      `${name} may only be run against the admin database.`,
    );
  }
}

function refuseOffPrimary(name: string, command: Document): void {
  if (PRIMARY_WRITES.has(name) || (name === 'aggregate' && writesOut(command.pipeline))) {
    throw new CommandFailure(ErrorCodes.NotWritablePrimary, 'NotWritablePrimary', 'not primary');
  }
  if (READS.has(name) && readsFromPrimaryOnly(command.$readPreference)) {
    throw new CommandFailure(
      ErrorCodes.NotPrimaryNoSecondaryOk,
      'NotPrimaryNoSecondaryOk',
      'not primary and secondaryOk=false',
    );
  }
}

/** Whether an aggregation pipeline ends by writing (`$out`, `$merge`). */
export function writesOut(pipeline: unknown): boolean {
  if (!Array.isArray(pipeline) || pipeline.length === 0) return false;
  const last: unknown = pipeline[pipeline.length - 1];
  return last !== null && typeof last === 'object' && ('$out' in last || '$merge' in last);
}

function readsFromPrimaryOnly(readPreference: unknown): boolean {
  if (readPreference === null || typeof readPreference !== 'object') return true;
  const mode: unknown = (readPreference as Document).mode;
  return mode === undefined || mode === 'primary';
}

/** The commands that read at a snapshot outside a transaction. */
const SNAPSHOT_READS = new Set(['find', 'aggregate', 'distinct']);

/**
 * `readConcern: { level: 'snapshot' }` needs a replica set (123 on a standalone) and, outside
 * a transaction, a read command that supports it (72). The stand-in keeps no history of
 * versions, so it serves a snapshot only at its latest write: an `atClusterTime` before it is
 * refused (238) rather than answered with data that snapshot would not show.
 */
function refuseSnapshotReads(
  name: string,
  readConcern: unknown,
  replication: ReplicationClock | undefined,
): void {
  if (readConcern === null || typeof readConcern !== 'object') return;
  if ((readConcern as Document).level !== 'snapshot') return;
  if (replication === undefined) {
    throw new CommandFailure(
      ErrorCodes.NotAReplicaSet,
      'NotAReplicaSet',
      'node needs to be a replica set member to use readConcern: snapshot',
    );
  }
  if (!SNAPSHOT_READS.has(name)) {
    throw new CommandFailure(
      ErrorCodes.InvalidOptions,
      'InvalidOptions',
      `readConcern level snapshot is only valid in multi-document transactions or for the find, aggregate and distinct commands, not ${name}`,
    );
  }
  const at: unknown = (readConcern as Document).atClusterTime;
  if (at === undefined) return;
  const latest = replication.latestWrite;
  if (!(at instanceof Timestamp)) {
    throw new CommandFailure(
      ErrorCodes.TypeMismatch,
      'TypeMismatch',
      'atClusterTime must be a Timestamp',
    );
  }
  if (at.greaterThan(latest)) {
    throw new CommandFailure(
      ErrorCodes.InvalidOptions,
      'InvalidOptions',
      'readConcern atClusterTime value must not be greater than the current clusterTime',
    );
  }
  if (at.lessThan(latest)) {
    throw new CommandFailure(
      ErrorCodes.NotImplemented,
      'NotImplemented',
      'the stand-in keeps no history of versions: it cannot read at a snapshot older than its latest write',
    );
  }
}

function refuseTransactions(replicated: boolean): never {
  if (replicated) {
    throw new CommandFailure(
      ErrorCodes.NotImplemented,
      'NotImplemented',
      'the stand-in does not implement multi-document transactions yet',
    );
  }
  throw new CommandFailure(
    ErrorCodes.IllegalOperation,
    'IllegalOperation',
    'Transaction numbers are only allowed on a replica set member or mongos',
  );
}

/** A standalone has no oplog to stream changes from. */
function refuseChangeStreams(): never {
  throw new CommandFailure(
    40573,
    'Location40573',
    'The $changeStream stage is only supported on replica sets',
  );
}

function opensChangeStream(pipeline: unknown): boolean {
  if (!Array.isArray(pipeline) || pipeline.length === 0) return false;
  const first: unknown = pipeline[0];
  return first !== null && typeof first === 'object' && '$changeStream' in first;
}
