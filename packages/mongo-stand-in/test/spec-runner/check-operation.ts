import { describeValue } from './bson-values';
import type { EntityMap } from './entity-map';
import { checkError, describeError } from './expect-error';
import type { EventMatchOptions } from './expect-events';
import { cloneFromFile } from './load-test-file';
import { match } from './match';
import type { OperationResult } from './operation-result';
import { runOperation } from './operations';
import { SpecRunnerError } from './spec-runner.error';
import type { TestRunnerContext } from './test-runner-context';
import type { Operation } from './unified-test-file';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** What running one operation gave: its result, or what it threw. */
type Attempt =
  | { readonly threw: false; readonly result: OperationResult }
  | { readonly threw: true; readonly error: unknown };

/**
 * Runs one operation and checks its error or result (`expectError`, `expectResult`), then
 * saves its result (`saveResultAsEntity`). Returns the first failed assertion, or
 * `undefined`; rethrows what must stop the test whatever was expected (runner errors,
 * unsupported features).
 */
export async function runAndCheck(
  operation: Operation,
  context: TestRunnerContext,
): Promise<string | undefined> {
  return check(operation, await attempt(operation, context), context.entities);
}

/**
 * Runs one operation of a `withTransaction` callback: checked as any other, but its error
 * is thrown on even when it was expected, so that `withTransaction` sees it (and may
 * retry), as the format requires. A failed assertion throws {@link SpecRunnerError}.
 */
export async function runCallbackOperation(
  operation: Operation,
  context: TestRunnerContext,
): Promise<void> {
  const outcome = await attempt(operation, context);
  const failure = check(operation, outcome, context.entities);
  if (failure) {
    throw new SpecRunnerError(
      `withTransaction callback, ${operation.object}.${operation.name}: ${failure}`,
    );
  }
  if (outcome.threw) throw outcome.error;
}

/** How expectations reach the test's entities (`$$matchesEntity`, `$$sessionLsid`). */
export function matchOptionsOf(entities: EntityMap): EventMatchOptions {
  return { entity: (id) => entities.value(id), sessionLsid: (id) => entities.sessionLsid(id) };
}

async function attempt(operation: Operation, context: TestRunnerContext): Promise<Attempt> {
  try {
    return { threw: false, result: await runOperation(cloneFromFile(operation), context) };
  } catch (error) {
    if (error instanceof SpecRunnerError || error instanceof UnsupportedFeatureError) throw error;
    return { threw: true, error };
  }
}

function check(operation: Operation, outcome: Attempt, entities: EntityMap): string | undefined {
  if (operation.ignoreResultAndError) return undefined;
  const matchOptions = matchOptionsOf(entities);
  if (operation.expectError) {
    if (!outcome.threw)
      return `expected an error, got the result ${describeValue(outcome.result.value)}`;
    const failure = checkError(operation.expectError, outcome.error, matchOptions);
    return failure ? `expectError: ${failure}` : undefined;
  }
  if (outcome.threw) return `unexpected error: ${describeError(outcome.error)}`;
  if ('expectResult' in operation) {
    const failure = match(operation.expectResult, outcome.result.value, {
      ...matchOptions,
      root: outcome.result.root,
      path: 'expectResult',
    });
    if (failure) return failure;
  }
  if (operation.saveResultAsEntity)
    entities.save(operation.saveResultAsEntity, outcome.result.value);
  return undefined;
}
