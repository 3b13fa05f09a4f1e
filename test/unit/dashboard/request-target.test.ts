import { parseRequestTarget } from '../../../src/dashboard/http/request-target';

describe('parseRequestTarget', () => {
  it('keeps canonical paths as sent, with their query', () => {
    const target = parseRequestTarget('/ops/jobs/api/jobs?state=failed&search=a/../b');
    expect(target).toMatchObject({ pathname: '/ops/jobs/api/jobs', problem: null });
    expect(target.searchParams.get('search')).toBe('a/../b');
    expect(target.search).toBe('?state=failed&search=a/../b');
    for (const path of [
      '/',
      '/jobs/',
      '/api/recurring/reports%2Fmonthly/trigger', // an id holding a slash
      '/job/v1..2',
      '/job/%E0%A4%A', // malformed, but read the same way by everyone: the route decides
      '/job/%2e%2e.x',
    ]) {
      expect([path, parseRequestTarget(path).problem]).toEqual([path, null]);
      expect(parseRequestTarget(path).pathname).toBe(path);
    }
  });

  it('reads the absolute form as its path', () => {
    expect(parseRequestTarget('http://example.test:8080/api/stats?x=1')).toMatchObject({
      pathname: '/api/stats',
      search: '?x=1',
      problem: null,
    });
    expect(parseRequestTarget('http://example.test')).toMatchObject({
      pathname: '/',
      problem: null,
    });
    expect(parseRequestTarget('http://example.test/a/../api').problem).toMatch(/'\.\.'/);
  });

  it('names what makes a path non-canonical', () => {
    const cases: [string, RegExp][] = [
      ['/assets/../api/jobs', /'\.' or '\.\.' segment/],
      ['/assets/%2E%2e/api/jobs', /'\.' or '\.\.' segment/],
      ['/assets/..%2Fapi/jobs', /'\.' or '\.\.' segment/],
      ['/assets/..%5Capi/jobs', /'\.' or '\.\.' segment/],
      ['/assets/./app.js', /'\.' or '\.\.' segment/],
      ['/assets/..', /'\.' or '\.\.' segment/],
      ['/assets\\app.js', /backslash/],
      ['//api/jobs', /empty segment/],
      ['/api//jobs', /empty segment/],
      ['/api/jobs#x', /fragment/],
      ['*', /does not start with \//],
      ['/a b', /reads it differently/],
      ['/é', /reads it differently/],
    ];
    for (const [path, reason] of cases) {
      expect([path, parseRequestTarget(path).problem]).toEqual([
        path,
        expect.stringMatching(reason),
      ]);
    }
  });
});
