import { unsupportedSchema } from './load-test-file';
import type { Report } from './report';
import { runTest, type TestEnvironment } from './run-test';
import type { LoadedFile } from './test-file-set';
import type { UnifiedTest, UnifiedTestFile } from './unified-test-file';

/** Name of the pseudo-test under which a file that cannot be loaded is reported. */
export const WHOLE_FILE = '(file)';

/** Runs every selected test of every file, one after the other, into `report`. */
export async function runSuite(
  files: readonly LoadedFile[],
  environment: TestEnvironment,
  report: Report,
  filter?: string,
): Promise<void> {
  for (const loaded of files) {
    if ('error' in loaded) {
      report.fail(loaded.name, WHOLE_FILE, loaded.error);
      continue;
    }
    const { name, file } = loaded;
    const schemaProblem = unsupportedSchema(file);
    for (const test of selectTests(name, file, filter)) {
      if (schemaProblem) {
        report.fail(name, test.description, schemaProblem);
        continue;
      }
      const verdict = await runTest(file, test, environment);
      if (verdict.kind === 'pass') report.pass(name, test.description);
      else if (verdict.kind === 'fail') report.fail(name, test.description, verdict.why);
      else report.skip(name, test.description, verdict.reason);
    }
  }
}

/** The tests of a file whose "file › description" contains `filter` (all without one). */
export function selectTests(name: string, file: UnifiedTestFile, filter?: string): UnifiedTest[] {
  if (!filter) return [...file.tests];
  const needle = filter.toLowerCase();
  return file.tests.filter((test) =>
    `${name} › ${test.description}`.toLowerCase().includes(needle),
  );
}
