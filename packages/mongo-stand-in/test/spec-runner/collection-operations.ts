import type { AnyBulkWriteOperation, Collection, Document, Filter } from 'mongodb';
import { createChangeStream } from './change-stream-operations';
import type { OperationArguments } from './operation-arguments';
import {
  documentResult,
  documentsResult,
  valueResult,
  type OperationResult,
} from './operation-result';
import {
  bulkWriteResult,
  deleteResult,
  insertManyResult,
  insertOneResult,
  updateResult,
} from './result-documents';

/** A collection operation of the format, as a driver call. */
export type CollectionOperation = (
  collection: Collection,
  args: OperationArguments,
) => Promise<OperationResult>;

/**
 * Collection operations by the format's name. Positional parameters are taken first; what
 * is left of `arguments` becomes the driver's options (see `OperationArguments.options`).
 * Cursors are read to the end, as the format requires.
 */
export const COLLECTION_OPERATIONS: Readonly<Record<string, CollectionOperation>> = {
  createChangeStream: createChangeStream,
  async insertOne(collection, args) {
    const document = args.required<Document>('document');
    return documentResult(insertOneResult(await collection.insertOne(document, args.options())));
  },
  async insertMany(collection, args) {
    const documents = args.required<Document[]>('documents');
    return documentResult(insertManyResult(await collection.insertMany(documents, args.options())));
  },
  async bulkWrite(collection, args) {
    // The format's request models use the driver's own names ({ updateOne: { filter, update,
    // upsert, arrayFilters, hint } }, ...), so they are passed as they are.
    const requests = args.required<AnyBulkWriteOperation[]>('requests');
    return documentResult(bulkWriteResult(await collection.bulkWrite(requests, args.options())));
  },
  async updateOne(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    const update = args.required<Document | Document[]>('update');
    return documentResult(updateResult(await collection.updateOne(filter, update, args.options())));
  },
  async updateMany(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    const update = args.required<Document | Document[]>('update');
    return documentResult(
      updateResult(await collection.updateMany(filter, update, args.options())),
    );
  },
  async replaceOne(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    const replacement = args.required<Document>('replacement');
    return documentResult(
      updateResult(await collection.replaceOne(filter, replacement, args.options())),
    );
  },
  async deleteOne(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    return documentResult(deleteResult(await collection.deleteOne(filter, args.options())));
  },
  async deleteMany(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    return documentResult(deleteResult(await collection.deleteMany(filter, args.options())));
  },
  async find(collection, args) {
    const filter = args.optional<Filter<Document>>('filter') ?? {};
    return documentsResult(await collection.find(filter, args.options()).toArray());
  },
  async findOne(collection, args) {
    const filter = args.optional<Filter<Document>>('filter') ?? {};
    return documentResult(await collection.findOne(filter, args.options()));
  },
  async findOneAndUpdate(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    const update = args.required<Document | Document[]>('update');
    return documentResult(await collection.findOneAndUpdate(filter, update, args.options()));
  },
  async findOneAndReplace(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    const replacement = args.required<Document>('replacement');
    return documentResult(await collection.findOneAndReplace(filter, replacement, args.options()));
  },
  async findOneAndDelete(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    return documentResult(await collection.findOneAndDelete(filter, args.options()));
  },
  async countDocuments(collection, args) {
    const filter = args.required<Filter<Document>>('filter');
    return valueResult(await collection.countDocuments(filter, args.options()));
  },
  async estimatedDocumentCount(collection, args) {
    return valueResult(await collection.estimatedDocumentCount(args.options()));
  },
  async count(collection, args) {
    // Deprecated in the driver but still there; it sends the `count` command.
    const filter = args.optional<Filter<Document>>('filter') ?? {};
    return valueResult(await collection.count(filter, args.options()));
  },
  async distinct(collection, args) {
    const fieldName = args.required<string>('fieldName');
    const filter = args.required<Filter<Document>>('filter');
    return valueResult(await collection.distinct(fieldName, filter, args.options()));
  },
  async aggregate(collection, args) {
    const pipeline = args.required<Document[]>('pipeline');
    return documentsResult(await collection.aggregate(pipeline, args.options()).toArray());
  },
  async createIndex(collection, args) {
    const keys = args.required<Document>('keys');
    return valueResult(await collection.createIndex(keys, args.options()));
  },
  async dropIndex(collection, args) {
    const name = args.required<string>('name');
    return documentResult(await collection.dropIndex(name, args.options()));
  },
  async listIndexes(collection, args) {
    return documentsResult(await collection.listIndexes(args.options()).toArray());
  },
  async listIndexNames(collection, args) {
    const indexes = await collection.listIndexes(args.options()).toArray();
    return valueResult(indexes.map((index) => index.name));
  },
  async drop(collection, args) {
    return valueResult(await collection.drop(args.options()));
  },
  async rename(collection, args) {
    const to = args.required<string>('to');
    // The renamed Collection is the result, so that saveResultAsEntity can keep it.
    return valueResult(await collection.rename(to, args.options()));
  },
};
