import { isDocument } from './bson-values';
import type { Operation } from './unified-test-file';

/**
 * Why the official Node.js driver cannot run `operation` as the specification means it, or
 * `undefined`. These are driver gaps, not server ones: a real mongod never sees the command.
 *
 * - NODE-6468: `insertOne`, `insertMany` and `bulkWrite`'s `insertOne` replace an `_id` that is
 *   `null` with a new ObjectId before sending (its `maybeAddIdToDocuments` tests
 *   `_id == null`), so the server never sees the null `_id` the test inserts; the driver's
 *   own spec runner skips the same tests.
 * - An empty update pipeline (`update: []`, which mongod accepts as a no-op update since the
 *   specification's DRIVERS-2638 tests): the driver's `hasAtomicOperators` finds no `$`
 *   stage in it and throws `MongoInvalidArgumentError` before sending, for `updateOne`,
 *   `updateMany`, `findOneAndUpdate` and `bulkWrite`'s `updateOne` / `updateMany`.
 */
export function driverLimitation(operation: Operation): string | undefined {
  if (
    insertedDocuments(operation).some((document) => isDocument(document) && document._id === null)
  ) {
    return 'the Node.js driver replaces a null _id with a new ObjectId before sending the insert (NODE-6468)';
  }
  if (updates(operation).some((update) => Array.isArray(update) && update.length === 0)) {
    return 'the Node.js driver refuses an empty update pipeline before sending it ("Update document requires atomic operators")';
  }
  return undefined;
}

/** The `wtimeout` the Node.js driver adds to the write concern of a transaction's end. */
const DRIVER_END_WTIMEOUT = 10_000;

/**
 * An observed `commitTransaction` or `abortTransaction` as the specification expects it
 * sent. The Node.js driver adds `wtimeout: 10000` to their write concern whenever they have
 * one (its `sessions.ts`), where the transactions specification adds it to a retried commit
 * only; so when `expected` names a write concern without `wtimeout`, that addition is dropped
 * from the command before it is matched. Any other command is returned as it is.
 */
export function withoutDriverWtimeout(expected: unknown, command: unknown): unknown {
  if (!isDocument(expected) || !isDocument(command)) return command;
  if (command.commitTransaction === undefined && command.abortTransaction === undefined) {
    return command;
  }
  const wanted: unknown = expected.writeConcern;
  const sent: unknown = command.writeConcern;
  if (!isDocument(wanted) || 'wtimeout' in wanted || !isDocument(sent)) return command;
  if (sent.wtimeout !== DRIVER_END_WTIMEOUT) return command;
  const { wtimeout: _dropped, ...writeConcern } = sent;
  return { ...command, writeConcern };
}

function insertedDocuments(operation: Operation): unknown[] {
  const args = operation.arguments ?? {};
  switch (operation.name) {
    case 'insertOne':
      return [args.document];
    case 'insertMany':
      return Array.isArray(args.documents) ? args.documents : [];
    case 'bulkWrite':
      return bulkRequests(operation).map((request) => request.insertOne?.document);
    default:
      return [];
  }
}

/** The `update` arguments of an operation: its own, or those of its bulk update requests. */
function updates(operation: Operation): unknown[] {
  const args = operation.arguments ?? {};
  switch (operation.name) {
    case 'updateOne':
    case 'updateMany':
    case 'findOneAndUpdate':
      return [args.update];
    case 'bulkWrite':
      return bulkRequests(operation).flatMap((request) => [
        request.updateOne?.update,
        request.updateMany?.update,
      ]);
    default:
      return [];
  }
}

interface BulkRequest {
  readonly insertOne?: { readonly document?: unknown };
  readonly updateOne?: { readonly update?: unknown };
  readonly updateMany?: { readonly update?: unknown };
}

function bulkRequests(operation: Operation): BulkRequest[] {
  const requests: unknown = operation.arguments?.requests;
  return Array.isArray(requests) ? requests.filter(isDocument) : [];
}
