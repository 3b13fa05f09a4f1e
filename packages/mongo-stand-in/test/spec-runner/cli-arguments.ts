import { statSync } from 'node:fs';
import { TOPOLOGIES, isTopology, type Topology } from './target-server';

/** What `npm run spec -- <dir> [options]` asked for. */
export interface CliArguments {
  /** A directory of `.json` unified test files, or one such file. */
  readonly path: string;
  /** List tests and skip decisions without a server. */
  readonly list: boolean;
  /** Server version `--list` assumes. */
  readonly assumedVersion: string;
  /** Topology `--list` assumes. */
  readonly assumedTopology: Topology;
  /** Only tests whose "file › description" contains this text (case-insensitive). */
  readonly filter?: string;
  /** Per-test time limit. */
  readonly timeoutMs: number;
  /** Print a PASS line per passing test too. */
  readonly verbose: boolean;
  /** Start the run's stand-in as the primary of a one-member replica set of this name. */
  readonly replicaSet?: string;
}

export const USAGE = `usage: npm run spec -- <dir|file.json> [--list [--server-version X.Y] [--topology T]] [--replica-set NAME] [--filter TEXT] [--timeout-ms N] [--verbose]
  <dir>             directory of unified-format spec test files (*.json)
  --replica-set     start the stand-in as a one-member replica set NAME (not with MONGODB_URI)
  --list            list the tests and skip decisions without a server
  --server-version  server version --list assumes (default 7.0.0)
  --topology        topology --list assumes: ${TOPOLOGIES.join(', ')} (default single)
  --filter TEXT     run only tests whose "file › description" contains TEXT
  --timeout-ms N    fail a test that runs longer than N ms (default 30000)
  --verbose         also print a PASS line per passing test`;

/** A command line that cannot be run (exit code 2). */
export class UsageError extends Error {
  override get name(): string {
    return 'UsageError';
  }
}

/** Parses `argv` (without node and the script); throws {@link UsageError}. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const positional: string[] = [];
  let list = false;
  let verbose = false;
  let assumedVersion = '7.0.0';
  let assumedTopology: Topology = 'single';
  let filter: string | undefined;
  let replicaSet: string | undefined;
  let timeoutMs = 30_000;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) throw new UsageError(`${argument} needs a value`);
      return next;
    };
    switch (argument) {
      case '--list':
        list = true;
        break;
      case '--verbose':
        verbose = true;
        break;
      case '--server-version':
        assumedVersion = value();
        if (!/^\d+(\.\d+){0,2}$/.test(assumedVersion)) {
          throw new UsageError(
            `--server-version must look like 7.0 or 7.0.12, got ${assumedVersion}`,
          );
        }
        break;
      case '--topology': {
        const topology = value();
        if (!isTopology(topology)) {
          throw new UsageError(
            `--topology must be one of ${TOPOLOGIES.join(', ')}, got ${topology}`,
          );
        }
        assumedTopology = topology;
        break;
      }
      case '--replica-set':
        replicaSet = value();
        break;
      case '--filter':
        filter = value();
        break;
      case '--timeout-ms':
        timeoutMs = Number(value());
        if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
          throw new UsageError(`--timeout-ms must be an integer ≥ 100, got ${argv[index]}`);
        }
        break;
      default:
        if (argument.startsWith('-')) throw new UsageError(`unknown option ${argument}`);
        positional.push(argument);
    }
  }
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0
        ? 'no test directory given'
        : `one directory expected, got ${positional.length}`,
    );
  }
  const path = positional[0];
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) throw new UsageError(`no such directory: ${path}`);
  if (!stats.isDirectory() && !(stats.isFile() && path.endsWith('.json'))) {
    throw new UsageError(`not a directory or a .json file: ${path}`);
  }
  return {
    path,
    list,
    assumedVersion,
    assumedTopology,
    filter,
    timeoutMs,
    verbose,
    ...(replicaSet !== undefined && { replicaSet }),
  };
}
