import type { MongoClient } from 'mongodb';
import { matchOptionsOf, runAndCheck, runCallbackOperation } from './check-operation';
import { checkOutcome, loadInitialData } from './collection-data';
import { EntityMap } from './entity-map';
import { describeError } from './expect-error';
import { checkExpectedEvents } from './expect-events';
import { FailPoints } from './fail-points';
import { cloneFromFile } from './load-test-file';
import { startsTransactions, terminateOpenTransactions } from './open-transactions';
import { decideSkip } from './skip-decision';
import { SpecRunnerError } from './spec-runner.error';
import type { TargetServer } from './target-server';
import type { TestRunnerContext } from './test-runner-context';
import type { UnifiedTest, UnifiedTestFile } from './unified-test-file';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** The verdict on one test. */
export type TestVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly why: string }
  | { readonly kind: 'skip'; readonly reason: string };

/** What every test of a run shares. */
export interface TestEnvironment {
  readonly uri: string;
  /** The format's "internal MongoClient": initial data, outcome, server description. */
  readonly internalClient: MongoClient;
  readonly target: TargetServer;
  /** A test still running after this long fails. */
  readonly timeoutMs: number;
}

/**
 * Runs one test as the format's "Executing a Test" says: skip decision, `initialData`
 * reloaded, fresh entities, each operation checked, event listeners stopped, fail points
 * disabled, `expectEvents` then `outcome` checked; then sessions ended, change streams and
 * clients closed, and, after a test that started transactions or failed, every open
 * transaction on the server terminated.
 */
export async function runTest(
  file: UnifiedTestFile,
  test: UnifiedTest,
  environment: TestEnvironment,
): Promise<TestVerdict> {
  const skip = await decideSkip(file, test, environment.target);
  if (skip !== undefined) return { kind: 'skip', reason: skip };
  const verdict = await runDecidedTest(file, test, environment);
  if (verdict.kind !== 'fail' && !startsTransactions(test)) return verdict;
  const cleanupError = await attempt(() => terminateOpenTransactions(environment.internalClient));
  if (cleanupError && verdict.kind === 'pass')
    return fail(`terminating open transactions: ${cleanupError}`);
  return verdict;
}

async function runDecidedTest(
  file: UnifiedTestFile,
  test: UnifiedTest,
  environment: TestEnvironment,
): Promise<TestVerdict> {
  let entities: EntityMap | undefined;
  const failPoints = new FailPoints();
  try {
    return await withTimeout(environment.timeoutMs, async () => {
      const setupError = await attempt(() =>
        loadInitialData(environment.internalClient, file.initialData),
      );
      if (setupError) return fail(`initialData: ${setupError}`);
      entities = EntityMap.create(cloneFromFile(file.createEntities) ?? [], {
        uri: environment.uri,
        topology: environment.target.topology,
      });
      const context: TestRunnerContext = {
        entities,
        failPoints,
        internalClient: environment.internalClient,
        uri: environment.uri,
        runCallbackOperation: (operation) => runCallbackOperation(operation, context),
      };
      for (const [index, operation] of test.operations.entries()) {
        const failure = await runAndCheck(operation, context);
        if (failure)
          return fail(`operation ${index + 1} (${operation.object}.${operation.name}): ${failure}`);
      }
      entities.stopObserving();
      await failPoints.disableAll();
      const eventsFailure = checkExpectedEvents(
        test.expectEvents,
        (id) => context.entities.eventLog(id),
        matchOptionsOf(context.entities),
      );
      if (eventsFailure) return fail(eventsFailure);
      let outcome: string | undefined;
      const outcomeError = await attempt(async () => {
        outcome = await checkOutcome(environment.internalClient, test.outcome);
      });
      if (outcomeError) return fail(`outcome: ${outcomeError}`);
      return outcome ? fail(outcome) : PASS;
    });
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) return { kind: 'skip', reason: error.message };
    return fail(
      error instanceof SpecRunnerError
        ? error.message
        : `unexpected error: ${describeError(error)}`,
    );
  } finally {
    await failPoints.disableAll();
    await entities?.close();
  }
}

const PASS: TestVerdict = { kind: 'pass' };

function fail(why: string): TestVerdict {
  return { kind: 'fail', why };
}

/** Runs a step around the operations; returns its error, described, or `undefined`. */
async function attempt(step: () => Promise<void>): Promise<string | undefined> {
  try {
    await step();
    return undefined;
  } catch (error) {
    if (error instanceof UnsupportedFeatureError || error instanceof SpecRunnerError) throw error;
    return describeError(error);
  }
}

async function withTimeout<T>(ms: number, action: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SpecRunnerError(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([action(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
