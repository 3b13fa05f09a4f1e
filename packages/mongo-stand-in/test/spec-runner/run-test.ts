import type { MongoClient } from 'mongodb';
import { describeValue } from './bson-values';
import { checkOutcome, loadInitialData } from './collection-data';
import { EntityMap } from './entity-map';
import { checkError, describeError } from './expect-error';
import { checkExpectedEvents, type EventMatchOptions } from './expect-events';
import { FailPoints } from './fail-points';
import { cloneFromFile } from './load-test-file';
import { match } from './match';
import { runOperation } from './operations';
import { decideSkip } from './skip-decision';
import { SpecRunnerError } from './spec-runner.error';
import type { TargetServer } from './target-server';
import type { TestRunnerContext } from './test-runner-operations';
import type { Operation, UnifiedTest, UnifiedTestFile } from './unified-test-file';
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
 * disabled, `expectEvents` then `outcome` checked, clients closed.
 */
export async function runTest(
  file: UnifiedTestFile,
  test: UnifiedTest,
  environment: TestEnvironment,
): Promise<TestVerdict> {
  const skip = await decideSkip(file, test, environment.target);
  if (skip !== undefined) return { kind: 'skip', reason: skip };
  let entities: EntityMap | undefined;
  const failPoints = new FailPoints();
  try {
    const verdict = await withTimeout(environment.timeoutMs, async () => {
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
    return verdict;
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

/**
 * Runs one operation and checks its error or result. Returns the first failed assertion, or
 * `undefined`; rethrows what must stop the test whatever was expected (runner errors,
 * unsupported features).
 */
async function runAndCheck(
  operation: Operation,
  context: TestRunnerContext,
): Promise<string | undefined> {
  let result: Awaited<ReturnType<typeof runOperation>> | undefined;
  let error: unknown;
  let threw = false;
  try {
    result = await runOperation(cloneFromFile(operation), context);
  } catch (caught) {
    if (caught instanceof SpecRunnerError || caught instanceof UnsupportedFeatureError)
      throw caught;
    threw = true;
    error = caught;
  }
  if (operation.ignoreResultAndError) return undefined;
  const matchOptions = matchOptionsOf(context.entities);
  if (operation.expectError) {
    if (!threw) return `expected an error, got the result ${describeValue(result?.value)}`;
    const failure = checkError(operation.expectError, error, matchOptions);
    return failure ? `expectError: ${failure}` : undefined;
  }
  if (threw || !result) return `unexpected error: ${describeError(error)}`;
  if ('expectResult' in operation) {
    const failure = match(operation.expectResult, result.value, {
      ...matchOptions,
      root: result.root,
      path: 'expectResult',
    });
    if (failure) return failure;
  }
  if (operation.saveResultAsEntity)
    context.entities.save(operation.saveResultAsEntity, result.value);
  return undefined;
}

/** How expectations reach the test's entities (`$$matchesEntity`, `$$sessionLsid`). */
function matchOptionsOf(entities: EntityMap): EventMatchOptions {
  return { entity: (id) => entities.value(id) };
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
