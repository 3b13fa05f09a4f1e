import { readFile } from 'node:fs/promises';
import { EJSON } from 'bson';
import type { UnifiedTestFile } from './unified-test-file';

/** Schema versions this runner reads: 1.x. */
const SUPPORTED_MAJOR = 1;

/**
 * Reads a unified test file as Extended JSON (relaxed or canonical, as the format allows)
 * and checks the fields every file has. Throws with a short reason otherwise.
 */
export async function loadTestFile(path: string): Promise<UnifiedTestFile> {
  const text = await readFile(path, 'utf8');
  const parsed: unknown = EJSON.parse(text, { relaxed: true });
  if (parsed === null || typeof parsed !== 'object') throw new Error('not a JSON object');
  const file = parsed as UnifiedTestFile;
  if (typeof file.schemaVersion !== 'string') throw new Error('no schemaVersion');
  if (!Array.isArray(file.tests)) throw new Error('no tests array');
  return file;
}

/** Why the runner cannot process a file of this schema version, or `undefined`. */
export function unsupportedSchema(file: UnifiedTestFile): string | undefined {
  const major = Number.parseInt(file.schemaVersion.split('.')[0] ?? '', 10);
  return major === SUPPORTED_MAJOR
    ? undefined
    : `schemaVersion ${file.schemaVersion} is not supported (this runner reads 1.x)`;
}

/**
 * A deep copy of a value from a test file, BSON types included, so that a driver call
 * that adds `_id` to the documents it inserts leaves the file as it was.
 */
export function cloneFromFile<T>(value: T): T {
  if (value === undefined) return value;
  return EJSON.parse(EJSON.stringify(value as never, { relaxed: false }), { relaxed: true }) as T;
}
