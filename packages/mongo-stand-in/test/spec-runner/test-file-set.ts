import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadTestFile } from './load-test-file';
import type { UnifiedTestFile } from './unified-test-file';

/** One test file of the run, loaded, or with the reason it could not be. */
export type LoadedFile =
  | { readonly name: string; readonly file: UnifiedTestFile }
  | { readonly name: string; readonly error: string };

/** The `.json` files of a directory (not recursive), in name order, or the one file given. */
export async function loadTestFiles(path: string): Promise<LoadedFile[]> {
  const paths = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return Promise.all(
    paths.map(async (filePath): Promise<LoadedFile> => {
      const name = basename(filePath);
      try {
        return { name, file: await loadTestFile(filePath) };
      } catch (error) {
        return {
          name,
          error: `cannot load: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }),
  );
}

/** The one line saying how many files `expectEvents` appears in, which this runner ignores. */
export function expectEventsNote(files: readonly LoadedFile[]): string {
  let fileCount = 0;
  let testCount = 0;
  for (const loaded of files) {
    if (!('file' in loaded)) continue;
    const tests = loaded.file.tests.filter((test) => test.expectEvents !== undefined).length;
    testCount += tests;
    if (tests > 0) fileCount++;
  }
  return `note: expectEvents is not checked (server-side runner); ${fileCount} of ${files.length} files use it (${testCount} tests)`;
}
