import { MongoServerError, type Document, type MongoClient } from 'mongodb';
import { describeValue } from './bson-values';
import { matchExactly } from './match';
import type { CollectionData } from './unified-test-file';

/** MongoDB's NamespaceNotFound, which servers before 7.0 answer to dropping a missing collection. */
const NAMESPACE_NOT_FOUND = 26;

/**
 * Loads `initialData` with the internal client: each collection is dropped, then its
 * documents inserted, or the collection created when there are none (the format asks for a
 * "majority" write concern, which means nothing more than the default on a standalone).
 */
export async function loadInitialData(
  client: MongoClient,
  initialData: readonly CollectionData[] | undefined,
): Promise<void> {
  for (const data of initialData ?? []) {
    const db = client.db(data.databaseName);
    try {
      await db.dropCollection(data.collectionName);
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
    }
    if (data.createOptions !== undefined || data.documents.length === 0) {
      await db.createCollection(data.collectionName, data.createOptions);
    }
    if (data.documents.length > 0) {
      await db
        .collection(data.collectionName)
        .insertMany(data.documents.map((document) => ({ ...document })));
    }
  }
}

/**
 * Checks `outcome`: each collection, read with the internal client in `_id` order, must hold
 * exactly the expected documents (no special operators, no extra fields, key order free).
 * Values are read unpromoted: a promoted symbol comes back as a plain string, which would
 * hide whether the server kept the type (numbers compare by value either way).
 * Returns `undefined` or the first difference.
 */
export async function checkOutcome(
  client: MongoClient,
  outcome: readonly CollectionData[] | undefined,
): Promise<string | undefined> {
  for (const data of outcome ?? []) {
    const namespace = `${data.databaseName}.${data.collectionName}`;
    const actual: Document[] = await client
      .db(data.databaseName)
      .collection(data.collectionName)
      .find({}, { sort: { _id: 1 }, promoteValues: false })
      .toArray();
    if (actual.length !== data.documents.length) {
      return `outcome ${namespace}: expected ${data.documents.length} document(s), got ${actual.length}: ${describeValue(actual, 300)}`;
    }
    for (let index = 0; index < actual.length; index++) {
      const failure = matchExactly(data.documents[index], actual[index], `[${index}]`);
      if (failure) return `outcome ${namespace}${failure}`;
    }
  }
  return undefined;
}
