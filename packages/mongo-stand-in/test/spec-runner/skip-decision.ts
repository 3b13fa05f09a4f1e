import { isDocument } from './bson-values';
import { driverLimitation } from './driver-limitations';
import { unmetRequirements } from './run-requirements';
import { compareVersions } from './server-version';
import type { TargetServer } from './target-server';
import type { Operation, UnifiedTest, UnifiedTestFile } from './unified-test-file';

/** Entity types the runner creates; others make a test a skip. */
const SUPPORTED_ENTITY_TYPES = new Set(['client', 'database', 'collection']);

/** Operations that only a newer server than its file says can run. */
const OPERATION_MIN_SERVER_VERSION: Readonly<Record<string, string>> = { clientBulkWrite: '8.0' };

/**
 * Why `test` of `file` must be skipped on `target`, or `undefined` to run it. Checked in
 * this order: the file's `runOnRequirements`, the test's `skipReason`, the test's
 * `runOnRequirements`, then what the runner, the driver or a standalone cannot offer
 * (sessions, other entity types, known driver limitations, operations needing a
 * newer server). A fail point on a server without `configureFailPoint` is only known when
 * tried (see `FailPoints`).
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
  for (const operation of test.operations) {
    if (operation.arguments?.session !== undefined) return 'needs session entities';
    if (usesSessionLsid(operation)) return 'needs session entities ($$sessionLsid)';
    const limitation = driverLimitation(operation);
    if (limitation) return limitation;
    const minVersion = OPERATION_MIN_SERVER_VERSION[operation.name];
    if (minVersion && compareVersions(target.version, minVersion) < 0) {
      return `${operation.name} needs server ≥ ${minVersion} (target is ${target.version})`;
    }
  }
  return undefined;
}

function usesSessionLsid(operation: Operation): boolean {
  return (
    hasKey(operation.expectResult, '$$sessionLsid') ||
    hasKey(operation.expectError, '$$sessionLsid')
  );
}

/** Whether `key` is a field name anywhere inside `value`. */
function hasKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((element) => hasKey(element, key));
  if (!isDocument(value)) return false;
  return Object.entries(value).some(([name, nested]) => name === key || hasKey(nested, key));
}
