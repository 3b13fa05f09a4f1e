/**
 * Jest runs five projects: Docket's `unit` (no database) and `integration` (MongoDB-backed)
 * tests, the stand-in package's own unit and integration tests, and `faults`, the quick
 * fault-injection suite. `npm test` runs the first four on two workers, then `faults` alone:
 * it judges timing under injected faults, and a second test file beside it on a two-core
 * machine would stall its workers for it.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];

/** Docket's tests load the stand-in from its source, so that a change to it needs no build. */
const standInFromSource = {
  '^@docket/mongo-stand-in$': '<rootDir>/packages/mongo-stand-in/src/index.ts',
};

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  setupFilesAfterEnv: ['<rootDir>/test/helpers/leak-check.ts'],
  moduleNameMapper: standInFromSource,
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
      setupFiles: ['reflect-metadata'],
    },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/faults/'],
      setupFiles: ['reflect-metadata'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'stand-in-unit',
      roots: ['<rootDir>/packages/mongo-stand-in/test/unit'],
    },
    {
      ...common,
      displayName: 'stand-in-integration',
      roots: ['<rootDir>/packages/mongo-stand-in/test/integration'],
    },
    {
      ...common,
      displayName: 'faults',
      roots: ['<rootDir>/test/integration/faults'],
    },
  ],
  testTimeout: 30_000,
};
