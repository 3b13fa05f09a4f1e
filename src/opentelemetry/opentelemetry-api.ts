import type * as OpenTelemetryApiModule from '@opentelemetry/api';
import { MissingPeerDependencyError } from '../errors/missing-peer-dependency.error';
import { requireOptional } from '../testing/optional-peer';

/** The `@opentelemetry/api` module. */
export type OpenTelemetryApi = typeof OpenTelemetryApiModule;

const PACKAGE = '@opentelemetry/api';

/**
 * Loads `@opentelemetry/api`, an optional peer dependency: Docket itself never loads it, only
 * this entry point does, when a filter is constructed (so an application without it can
 * still import the entry point and decide).
 *
 * @param load - How to load a module, undefined when it is not installed.
 * @throws MissingPeerDependencyError - the package is not installed.
 */
export function loadOpenTelemetryApi(
  load: (name: string) => unknown = (name) => requireOptional(name),
): OpenTelemetryApi {
  const api = load(PACKAGE) as OpenTelemetryApi | undefined;
  if (api === undefined) {
    throw new MissingPeerDependencyError(
      `Docket's OpenTelemetry filter needs the package ${PACKAGE}, which is not installed; ` +
        `install it with \`npm install ${PACKAGE}\` (with an OpenTelemetry SDK to export what it records)`,
      [PACKAGE],
    );
  }
  return api;
}
