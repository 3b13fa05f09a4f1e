/** `npm run sample:scheduling`: recurring jobs, continuations, uniqueness and queues. */
import 'reflect-metadata';
import { startEphemeralMongo } from '../../src/testing';
import { runSchedulingSample } from './scheduling-app';

async function main(): Promise<void> {
  const mongo = await startEphemeralMongo();
  console.log(`MongoDB: ${mongo.kind}`);
  try {
    await runSchedulingSample(mongo.uri, (line) => console.log(line));
  } finally {
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
