import type { Db, Document } from 'mongodb';
import { createChangeStream } from './change-stream-operations';
import type { OperationArguments } from './operation-arguments';
import {
  documentResult,
  documentsResult,
  valueResult,
  type OperationResult,
} from './operation-result';

/** A database operation of the format, as a driver call. */
export type DatabaseOperation = (db: Db, args: OperationArguments) => Promise<OperationResult>;

/** Database operations by the format's name. */
export const DATABASE_OPERATIONS: Readonly<Record<string, DatabaseOperation>> = {
  createChangeStream: createChangeStream,
  async aggregate(db, args) {
    const pipeline = args.required<Document[]>('pipeline');
    return documentsResult(await db.aggregate(pipeline, args.options()).toArray());
  },
  async createCollection(db, args) {
    const name = args.required<string>('collection');
    // The Collection itself is the result, so that saveResultAsEntity can keep it.
    return valueResult(await db.createCollection(name, args.options()));
  },
  async dropCollection(db, args) {
    const name = args.required<string>('collection');
    return valueResult(await db.dropCollection(name, args.options()));
  },
  async listCollections(db, args) {
    const filter = args.optional<Document>('filter') ?? {};
    return documentsResult(await db.listCollections(filter, args.options()).toArray());
  },
  async listCollectionNames(db, args) {
    const filter = args.optional<Document>('filter') ?? {};
    const collections = await db
      .listCollections(filter, { ...args.options(), nameOnly: true })
      .toArray();
    return valueResult(collections.map((collection) => collection.name));
  },
  async runCommand(db, args) {
    const command = args.required<Document>('command');
    args.optional('commandName');
    return documentResult(await db.command(command, args.options()));
  },
};
