import type {
  BulkWriteResult,
  ClientBulkWriteResult,
  DeleteResult,
  Document,
  InsertManyResult,
  InsertOneResult,
  UpdateResult,
} from 'mongodb';

/**
 * Converts the driver's result objects to the documents the CRUD specification describes,
 * which is what `expectResult` is written against.
 */

export function insertOneResult(result: InsertOneResult): Document {
  return { insertedId: result.insertedId };
}

export function insertManyResult(result: InsertManyResult): Document {
  return { insertedIds: indexKeyed(result.insertedIds) };
}

export function updateResult(result: UpdateResult): Document {
  return {
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedCount: result.upsertedCount,
    upsertedId: result.upsertedId,
  };
}

export function deleteResult(result: DeleteResult): Document {
  return { deletedCount: result.deletedCount };
}

/** Also used for the partial result a `MongoBulkWriteError` carries. */
export function bulkWriteResult(result: BulkWriteResult): Document {
  return {
    deletedCount: result.deletedCount,
    insertedCount: result.insertedCount,
    insertedIds: indexKeyed(result.insertedIds),
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedCount: result.upsertedCount,
    upsertedIds: indexKeyed(result.upsertedIds),
  };
}

export function clientBulkWriteResult(result: ClientBulkWriteResult): Document {
  const document: Document = {
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  if (result.insertResults) document.insertResults = mapToDocument(result.insertResults);
  if (result.updateResults) document.updateResults = mapToDocument(result.updateResults);
  if (result.deleteResults) document.deleteResults = mapToDocument(result.deleteResults);
  return document;
}

/** `{ '0': id, '3': id }` from the driver's index-keyed objects (which may be sparse). */
function indexKeyed(ids: Record<number, unknown> | undefined): Document {
  const document: Document = {};
  for (const [index, id] of Object.entries(ids ?? {})) document[String(index)] = id;
  return document;
}

function mapToDocument(map: ReadonlyMap<number, unknown>): Document {
  const document: Document = {};
  for (const [index, value] of map) document[String(index)] = { ...(value as Document) };
  return document;
}
