/**
 * The stand-in as a child process (`docket-mongo-stand-in`), as worker processes share it: it prints
 * its URI once listening, serves the driver, and exits cleanly when told to.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';
import { waitFor, withDeadline } from './wait-for';

const CLI = join(__dirname, '../../src/stand-in-cli.ts');
const START_DEADLINE_MS = 20_000;

interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  readonly stderr: () => string;
}

function spawnCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  // 'close' (not 'exit'): the pipes are closed too, so nothing is left open.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, stderr: () => stderr };
}

async function firstLine(cli: RunningCli): Promise<string> {
  const lines = createInterface({ input: cli.child.stdout });
  try {
    const [line] = (await withDeadline(
      'the listening line',
      once(lines, 'line'),
      START_DEADLINE_MS,
    )) as [string];
    return line;
  } finally {
    lines.close();
  }
}

describe('stand-in CLI', () => {
  const started: RunningCli[] = [];

  afterAll(async () => {
    for (const cli of started) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      await cli.exited;
    }
  });

  it('prints its URI, serves the driver, and exits 0 on SIGTERM', async () => {
    const cli = spawnCli(['--port', '0']);
    started.push(cli);
    const line = await firstLine(cli);
    const match =
      /^docket-stand-in listening (mongodb:\/\/127\.0\.0\.1:(\d+)\/\?directConnection=true)$/.exec(
        line,
      );
    expect(match).not.toBeNull();

    const client = new MongoClient(match![1], { serverSelectionTimeoutMS: 5_000 });
    try {
      const jobs = client.db('cli').collection('jobs');
      await jobs.insertOne({ name: 'first', state: 'waiting' });
      await expect(jobs.findOne({ name: 'first' }, { projection: { _id: 0 } })).resolves.toEqual({
        name: 'first',
        state: 'waiting',
      });
    } finally {
      await client.close();
    }

    cli.child.kill('SIGTERM');
    await expect(withDeadline('the CLI to exit', cli.exited)).resolves.toEqual([0, null]);
  });

  it('stops when its stdin closes with --exit-with-parent', async () => {
    const cli = spawnCli(['--exit-with-parent']);
    started.push(cli);
    expect(await firstLine(cli)).toMatch(/^docket-stand-in listening mongodb:/);
    cli.child.stdin.end();
    await expect(withDeadline('the CLI to exit', cli.exited)).resolves.toEqual([0, null]);
  });

  it('expires TTL documents at the interval --ttl-monitor-interval-ms gives', async () => {
    const cli = spawnCli(['--ttl-monitor-interval-ms', '100']);
    started.push(cli);
    const uri = (await firstLine(cli)).slice('docket-stand-in listening '.length);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const sessions = client.db('cli').collection('sessions');
      await sessions.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
      await sessions.insertOne({ at: new Date(Date.now() - 1_000) });
      // The default interval (60 s) would run past this deadline.
      await waitFor(
        'the TTL monitor to delete the expired document',
        async () => (await sessions.countDocuments()) === 0,
        5_000,
      );
    } finally {
      await client.close();
    }
    cli.child.kill('SIGTERM');
    await expect(withDeadline('the CLI to exit', cli.exited)).resolves.toEqual([0, null]);
  });

  it('prints usage and exits 2 on bad arguments', async () => {
    const cli = spawnCli(['--port', 'eighty']);
    started.push(cli);
    await expect(withDeadline('the CLI to exit', cli.exited, START_DEADLINE_MS)).resolves.toEqual([
      2,
      null,
    ]);
    expect(cli.stderr()).toContain("--port needs an integer from 0 to 65535, got 'eighty'");
    expect(cli.stderr()).toContain('usage: docket-mongo-stand-in');
  });
});
