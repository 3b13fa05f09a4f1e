import type { MongoClient } from 'mongodb';
import type { EntityMap } from './entity-map';
import type { FailPoints } from './fail-points';
import type { Operation } from './unified-test-file';

/** What the operations of one test work with. */
export interface TestRunnerContext {
  readonly entities: EntityMap;
  readonly failPoints: FailPoints;
  /** The runner's own client (the format's "internal MongoClient"). */
  readonly internalClient: MongoClient;
  /** The connection string of the deployment under test. */
  readonly uri: string;
  /**
   * Runs one operation of a `withTransaction` callback with its assertions. Throws the
   * operation's own error when it fails (so that the transaction sees it, whatever the
   * test expected), or a `SpecRunnerError` when an assertion does not hold.
   */
  readonly runCallbackOperation: (operation: Operation) => Promise<void>;
}
