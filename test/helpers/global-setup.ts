import {
  SHARED_MONGO_ENV,
  startEphemeralMongo,
  type EphemeralMongo,
} from '../../src/testing/ephemeral-mongo';

/**
 * Resolves the test MongoDB once per jest run and shares it with every worker (and the
 * child processes tests spawn) through the environment, so a missing `mongod` costs one
 * quick check per run instead of one per test file.
 */
export default async function globalSetup(): Promise<void> {
  const mongo = await startEphemeralMongo();
  (globalThis as { __DOCKET_MONGO__?: EphemeralMongo }).__DOCKET_MONGO__ = mongo;
  if (mongo.kind !== 'external') {
    process.env[SHARED_MONGO_ENV.uri] = mongo.uri;
    process.env[SHARED_MONGO_ENV.kind] = mongo.kind;
  }
  process.stderr.write(`\ntest MongoDB: ${mongo.kind} (${mongo.reason})\n`);
}
