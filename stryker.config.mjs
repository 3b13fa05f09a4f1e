// @ts-check
/**
 * Mutation testing of the modules that have real unit tests (`npm run mutate`). Only the
 * `unit` Jest project runs: no database, so a run stays within minutes on two cores. While
 * iterating, mutate one module: `npm run mutate -- --mutate src/recurring/cron-schedule.ts`.
 * Scores and the surviving mutants judged equivalent: docs/mutation-testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.unit.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  mutate: [
    'src/recurring/cron-schedule.ts',
    'src/recurring/occurrence-plan.ts',
    'src/recurring/recurring-options.ts',
    'src/commands/command-bus.ts',
    'src/jobs/job-payload.ts',
    'src/jobs/job-validator.ts',
    'src/options/option-checks.ts',
    'src/handlers/handler-registry.ts',
    'src/handlers/handler-dependencies.ts',
    'src/sagas/saga-runner.ts',
  ],
  // Two cores are shared with other work: one test runner (and one checker) at a time.
  concurrency: 1,
  ignorePatterns: ['dist', 'coverage', 'bench', 'docs/benchmarks', 'docs/screenshots', 'reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};
