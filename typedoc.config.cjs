/**
 * TypeDoc's configuration: `npm run docs` writes the HTML API reference of the package's
 * entry points (the `exports` map of package.json) to docs/reference/, which git ignores.
 * docs/api/ holds the API reports of `npm run api:check` instead.
 *
 * Every public symbol must carry TSDoc and every `{@link}` must resolve: the validation
 * warnings are errors, so the build fails on the first undocumented symbol or broken link.
 * test/unit/docs/api-reference.test.ts runs the same checks in `npm test`.
 */

const { exports: subpaths } = require('./package.json');

/** The source of each entry point: `.` is src/index.ts, `./testing` src/testing/index.ts... */
const entryPoints = Object.keys(subpaths)
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => (subpath === '.' ? 'src/index.ts' : `src/${subpath.slice(2)}/index.ts`));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
module.exports = {
  name: 'Docket',
  entryPoints,
  tsconfig: 'tsconfig.build.json',
  out: 'docs/reference',
  readme: 'none',
  excludePrivate: true,
  excludeExternals: true,
  // No links to source lines: they would need a hosted git remote, which a clone may lack.
  disableSources: true,
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
