import { unsupportedSchema } from './load-test-file';
import { isSupportedOperation, type OperationTarget } from './operations';
import { selectTests, WHOLE_FILE } from './run-suite';
import { decideSkip } from './skip-decision';
import type { TargetServer } from './target-server';
import type { LoadedFile } from './test-file-set';
import { TEST_RUNNER_OBJECT, type UnifiedTest, type UnifiedTestFile } from './unified-test-file';

/**
 * `--list`: prints each selected test as `RUN`, `SKIP` (with the reason) or `FAIL` (a test
 * the runner could not run: unloadable file, unknown schema, unsupported operation),
 * evaluated against an assumed target, without a server. Fail points cannot be judged
 * without a server; they are listed as `RUN`. Returns how many tests the runner could not
 * run.
 */
export async function listTests(
  files: readonly LoadedFile[],
  target: TargetServer,
  write: (line: string) => void,
  filter?: string,
): Promise<number> {
  let runs = 0;
  let skips = 0;
  let failures = 0;
  for (const loaded of files) {
    if ('error' in loaded) {
      failures++;
      write(`FAIL ${loaded.name} › ${WHOLE_FILE}: ${loaded.error}`);
      continue;
    }
    const { name, file } = loaded;
    for (const test of selectTests(name, file, filter)) {
      // In the order of a run: the schema, then the skip decision, then the operations.
      const schemaProblem = unsupportedSchema(file);
      const skip = schemaProblem ? undefined : await decideSkip(file, test, target);
      const problem = schemaProblem ?? (skip ? undefined : unsupportedOperation(file, test));
      if (problem) {
        failures++;
        write(`FAIL ${name} › ${test.description}: ${problem}`);
      } else if (skip) {
        skips++;
        write(`SKIP ${name} › ${test.description}: ${skip}`);
      } else {
        runs++;
        write(`RUN  ${name} › ${test.description}`);
      }
    }
  }
  write(
    `${runs} to run, ${failures} cannot run, ${skips} skipped (assuming a ${target.topology} server ${target.version})`,
  );
  return failures;
}

/** An operation of `test` the runner does not implement, judged from the entity types. */
function unsupportedOperation(file: UnifiedTestFile, test: UnifiedTest): string | undefined {
  const kinds = new Map<string, OperationTarget>();
  for (const entity of file.createEntities ?? []) {
    const [type] = Object.keys(entity);
    const id = (entity[type] as { id?: string } | undefined)?.id;
    if (
      id &&
      (type === 'client' || type === 'database' || type === 'collection' || type === 'session')
    )
      kinds.set(id, type);
  }
  for (const operation of test.operations) {
    const target =
      operation.object === TEST_RUNNER_OBJECT ? 'testRunner' : kinds.get(operation.object);
    // No target: a saved result (a change stream...), or an entity type the skip decision
    // already reports.
    if (target === undefined) continue;
    if (!isSupportedOperation(target, operation.name))
      return `unsupported ${target} operation "${operation.name}"`;
  }
  return undefined;
}
