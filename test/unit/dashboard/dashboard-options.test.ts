import { InvalidOptionsError } from '../../../src';
import { resolveDashboardOptions } from '../../../src/dashboard/dashboard-options';

describe('dashboard options and cursors', () => {
  it('resolves defaults once and freezes them', () => {
    const resolved = resolveDashboardOptions({ allowUnauthenticated: true, basePath: '/ops/jobs' });
    expect(resolved).toMatchObject({
      basePath: '/ops/jobs/',
      authorize: null,
      readOnly: false,
      maxPageSize: 100,
      maxBodyBytes: 65_536,
      maxWaitMs: 30_000,
      refreshIntervalMs: 2_000,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('refuses invalid options with messages that name them', () => {
    const cases: [object, RegExp][] = [
      [{}, /authorize is required/],
      [{ allowUnauthenticated: 'yes' }, /allowUnauthenticated must be a boolean/],
      [{ allowUnauthenticated: true, basePath: '/a b' }, /basePath must be/],
      [{ allowUnauthenticated: true, basePath: '/../x' }, /basePath/],
      [
        { allowUnauthenticated: true, maxPageSize: 5000 },
        /maxPageSize must be an integer between 1 and 1000/,
      ],
      [{ allowUnauthenticated: true, maxBodyBytes: 1.5 }, /maxBodyBytes/],
      [{ allowUnauthenticated: true, refreshIntervalMs: 10 }, /refreshIntervalMs/],
      [
        { allowUnauthenticated: true, maxWaitMs: 999 },
        /maxWaitMs must be an integer between 1000 and 300000, got 999/,
      ],
      [{ allowUnauthenticated: true, wwwAuthenticate: 'x\ny' }, /wwwAuthenticate/],
      [
        { allowUnauthenticated: true, allowedOrigins: 'https://a.example' },
        /allowedOrigins must be an array/,
      ],
      [{ allowUnauthenticated: true, onError: 5 }, /onError must be a function/],
      [{ allowUnauthenticated: true, maxPagesize: 5 }, /did you mean 'maxPageSize'/],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveDashboardOptions(options as never)).toThrow(InvalidOptionsError);
      expect(() => resolveDashboardOptions(options as never)).toThrow(message);
    }
  });
});
