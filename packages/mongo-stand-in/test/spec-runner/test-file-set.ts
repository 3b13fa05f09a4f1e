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
