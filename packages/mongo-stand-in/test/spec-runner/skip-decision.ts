import { driverLimitation } from './driver-limitations';
import { unmetRequirements } from './run-requirements';
import { compareVersions } from './server-version';
import type { TargetServer } from './target-server';
import type { Operation, UnifiedTest, UnifiedTestFile } from './unified-test-file';

/** Entity types the runner creates; others make a test a skip. */
const SUPPORTED_ENTITY_TYPES = new Set(['client', 'database', 'collection', 'session']);

/** Operations that only a newer server than its file says can run. */
const OPERATION_MIN_SERVER_VERSION: Readonly<Record<string, string>> = { clientBulkWrite: '8.0' };

/**
 * Why `test` of `file` must be skipped on `target`, or `undefined` to run it. Checked in
 * this order: the file's `runOnRequirements`, the test's `skipReason`, the test's
 * `runOnRequirements`, then what the runner or the driver cannot offer (entity types
 * other than client, database, collection and session, log message assertions, known
 * driver limitations, operations needing a newer server). A fail point on a server
 * without `configureFailPoint`, or SDAM events, are only known when tried.
 */
export async function decideSkip(
  file: UnifiedTestFile,
  test: UnifiedTest,
  target: TargetServer,
): Promise<string | undefined> {
  const fileRequirements = await unmetRequirements(file.runOnRequirements, target);
  if (fileRequirements) return `file requirements: ${fileRequirements}`;
  if (test.skipReason !== undefined) return `skipReason: ${test.skipReason}`;
  const testRequirements = await unmetRequirements(test.runOnRequirements, target);
  if (testRequirements) return testRequirements;
  return staticNeeds(file, test, target);
}

function staticNeeds(
  file: UnifiedTestFile,
  test: UnifiedTest,
  target: TargetServer,
): string | undefined {
  for (const entity of file.createEntities ?? []) {
    const type = Object.keys(entity)[0];
    if (!SUPPORTED_ENTITY_TYPES.has(type)) return `needs ${type} entities`;
  }
  if (test.expectLogMessages !== undefined) return 'needs log message assertions';
  for (const operation of withCallbacks(test.operations)) {
    const limitation = driverLimitation(operation);
    if (limitation) return limitation;
    const minVersion = OPERATION_MIN_SERVER_VERSION[operation.name];
    if (minVersion && compareVersions(target.version, minVersion) < 0) {
      return `${operation.name} needs server ≥ ${minVersion} (target is ${target.version})`;
    }
  }
  return undefined;
}

/** The operations, each followed by those of its `withTransaction` callback, if any. */
function withCallbacks(operations: readonly Operation[]): Operation[] {
  return operations.flatMap((operation) => {
    const callback: unknown = operation.arguments?.callback;
    return operation.name === 'withTransaction' && Array.isArray(callback)
      ? [operation, ...withCallbacks(callback as Operation[])]
      : [operation];
  });
}
