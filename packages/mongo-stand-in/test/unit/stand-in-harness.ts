import type { Document } from 'bson';
import { CommandFailure } from '../../src/command-types';
import { dataCommands } from '../../src/commands/data-commands';
import { atCommandTime } from '../../src/engine/command-time';
import { StandInStore } from '../../src/engine/stand-in-store';

/**
 * Calls data-command handlers directly, as the router does: `ok: 1` added to a reply, a
 * CommandFailure turned into its `ok: 0` reply.
 */
export class StandInHarness {
  readonly store = new StandInStore();

  constructor(readonly dbName = 'test') {}

  run(command: Document, dbName = this.dbName): Document {
    const name = Object.keys(command)[0];
    const handler = dataCommands[name];
    if (!handler) throw new Error(`no data command ${name}`);
    try {
      const context = { dbName, store: this.store, connectionId: 1 };
      return { ...atCommandTime(() => handler(command, context)), ok: 1 };
    } catch (error) {
      if (error instanceof CommandFailure) return error.toReply();
      throw error;
    }
  }

  /** Runs a command that must succeed and returns its reply. */
  ok(command: Document, dbName = this.dbName): Document {
    const reply = this.run(command, dbName);
    if (reply.ok !== 1) throw new Error(`command failed: ${JSON.stringify(reply)}`);
    return reply;
  }

  insert(collection: string, documents: Document[]): Document {
    return this.ok({ insert: collection, documents });
  }

  /** Every document of a collection, in natural order. */
  all(collection: string, filter: Document = {}, sort?: Document): Document[] {
    return this.find(collection, { filter, sort });
  }

  /** Runs find and drains the cursor with getMore. */
  find(collection: string, options: Document = {}): Document[] {
    const reply = this.ok({ find: collection, ...options });
    const out = [...(reply.cursor.firstBatch as Document[])];
    let id = reply.cursor.id;
    while (!id.isZero()) {
      const more = this.ok({ getMore: id, collection, batchSize: options.batchSize });
      out.push(...(more.cursor.nextBatch as Document[]));
      id = more.cursor.id;
    }
    return out;
  }
}
