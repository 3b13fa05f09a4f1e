import { isDocument } from './bson-values';
import type { Operation } from './unified-test-file';

/**
 * Why the official Node.js driver cannot run `operation` as the specification means it, or
 * `undefined`. These are driver gaps, not server ones; the driver's own spec runner skips
 * the same tests.
 *
 * - NODE-6468: `insertOne`, `insertMany` and `bulkWrite`'s `insertOne` replace an `_id` that is
 *   `null` with a new ObjectId before sending (its `maybeAddIdToDocuments` tests
 *   `_id == null`), so the server never sees the null `_id` the test inserts.
 */
export function driverLimitation(operation: Operation): string | undefined {
  if (
    insertedDocuments(operation).some((document) => isDocument(document) && document._id === null)
  ) {
    return 'the Node.js driver replaces a null _id with a new ObjectId before sending the insert (NODE-6468)';
  }
  return undefined;
}

function insertedDocuments(operation: Operation): unknown[] {
  const args = operation.arguments ?? {};
  switch (operation.name) {
    case 'insertOne':
      return [args.document];
    case 'insertMany':
      return Array.isArray(args.documents) ? args.documents : [];
    case 'bulkWrite':
      return Array.isArray(args.requests)
        ? args.requests.map(
            (request: { insertOne?: { document?: unknown } }) => request.insertOne?.document,
          )
        : [];
    default:
      return [];
  }
}
