import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROUTES } from '../../../src/dashboard/api/api-routes';
import { openApiDocument } from '../../../src/dashboard';
import { DocketClient } from '../../../src/client';

const ROOT = join(__dirname, '..', '..', '..');
const DOCUMENT_PATH = join(ROOT, 'docs', 'openapi.json');
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

type Operation = { operationId: string; parameters?: { name: string; in: string }[] };
type Paths = Record<string, Record<string, Operation>>;

/**
 * The OpenAPI document matches the routes the handler serves, and the copy kept in the
 * repository (`docs/openapi.json`) is the one the API serves. After changing the API, run
 * `UPDATE_OPENAPI=1 npx jest test/unit/dashboard/openapi.test.ts` to rewrite the copy.
 */
describe('the OpenAPI document', () => {
  const document = openApiDocument() as { paths: Paths; components: { schemas: object } };

  it('is the copy kept in docs/openapi.json (formatted as prettier formats it)', () => {
    // Prettier's API needs dynamic import, which jest's CommonJS runtime lacks: use its CLI.
    const text = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--stdin-filepath', DOCUMENT_PATH],
      { input: JSON.stringify(document), encoding: 'utf8' },
    );
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(DOCUMENT_PATH, text);
    expect(readFileSync(DOCUMENT_PATH, 'utf8')).toBe(text);
  });

  it('describes every route, and only routes that exist, with their operationIds', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path} ${item[method].operationId}`),
    );
    const served = API_ROUTES.map((route) => `${route.method} /${route.path} ${route.operationId}`);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('declares every path parameter and every query parameter a route accepts', () => {
    for (const route of API_ROUTES) {
      const operation = document.paths[`/${route.path}`][route.method.toLowerCase()];
      const parameters = operation.parameters ?? [];
      const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathNames);
      expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
        ...(route.query ?? []),
      ]);
    }
  });

  it('resolves every $ref to a schema', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, name] of refs) expect(document.components.schemas).toHaveProperty(name);
  });

  it('has a DocketClient method for every operation', () => {
    const methods = Object.getOwnPropertyNames(DocketClient.prototype);
    for (const route of API_ROUTES) expect(methods).toContain(route.operationId);
  });
});
