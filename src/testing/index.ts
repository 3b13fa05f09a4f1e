/**
 * Docket's testing entry point (`docket/testing`): a running MongoDB for an application's
 * tests, samples and benchmarks on any machine.
 */
export {
  startEphemeralMongo,
  type EphemeralMongo,
  type EphemeralMongoKind,
  type EphemeralMongoOptions,
} from './ephemeral-mongo';
export { MissingPeerDependencyError } from '../errors/missing-peer-dependency.error';
