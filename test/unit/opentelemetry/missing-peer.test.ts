import { MissingPeerDependencyError } from '../../../src/errors/missing-peer-dependency.error';
import type * as OpenTelemetryEntry from '../../../src/opentelemetry';
import { loadOpenTelemetryApi } from '../../../src/opentelemetry/opentelemetry-api';

/** A module loader's error for a package that is not installed. */
function notInstalled(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}' from 'somewhere'`), {
    code: 'MODULE_NOT_FOUND',
  });
}

/** Requires a module (in the registry `jest.isolateModules` makes, when called within it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (path: string): unknown => require(path);

/**
 * `@opentelemetry/api` is an optional peer: Docket loads without it, and only the
 * OpenTelemetry entry point's filter needs it, failing with a typed error that says what to
 * install.
 */
describe('without @opentelemetry/api', () => {
  afterEach(() => {
    jest.resetModules();
  });

  it('the loader fails with MissingPeerDependencyError naming the package', () => {
    let thrown: unknown;
    try {
      loadOpenTelemetryApi(() => undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MissingPeerDependencyError);
    expect(thrown).toMatchObject({
      code: 'MISSING_PEER_DEPENDENCY',
      packages: ['@opentelemetry/api'],
      message: expect.stringContaining('npm install @opentelemetry/api'),
    });
  });

  it('Docket loads, the entry point loads, and constructing the filter fails with MissingPeerDependencyError', () => {
    jest.isolateModules(() => {
      jest.doMock('@opentelemetry/api', () => {
        throw notInstalled('@opentelemetry/api');
      });
      const docket = load('../../../src') as typeof import('../../../src');
      expect(typeof docket.Docket).toBe('function');
      const otel = load('../../../src/opentelemetry') as typeof OpenTelemetryEntry;
      expect(() => new otel.OpenTelemetryFilter()).toThrow(otel.MissingPeerDependencyError);
    });
  });

  it('a broken install is not mistaken for a missing one', () => {
    jest.isolateModules(() => {
      jest.doMock('@opentelemetry/api', () => {
        throw notInstalled('tslib');
      });
      const otel = load('../../../src/opentelemetry') as typeof OpenTelemetryEntry;
      expect(() => new otel.OpenTelemetryFilter()).toThrow("Cannot find module 'tslib'");
    });
  });
});
