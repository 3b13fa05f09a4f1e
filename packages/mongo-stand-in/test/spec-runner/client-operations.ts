import type { AnyClientBulkWriteModel, Document, MongoClient } from 'mongodb';
import { createChangeStream } from './change-stream-operations';
import type { OperationArguments } from './operation-arguments';
import {
  documentResult,
  documentsResult,
  valueResult,
  type OperationResult,
} from './operation-result';
import { clientBulkWriteResult } from './result-documents';

/** A client operation of the format, as a driver call. */
export type ClientOperation = (
  client: MongoClient,
  args: OperationArguments,
) => Promise<OperationResult>;

/** Client operations by the format's name. */
export const CLIENT_OPERATIONS: Readonly<Record<string, ClientOperation>> = {
  createChangeStream: createChangeStream,
  async listDatabases(client, args) {
    const filter = args.optional<Document>('filter');
    const reply = await client
      .db('admin')
      .admin()
      .listDatabases({ ...args.options(), ...(filter && { filter }) });
    return documentsResult(reply.databases);
  },
  async listDatabaseNames(client, args) {
    const reply = await client
      .db('admin')
      .admin()
      .listDatabases({ ...args.options(), nameOnly: true });
    return valueResult(reply.databases.map((database) => database.name));
  },
  async clientBulkWrite(client, args) {
    // The format writes { insertOne: { namespace, document } }; the driver wants
    // { name: 'insertOne', namespace, document }.
    const models = args.required<Document[]>('models').map((model) => {
      const [name] = Object.keys(model);
      return { name, ...model[name] } as AnyClientBulkWriteModel<Document>;
    });
    return documentResult(clientBulkWriteResult(await client.bulkWrite(models, args.options())));
  },
};
