import { Timestamp, type Document } from 'bson';
import { CommandFailure, type CommandContext } from './command-types';
import { refuseUnsupportedCollation } from './commands/collation-refusal';
import { refuseUnknownFields } from './commands/command-fields';
import { refuseInvalidWriteConcern } from './commands/write-concern';
import { ErrorCodes } from './error-codes';
import { isTransactionCommand } from './transactions';

/** Fields that make a command part of a transaction (or, `txnNumber` alone, a retryable write). */
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit'] as const;
/** The commands that end a transaction (mongod knows them even where it refuses them). */
export const TRANSACTION_COMMANDS: ReadonlySet<string> = new Set([
  'commitTransaction',
  'abortTransaction',
]);

/** The commands mongod 7.0 runs inside a multi-document transaction. */
const ALLOWED_IN_TRANSACTIONS = new Set([
  ...TRANSACTION_COMMANDS,
  'aggregate',
  'create',
  'createIndexes',
  'delete',
  'distinct',
  'find',
  'findAndModify',
  'getMore',
  'insert',
  'killCursors',
  'update',
]);

/** Commands mongod runs only against the `admin` database. */
const ADMIN_ONLY_COMMANDS = new Set([
  ...TRANSACTION_COMMANDS,
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
 * does not implement: unknown fields, transactions on a standalone (20) and, in a replica
 * set, what a transaction may not run (see {@link refuseInTransaction}), write concerns the
 * deployment cannot satisfy, change streams on a standalone (40573), admin-only commands on
 * other databases, collations other than `simple`, and on a stepped-down member writes,
 * commits and aborts (10107) and primary reads (13435).
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
  const inTransaction = replicated && isTransactionCommand(command);
  if (!replicated && TRANSACTION_COMMANDS.has(name)) refuseTransactions();
  if (!replicated && TRANSACTION_FIELDS.some((field) => command[field] !== undefined)) {
    refuseTransactions();
  }
  if (inTransaction) refuseInTransaction(name, command);
  else if (TRANSACTION_COMMANDS.has(name) && command.txnNumber === undefined) {
    throw new CommandFailure(
      ErrorCodes.CommandFailed,
      'CommandFailed',
      `${name} must be run within a transaction`,
    );
  }
  // A commit or abort reports an unsatisfiable write concern once done (see below).
  if (!inTransaction || !TRANSACTION_COMMANDS.has(name)) {
    refuseInvalidWriteConcern(command, replicated);
  }
  refuseSnapshotReads(name, command.readConcern, replication, inTransaction);
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
  if (
    PRIMARY_WRITES.has(name) ||
    TRANSACTION_COMMANDS.has(name) ||
    (name === 'aggregate' && writesOut(command.pipeline))
  ) {
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

/**
 * What mongod 7.0 refuses inside a transaction: commands other than reads, writes and the
 * creation of collections and indexes (263), a write concern on anything but its commit or
 * abort (72), and aggregations that write or watch (`$out`, `$merge`, `$changeStream`: 263).
 */
function refuseInTransaction(name: string, command: Document): void {
  if (!ALLOWED_IN_TRANSACTIONS.has(name)) {
    throw notAllowedInTransaction(`Cannot run '${name}' in a multi-document transaction.`);
  }
  if (command.writeConcern !== undefined && !TRANSACTION_COMMANDS.has(name)) {
    throw new CommandFailure(
      ErrorCodes.InvalidOptions,
      'InvalidOptions',
      'writeConcern is not allowed within a multi-statement transaction',
    );
  }
  if (name !== 'aggregate') return;
  if (opensChangeStream(command.pipeline)) {
    throw notAllowedInTransaction(
      'Operation not permitted in transaction :: caused by :: $changeStream cannot run in a multi-document transaction',
    );
  }
  if (writesOut(command.pipeline)) {
    const stages = command.pipeline as Document[];
    const stage = '$out' in stages[stages.length - 1] ? '$out' : '$merge';
    throw notAllowedInTransaction(`${stage} cannot be used in a transaction`);
  }
}

/**
 * The `writeConcernError` of a `commitTransaction` or `abortTransaction` whose write concern
 * the one-member set cannot satisfy (100 UnsatisfiableWriteConcern, 79
 * UnknownReplWriteConcern): mongod ends the transaction first, then reports that it could
 * not wait for the write concern, so a commit is applied all the same.
 * @throws CommandFailure for a write concern that is invalid in itself.
 */
export function endOfTransactionConcernError(command: Document): Document | undefined {
  try {
    refuseInvalidWriteConcern(command, true);
    return undefined;
  } catch (error) {
    const unsatisfiable =
      error instanceof CommandFailure &&
      (error.code === ErrorCodes.UnsatisfiableWriteConcern ||
        error.code === ErrorCodes.UnknownReplWriteConcern);
    if (!unsatisfiable) throw error;
    return { code: error.code, codeName: error.codeName, errmsg: error.message };
  }
}

function notAllowedInTransaction(message: string): CommandFailure {
  return new CommandFailure(
    ErrorCodes.OperationNotSupportedInTransaction,
    'OperationNotSupportedInTransaction',
    message,
  );
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
  inTransaction: boolean,
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
  if (!inTransaction && !SNAPSHOT_READS.has(name)) {
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
}

function refuseTransactions(): never {
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
