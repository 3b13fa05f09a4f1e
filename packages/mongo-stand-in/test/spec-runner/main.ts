import { MongoClient } from 'mongodb';
import { startStandIn } from '../../src/start-stand-in';
import { parseCliArguments, USAGE, UsageError, type CliArguments } from './cli-arguments';
import { listTests } from './list-tests';
import { terminateOpenTransactions } from './open-transactions';
import { Report } from './report';
import { runSuite } from './run-suite';
import { assumedTargetServer, describeTargetServer } from './target-server';
import { loadTestFiles, type LoadedFile } from './test-file-set';

/**
 * `npm run spec -- <dir>`: runs MongoDB's unified-format specification tests through
 * the official driver against the server at `MONGODB_URI` when it is set (to compare with
 * a real mongod), and otherwise against a stand-in started for the run (a standalone, or
 * with `--replica-set NAME` a one-member replica set). Prints `FAIL`/`SKIP` lines and one
 * `N passed, N failed, N skipped` line. Exit code: 0 all passed or skipped, 1 any failure
 * (or an error of the runner itself), 2 bad usage.
 */
async function main(argv: readonly string[]): Promise<number> {
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.replicaSet !== undefined && process.env.MONGODB_URI) {
    process.stderr.write('--replica-set starts a stand-in, but MONGODB_URI names the server\n');
    return 2;
  }
  const files = await loadTestFiles(args.path);
  const write = (line: string) => process.stdout.write(`${line}\n`);
  if (args.list) {
    const failures = await listTests(
      files,
      assumedTargetServer(args.assumedVersion, args.assumedTopology),
      write,
      args.filter,
    );
    return failures > 0 ? 1 : 0;
  }
  return runAgainstServer(args, files, new Report(write, args.verbose));
}

async function runAgainstServer(
  args: CliArguments,
  files: LoadedFile[],
  report: Report,
): Promise<number> {
  const mongo = await targetMongo(args.replicaSet);
  const internalClient = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const target = await describeTargetServer(internalClient, mongo.uri);
    report.note(
      `server: ${mongo.kind} at ${mongo.uri}, version ${target.version}, topology ${target.topology}`,
    );
    // A transaction an earlier run left open would block the first tests' writes.
    await terminateOpenTransactions(internalClient);
    await runSuite(
      files,
      { uri: mongo.uri, internalClient, target, timeoutMs: args.timeoutMs },
      report,
      args.filter,
    );
    report.summarize();
    return report.hasFailures ? 1 : 0;
  } finally {
    await internalClient.close(true);
    await mongo.stop();
  }
}

/** The server under test: `MONGODB_URI`, or a stand-in of this run's own. */
async function targetMongo(
  replicaSet: string | undefined,
): Promise<{ kind: string; uri: string; stop(): Promise<void> }> {
  const external = process.env.MONGODB_URI;
  if (external) return { kind: 'MONGODB_URI', uri: external, stop: async () => undefined };
  const standIn = await startStandIn(replicaSet === undefined ? {} : { replicaSet });
  return { kind: 'stand-in', uri: standIn.uri, stop: () => standIn.stop() };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `spec runner error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
