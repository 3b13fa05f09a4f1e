import type { Document } from 'bson';
import { CommandFailure, type CommandContext, type CommandHandler } from './command-types';
import { refuseUnsupportedCollation } from './commands/collation-refusal';
import { refuseUnknownFields } from './commands/command-fields';
import { refuseInvalidWriteConcern } from './commands/write-concern';
import { atCommandTime } from './engine/command-time';
import { withLetVariables } from './engine/let-variables';
import { ErrorCodes } from './error-codes';
import type { StandInStore } from './engine/stand-in-store';
import type { StandInState } from './stand-in-state';

/** Fields that make a command part of a transaction (or a retryable write). */
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit'] as const;
const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

/** Commands mongod runs only against the `admin` database. */
const ADMIN_ONLY_COMMANDS = new Set([
  'configureFailPoint',
  'getCmdLineOpts',
  'getLog',
  'getParameter',
  'renameCollection',
  'replSetGetStatus',
]);

/**
 * Picks the handler of a command by its name (the first key of the body), refuses what a
 * standalone mongod 7.0 refuses before any handler sees it (unknown fields, transactions,
 * write concerns only a replica set satisfies, change streams, admin-only commands on other
 * databases) and collations the stand-in does not implement, and turns the outcome into a reply document
 * with `ok`. Never throws: every failure becomes an `ok: 0` reply.
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

  /** Whether a command of this name exists. */
  has(commandName: string): boolean {
    return this.handlers.has(commandName);
  }

  /**
   * Runs one command to completion, synchronously: nothing else runs on the stand-in
   * between the parse of the command and its reply, which is what makes each command atomic.
   */
  execute(command: Document, context: CommandContext): Document {
    const name = commandNameOf(command);
    this.state.countOperation(name, command);
    try {
      // mongod registers a command's session before running it (a fake store may have none).
      (context.store as Partial<StandInStore>).sessions?.touch(command.lsid);
      const handler = this.handlers.get(name);
      // mongod knows these commands even though it refuses them on a standalone.
      if (TRANSACTION_COMMANDS.has(name)) refuseTransactions();
      if (handler === undefined) {
        throw new CommandFailure(
          ErrorCodes.CommandNotFound,
          'CommandNotFound',
          `no such command: '${name}'`,
        );
      }
      refuseWhatAStandaloneRefuses(name, command, context);
      const reply = atCommandTime(
        () => withLetVariables(command.let, () => handler(command, context)),
        command.maxTimeMS,
      );
      return { ...reply, ok: 1 };
    } catch (error) {
      if (error instanceof CommandFailure) return error.toReply();
      const message = error instanceof Error ? error.message : String(error);
      return { ok: 0, errmsg: message, code: ErrorCodes.InternalError, codeName: 'InternalError' };
    }
  }
}

/** The name of a command: the first key of its document ('' for an empty document). */
export function commandNameOf(command: Document): string {
  for (const key in command) return key;
  return '';
}

function refuseWhatAStandaloneRefuses(
  name: string,
  command: Document,
  context: CommandContext,
): void {
  refuseUnknownFields(name, command);
  if (TRANSACTION_FIELDS.some((field) => command[field] !== undefined)) refuseTransactions();
  refuseInvalidWriteConcern(command);
  refuseUnsupportedCollation(name, command);
  if (name === 'aggregate' && opensChangeStream(command.pipeline)) {
    throw new CommandFailure(
      40573,
      'Location40573',
      'The $changeStream stage is only supported on replica sets',
    );
  }
  if (ADMIN_ONLY_COMMANDS.has(name) && context.dbName !== 'admin') {
    throw new CommandFailure(
      ErrorCodes.Unauthorized,
      'Unauthorized',
      `${name} may only be run against the admin database.`,
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

function opensChangeStream(pipeline: unknown): boolean {
  if (!Array.isArray(pipeline) || pipeline.length === 0) return false;
  const first: unknown = pipeline[0];
  return first !== null && typeof first === 'object' && '$changeStream' in first;
}
