/**
 * The `unit` project of jest.config.js on its own, for tools that take one flat Jest config
 * (Stryker's jest runner instruments the test environment of a single project).
 */
const { projects, ...shared } = require('./jest.config.js');

const unit = projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  ...unit,
  rootDir: __dirname,
  // The API reference check runs TypeDoc over the sources in a process of its own: it kills
  // no mutant, and in Stryker's sandbox it would read the instrumented sources.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/docs/api-reference.test.ts'],
};
