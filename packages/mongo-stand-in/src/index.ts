/**
 * `@docket/mongo-stand-in`: an in-memory server that speaks MongoDB's wire protocol and
 * answers the official driver as MongoDB 7.0 does, for tests on machines where no real
 * `mongod` can be had. It is a test tool, never a database: data lives in this process.
 */
export { startStandIn, type StandInServer } from './start-stand-in';
export type { StandInOptions } from './stand-in-options';
export { StandInOptionsError } from './stand-in-options.error';
