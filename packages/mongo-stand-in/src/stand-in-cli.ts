#!/usr/bin/env node
/**
 * Runs one stand-in in its own process, so that several worker processes can share it:
 *
 *   docket-mongo-stand-in [--port N] [--replica-set NAME] [--ttl-monitor-interval-ms N]
 *                         [--exit-with-parent]
 *
 * Prints exactly one line on stdout once listening:
 * `docket-stand-in listening mongodb://127.0.0.1:PORT/?directConnection=true`.
 * Stops on SIGTERM or SIGINT (exit 0) and, with `--exit-with-parent`, when its stdin closes
 * (the parent died or closed the pipe). Bad arguments: usage on stderr, exit 2.
 */
import { USAGE, parseCliArguments } from './stand-in-cli-arguments';
import { startStandIn, type StandInServer } from './start-stand-in';

async function main(): Promise<void> {
  const parsed = parseCliArguments(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(`docket-mongo-stand-in: ${parsed.reason}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let server: StandInServer;
  try {
    server = await startStandIn({
      port: parsed.port,
      replicaSet: parsed.replicaSet,
      ttlMonitorIntervalMs: parsed.ttlMonitorIntervalMs,
    });
  } catch (error) {
    process.stderr.write(
      `docket-mongo-stand-in: cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => {
        process.exitCode = 0;
        // A stdin being watched would keep the process alive.
        if (parsed.exitWithParent) process.stdin.destroy();
      },
      (error: unknown) => {
        process.stderr.write(`docket-mongo-stand-in: error while stopping: ${String(error)}\n`);
        process.exitCode = 1;
        if (parsed.exitWithParent) process.stdin.destroy();
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (parsed.exitWithParent) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
  process.stdout.write(`docket-stand-in listening ${server.uri}\n`);
}

if (require.main === module) {
  void main();
}
