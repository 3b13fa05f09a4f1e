import Module from 'node:module';
import { join } from 'node:path';

const STAND_IN = '@docket/mongo-stand-in';
/** Its source, wrapped with the suite's server settings. */
const SOURCE = join(__dirname, 'stand-in-with-settings.ts');

interface Resolver {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

/**
 * Makes `startEphemeralMongo()` load the stand-in from its TypeScript source instead of its
 * build, as jest's `moduleNameMapper` does for the project's tests: a change to the stand-in
 * needs no build, and the suite measures the tree as it is. (The runner runs under ts-node.)
 * It starts with the suite's server settings (stand-in-with-settings.ts).
 */
export function loadStandInFromSource(): void {
  const resolver = Module as unknown as Resolver;
  const resolve = resolver._resolveFilename.bind(resolver);
  resolver._resolveFilename = (request, ...rest) =>
    request === STAND_IN ? SOURCE : resolve(request, ...rest);
}
