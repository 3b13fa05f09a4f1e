/**
 * Hosts the suite's MongoDB in a process of its own: `startEphemeralMongo()` (MONGODB_URI,
 * a mongod, or the stand-in, loaded from its source), with the suite's transaction lifetime
 * limit. A stand-in in the runner would share one thread with the runner's own work
 * (generating inputs, judging thousands of jobs) and answer every worker late whenever the
 * runner is busy. Prints `MONGO {"uri","kind","reason","transactionLifetimeLimitS"}` once it
 * runs; stops on SIGTERM, or when its stdin closes (the runner is gone).
 */
import { startEphemeralMongo } from '../../../src/testing';
import { loadStandInFromSource } from '../support/stand-in-from-source';
import { applyTransactionLifetime } from '../support/transaction-lifetime';

async function main(): Promise<void> {
  loadStandInFromSource();
  const mongo = await startEphemeralMongo({ announce: false });
  const transactionLifetimeLimitS = await applyTransactionLifetime(mongo.uri, mongo.kind);
  const { uri, kind, reason } = mongo;
  process.stdout.write(
    `MONGO ${JSON.stringify({ uri, kind, reason, transactionLifetimeLimitS })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void mongo.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.stdin.on('close', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`mongo host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
