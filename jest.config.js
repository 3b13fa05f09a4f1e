/**
 * Jest runs four projects: Docket's `unit` (no database) and `integration` (MongoDB-backed)
 * tests, and the stand-in package's own unit and integration tests.
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
  ],
  testTimeout: 30_000,
};
