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
  // No type checker: with it, a run takes about two hours on two cores instead of about half
  // an hour. Mutants TypeScript would refuse then run too, and count against the score when
  // the tests miss them, so the score is a lower bound. For the exact one:
  // `npm run mutate -- --checkers typescript`.
  checkers: [],
  tsconfigFile: 'tsconfig.json',
  // A mutant that leaves a rejection unhandled would end the test runner's process (Node's
  // default) and with it the whole run; a warning lets the tests judge it instead.
  testRunnerNodeArgs: ['--unhandled-rejections=warn'],
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
  // One test runner per core.
  concurrency: 2,
  ignorePatterns: ['dist', 'coverage', 'bench', 'docs/benchmarks', 'docs/screenshots', 'reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};
