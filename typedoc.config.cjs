/**
 * TypeDoc's configuration: `npm run docs` writes the HTML API reference of the package's
 * entry points (the `exports` map of package.json) to docs/reference/, which git ignores.
 * docs/api/ holds the API reports of `npm run api:check` instead.
 *
 * Every public symbol must carry TSDoc and every `{@link}` must resolve: the validation
 * warnings are errors, so the build fails on the first undocumented symbol or broken link.
 * test/unit/docs/api-reference.test.ts runs the same checks in `npm test`.
 */

/** @type {Partial<import('typedoc').TypeDocOptions>} */
module.exports = {
  name: 'Docket',
  entryPoints: [
    'src/index.ts',
    'src/testing/index.ts',
    'src/client/index.ts',
    'src/dashboard/index.ts',
    'src/opentelemetry/index.ts',
  ],
  tsconfig: 'tsconfig.build.json',
  out: 'docs/reference',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  validation: {
    notExported: true,
    invalidLink: true,
    invalidPath: true,
    rewrittenLink: true,
    notDocumented: true,
    unusedMergeModuleWith: true,
  },
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
