import { MongoClient, type Document } from 'mongodb';
import { singleServerUri } from './client-options';
import { pinnedServerAddress } from './driver-internals';
import type { OperationArguments } from './operation-arguments';
import { valueResult, type OperationResult } from './operation-result';
import { SESSION_ASSERTIONS } from './session-assertions';
import { SpecRunnerError } from './spec-runner.error';
import type { TestRunnerContext } from './test-runner-context';
import type { EntityDescription } from './unified-test-file';

/** A special operation (`object: testRunner`). */
export type TestRunnerOperation = (
  context: TestRunnerContext,
  args: OperationArguments,
) => Promise<OperationResult>;

const NOTHING = valueResult(undefined);

/** The special operations this runner offers, by name. */
export const TEST_RUNNER_OPERATIONS: Readonly<Record<string, TestRunnerOperation>> = {
  ...SESSION_ASSERTIONS,
  async failPoint(context, args) {
    const client = context.entities.client(args.required<string>('client'));
    await context.failPoints.configure(client, args.required<Document>('failPoint'));
    return NOTHING;
  },
  /**
   * A fail point on the mongos `session`'s transaction is pinned to, through a client
   * connected to that mongos only; an unpinned session is an error of the test.
   */
  async targetedFailPoint(context, args) {
    const id = args.required<string>('session');
    const failPoint = args.required<Document>('failPoint');
    const address = pinnedServerAddress(context.entities.session(id));
    if (address === undefined) {
      throw new SpecRunnerError(`targetedFailPoint: session ${id} is not pinned to a mongos`);
    }
    const uri = singleServerUri(context.uri, address);
    await context.failPoints.configureOnServer(() => new MongoClient(uri), failPoint);
    return NOTHING;
  },
  async createEntities(context, args) {
    context.entities.addAll(args.required<EntityDescription[]>('entities'));
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
