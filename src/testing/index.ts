/**
 * Docket's testing entry point (`docket/testing`): a running MongoDB for tests, samples and
 * benchmarks on any machine.
 */
export {
  startEphemeralMongo,
  SHARED_MONGO_ENV,
  type EphemeralMongo,
  type EphemeralMongoKind,
  type EphemeralMongoOptions,
} from './ephemeral-mongo';
export { startStandIn, type StandInServer, type StandInOptions } from './stand-in/start-stand-in';
