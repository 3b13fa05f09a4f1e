import { Timestamp, type Document } from 'bson';
import { CommandFailure, type CommandContext, type CommandHandler } from './command-types';
import {
  endOfTransactionConcernError,
  PRIMARY_WRITES,
  refuseBeforeRunning,
  TRANSACTION_COMMANDS,
  writesOut,
} from './command-refusals';
import { atCommandTime } from './engine/command-time';
import { withLetVariables } from './engine/let-variables';
import { ErrorCodes } from './error-codes';
import type { StandInStore } from './engine/stand-in-store';
import { isRetryableWrite, labelRetryableError, runRetryableWrite } from './retryable-writes';
import type { StandInState } from './stand-in-state';
import { isTransactionCommand, labelTransactionError, runTransactionCommand } from './transactions';

/**
 * Picks the handler of a command by its name (the first key of the body), refuses what
 * mongod 7.0 refuses in the stand-in's mode before any handler sees it (see
 * command-refusals.ts), and turns the outcome into a reply document with `ok`. Never
 * throws: every failure becomes an `ok: 0` reply.
 */
export class CommandRouter {
  private readonly handlers: ReadonlyMap<string, CommandHandler>;

  /**
   * @param handlerSets merged in order; a name defined twice is a programming error.
   * @throws Error when two sets define the same command.
   */
  constructor(
    handlerSets: ReadonlyArray<Readonly<Record<string, CommandHandler>>>,
    private readonly state: StandInState,
  ) {
    const handlers = new Map<string, CommandHandler>();
    for (const set of handlerSets) {
      for (const [name, handler] of Object.entries(set)) {
        if (handlers.has(name)) throw new Error(`stand-in command '${name}' is defined twice`);
        handlers.set(name, handler);
      }
    }
    this.handlers = handlers;
  }

  /** Whether a command of this name exists (`commitTransaction` and `abortTransaction` do). */
  has(commandName: string): boolean {
    return this.handlers.has(commandName) || TRANSACTION_COMMANDS.has(commandName);
  }

  /**
   * Runs one command to completion, synchronously: nothing else runs on the stand-in
   * between the parse of the command and its reply, which is what makes each command atomic.
   * In replica-set mode a write advances the cluster clock, a retryable write runs once per
   * `(lsid, txnNumber)`, a transaction's command runs inside its transaction (see
   * transactions.ts), and every reply carries the cluster time (see {@link finish}).
   */
  execute(command: Document, context: CommandContext): Document {
    const name = commandNameOf(command);
    this.state.countOperation(name, command);
    const member = this.state.replicaSet;
    let reply: Document;
    try {
      // mongod registers a command's session before running it (a fake store may have none).
      const sessions = (context.store as Partial<StandInStore>).sessions;
      const sessionKey = context.sessionKey ?? sessions?.keyOf(command.lsid);
      sessions?.touch(command.lsid, sessionKey);
      const handler = this.handlers.get(name);
      if (handler === undefined && !TRANSACTION_COMMANDS.has(name)) {
        throw new CommandFailure(
          ErrorCodes.CommandNotFound,
          'CommandNotFound',
          `no such command: '${name}'`,
        );
      }
      refuseBeforeRunning(name, command, context, member);
      const timeBefore = member?.latestWrite;
      const inTransaction = member !== undefined && isTransactionCommand(command);
      const snapshotTime =
        member && !inTransaction ? snapshotReadTime(command, member.latestWrite) : undefined;
      const run = (): Document => {
        const body = atCommandTime(
          () => withLetVariables(command.let, () => handler!(command, context)),
          command.maxTimeMS,
        );
        // Each recorded change ticks the clock; a write that recorded none (an index, an
        // empty update) still gets its own operation time.
        // A transaction's writes are made at its commit, not here.
        const wrote =
          !inTransaction &&
          (PRIMARY_WRITES.has(name) || (name === 'aggregate' && writesOut(command.pipeline)));
        if (member && wrote && member.latestWrite === timeBefore) member.clock.tick();
        return snapshotTime ? withAtClusterTime(body, snapshotTime) : Object.assign({}, body, OK);
      };
      if (inTransaction && sessions) {
        const concernError = TRANSACTION_COMMANDS.has(name)
          ? endOfTransactionConcernError(command)
          : undefined;
        reply = runTransactionCommand(name, command, context.store, run);
        if (concernError && reply.ok === 1) reply = { ...reply, writeConcernError: concernError };
      } else if (member && sessions && isRetryableWrite(command)) {
        reply = runRetryableWrite(name, command, sessions, sessionKey, run);
      } else if (snapshotTime && member) {
        const view = context.store.readSnapshots.viewAt(snapshotTime, member.latestWrite);
        reply = view ? context.store.withinTransaction(view, run) : run();
      } else {
        reply = run();
      }
    } catch (error) {
      reply = failureReply(error);
    }
    return this.finish(command, reply);
  }

  /** Whether `command` is a retryable write here (a replica-set member's `txnNumber` write). */
  isRetryableWrite(command: Document): boolean {
    return this.state.replicaSet !== undefined && isRetryableWrite(command);
  }

  /**
   * What every reply gets in replica-set mode, including replies a fail point makes up: the
   * cluster time it gossips (`$clusterTime`, `operationTime`) and the error labels mongod
   * gives: `RetryableWriteError` to a retryable write that failed retryably, and a
   * transaction's labels to its commands' failures (see transactions.ts). A standalone's
   * replies stay as they are.
   */
  finish(command: Document, reply: Document): Document {
    const member = this.state.replicaSet;
    if (member === undefined) return reply;
    let labelled = reply;
    if (isTransactionCommand(command)) {
      labelled = labelTransactionError(commandNameOf(command), reply);
    } else if (isRetryableWrite(command)) {
      labelled = labelRetryableError(reply);
    }
    // Object.assign, not a spread: V8 builds `{ ...reply, more }` far slower, on every reply.
    return Object.assign(
      {},
      labelled,
      {
        operationTime: member.clock.lastWrite,
        $clusterTime: member.clock.gossip(),
      },
      // As mongod: a "not primary" error says which topology it belongs to, so that a driver
      // that already learned of a later one (an election since) ignores it as stale.
      isNotPrimaryError(reply) ? { topologyVersion: this.state.topologyVersion() } : undefined,
    );
  }
}

/**
 * The time a snapshot read reads at: its `atClusterTime` (checked already: a Timestamp not
 * after the latest write), else the latest write's; undefined for any other read.
 */
function snapshotReadTime(command: Document, latest: Timestamp): Timestamp | undefined {
  const readConcern: unknown = command.readConcern;
  if (readConcern === null || typeof readConcern !== 'object') return undefined;
  const { level, atClusterTime } = readConcern as Document;
  if (level !== 'snapshot') return undefined;
  return atClusterTime instanceof Timestamp ? atClusterTime : latest;
}

/** A snapshot read's reply says the time it read at (in its cursor, when it has one). */
function withAtClusterTime(body: Document, atClusterTime: Timestamp): Document {
  const cursor: unknown = body.cursor;
  return cursor !== null && typeof cursor === 'object'
    ? { ...body, cursor: { ...(cursor as Document), atClusterTime }, ok: 1 }
    : { ...body, atClusterTime, ok: 1 };
}

/** mongod's NotPrimaryError category: the errors of a member that is not (or no longer) primary. */
const NOT_PRIMARY_CODES: ReadonlySet<number> = new Set([
  ErrorCodes.NotWritablePrimary,
  ErrorCodes.NotPrimaryNoSecondaryOk,
  ErrorCodes.NotPrimaryOrSecondary,
  ErrorCodes.InterruptedDueToReplStateChange,
  ErrorCodes.PrimarySteppedDown,
]);

/** Whether a reply failed, or its write concern did, with a NotPrimaryError. */
function isNotPrimaryError(reply: Document): boolean {
  if (reply.ok !== 1 && NOT_PRIMARY_CODES.has(reply.code as number)) return true;
  const concern: unknown = reply.writeConcernError;
  return (
    concern !== null &&
    typeof concern === 'object' &&
    NOT_PRIMARY_CODES.has((concern as Document).code as number)
  );
}

/** What a successful reply adds to its handler's body. */
const OK = Object.freeze({ ok: 1 });

function failureReply(error: unknown): Document {
  if (error instanceof CommandFailure) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  return { ok: 0, errmsg: message, code: ErrorCodes.InternalError, codeName: 'InternalError' };
}

/** The name of a command: the first key of its document ('' for an empty document). */
export function commandNameOf(command: Document): string {
  for (const key in command) return key;
  return '';
}
