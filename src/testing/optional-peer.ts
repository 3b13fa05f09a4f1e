import { createRequire } from 'node:module';

/**
 * Loads an optional peer dependency, or returns undefined when it is not installed.
 *
 * `from` resolves the name as if required by another installed package (a dependency of
 * a dependency is not reachable from here under pnpm's strict layout, but is from its
 * dependent). Any error other than "this very module is missing" is thrown: a broken
 * install must not read as an absent one.
 */
export function requireOptional<T>(name: string, from?: string): T | undefined {
  try {
    // A plain `require` when nothing else is asked keeps module mapping of test runners.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (from === undefined ? require(name) : createRequire(from)(name)) as T;
  } catch (error) {
    if (isMissing(error, name)) return undefined;
    throw error;
  }
}

/** Resolves a package's entry file, or returns undefined when it is not installed. */
export function resolveOptional(name: string): string | undefined {
  try {
    return require.resolve(name);
  } catch (error) {
    if (isMissing(error, name)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}`);
}
