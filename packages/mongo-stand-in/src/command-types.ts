import type { Document } from 'bson';
import type { StandInStore } from './engine/stand-in-store';

/** What a command handler of the stand-in sees besides the command document. */
export interface CommandContext {
  /** The database the command was sent to (`$db`). */
  readonly dbName: string;
  /** All databases, collections, indexes and open cursors of this stand-in. */
  readonly store: StandInStore;
  /** The connection the command arrived on (cursors and sessions may be tied to it). */
  readonly connectionId: number;
  /** The logical session the command carried (`lsid.id`, as hex), if any: cursors end with it. */
  readonly sessionKey?: string;
}

/**
 * A command handler. It is synchronous on purpose: the stand-in runs every command to
 * completion before it reads the next, which is what makes `findAndModify` atomic per
 * document, as in MongoDB. It returns the reply body without `ok` (the router adds `ok: 1`)
 * and throws {@link CommandFailure} for a command-level error (`ok: 0`).
 */
export type CommandHandler = (command: Document, context: CommandContext) => Document;

/** A command-level failure, answered as `{ ok: 0, errmsg, code, codeName, ...extra }`. */
export class CommandFailure extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  override get name(): string {
    return 'CommandFailure';
  }

  /** The reply document MongoDB sends for this failure. */
  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** mongod's refusal of a field it does not know: 40415 "BSON field 'path' is an unknown field." */
export function unknownField(path: string): CommandFailure {
  return new CommandFailure(40415, 'Location40415', `BSON field '${path}' is an unknown field.`);
}
