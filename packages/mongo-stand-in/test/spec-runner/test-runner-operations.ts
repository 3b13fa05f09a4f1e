import type { Document, MongoClient } from 'mongodb';
import type { EntityMap } from './entity-map';
import type { FailPoints } from './fail-points';
import type { OperationArguments } from './operation-arguments';
import { SpecRunnerError } from './spec-runner.error';
import { valueResult, type OperationResult } from './operation-result';

/** What the special `testRunner` operations work with. */
export interface TestRunnerContext {
  readonly entities: EntityMap;
  readonly failPoints: FailPoints;
  /** The runner's own client (the format's "internal MongoClient"). */
  readonly internalClient: MongoClient;
}

/** A special operation (`object: testRunner`). */
export type TestRunnerOperation = (
  context: TestRunnerContext,
  args: OperationArguments,
) => Promise<OperationResult>;

const NOTHING = valueResult(undefined);

/** The special operations this runner offers, by name. */
export const TEST_RUNNER_OPERATIONS: Readonly<Record<string, TestRunnerOperation>> = {
  async failPoint(context, args) {
    const client = context.entities.client(args.required<string>('client'));
    await context.failPoints.configure(client, args.required<Document>('failPoint'));
    return NOTHING;
  },
  async assertCollectionExists(context, args) {
    await assertCollection(context, args, true);
    return NOTHING;
  },
  async assertCollectionNotExists(context, args) {
    await assertCollection(context, args, false);
    return NOTHING;
  },
  async assertIndexExists(context, args) {
    await assertIndex(context, args, true);
    return NOTHING;
  },
  async assertIndexNotExists(context, args) {
    await assertIndex(context, args, false);
    return NOTHING;
  },
};

async function assertCollection(
  context: TestRunnerContext,
  args: OperationArguments,
  exists: boolean,
) {
  const databaseName = args.required<string>('databaseName');
  const collectionName = args.required<string>('collectionName');
  const found = await context.internalClient
    .db(databaseName)
    .listCollections({ name: collectionName }, { nameOnly: true })
    .toArray();
  if (found.length > 0 !== exists) {
    throw new SpecRunnerError(
      `collection ${databaseName}.${collectionName} ${exists ? 'does not exist' : 'exists'}`,
    );
  }
}

async function assertIndex(context: TestRunnerContext, args: OperationArguments, exists: boolean) {
  const databaseName = args.required<string>('databaseName');
  const collectionName = args.required<string>('collectionName');
  const indexName = args.required<string>('indexName');
  const indexes = await context.internalClient
    .db(databaseName)
    .collection(collectionName)
    .listIndexes()
    .toArray()
    .catch(() => []);
  if (indexes.some((index) => index.name === indexName) !== exists) {
    throw new SpecRunnerError(
      `index ${indexName} on ${databaseName}.${collectionName} ${exists ? 'does not exist' : 'exists'}`,
    );
  }
}
