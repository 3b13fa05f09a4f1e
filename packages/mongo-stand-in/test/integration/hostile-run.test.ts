/**
 * One run of every hostile input the stand-in has met, against a stand-in in a process of its
 * own (as `npm run stand-in` or a test runner's shared server): afterwards it answers a ping at
 * once, its memory is back within 50 MB of where it started, and `Object.prototype` is as it
 * was. Each input is refused or bounded as its own test shows; this one checks that nothing
 * they leave behind adds up.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
import { RawWireClient } from './raw-wire-client';
import { waitFor, withDeadline } from './wait-for';

const HOST = join(__dirname, 'fixtures', 'hostile-host.ts');
const MB = 1024 * 1024;

/** The test's documents: numeric ids, anything else. */
interface HostileDoc {
  _id: number;
  [field: string]: unknown;
}

class HostProcess {
  private readonly lines: Interface;
  private readonly waiting: Array<{ prefix: string; resolve: (rest: string) => void }> = [];

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => {
      const index = this.waiting.findIndex((w) => line.startsWith(`${w.prefix} `));
      if (index < 0) return;
      const [{ prefix, resolve }] = this.waiting.splice(index, 1);
      resolve(line.slice(prefix.length + 1));
    });
  }

  static async start(): Promise<{ host: HostProcess; uri: string }> {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '-r', 'ts-node/register/transpile-only', HOST],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const host = new HostProcess(child);
    const uri = await withDeadline(
      'the stand-in host to listen',
      Promise.race([
        host.next('URI'),
        once(child, 'exit').then(() => {
          throw new Error(`the stand-in host exited: ${stderr}`);
        }),
      ]),
      30_000,
    );
    return { host, uri };
  }

  private next(prefix: string): Promise<string> {
    return new Promise((resolve) => this.waiting.push({ prefix, resolve }));
  }

  async memory(): Promise<number> {
    const answer = this.next('MEMORY');
    this.child.stdin.write('memory\n');
    return Number(await withDeadline('a memory reading', answer));
  }

  async prototypeNames(): Promise<string[]> {
    const answer = this.next('PROTOTYPE');
    this.child.stdin.write('prototype\n');
    return JSON.parse(await withDeadline('the prototype names', answer)) as string[];
  }

  async state(): Promise<{ backlogBytes: number; pausedConnectionCount: number }> {
    const answer = this.next('STATE');
    this.child.stdin.write('state\n');
    return JSON.parse(await withDeadline('the connection state', answer)) as {
      backlogBytes: number;
      pausedConnectionCount: number;
    };
  }

  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** The error code a call failed with (or 'none'). */
async function codeOf(call: Promise<unknown>): Promise<number | string> {
  try {
    await call;
    return 'none';
  } catch (error) {
    return error instanceof MongoServerError ? (error.code as number) : String(error);
  }
}

/** The median time of `count` pings, in ms. */
async function medianPingMs(client: MongoClient, count = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await client.db('admin').command({ ping: 1 });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(count / 2)];
}

describe('a run of hostile input', () => {
  let host: HostProcess;
  let uri: string;

  beforeAll(async () => {
    ({ host, uri } = await HostProcess.start());
  }, 40_000);

  afterAll(() => host?.stop());

  it('leaves the stand-in answering at once, its memory where it was, Object.prototype clean', async () => {
    const port = Number(new URL(uri).port);
    const prototypeBefore = await host.prototypeNames();
    // Warm up what every run loads once (the driver's handshake, the command paths) before
    // the baseline.
    const warm = await new MongoClient(uri).connect();
    await warm.db('warm').collection('c').insertOne({ a: 1 });
    await warm
      .db('warm')
      .collection('c')
      .find({ a: { $regex: '^a' } })
      .toArray();
    await warm.db('warm').dropDatabase();
    await warm.close();
    const baseline = await host.memory();

    const client = await new MongoClient(uri).connect();
    const db = client.db('hostile');
    const docs: Collection<HostileDoc> = db.collection<HostileDoc>('docs');
    await docs.insertMany([
      { _id: 1, a: [] },
      { _id: 2, text: `${'a'.repeat(29)}!` },
      { _id: 3, big: 'x'.repeat(MB) },
    ]);

    // Prototype pollution through update paths.
    await docs.updateOne({ _id: 1 }, { $set: { '__proto__.polluted': 1 } });
    await docs.updateOne({ _id: 1 }, { $set: { x: 1 } });
    await docs.updateOne({ _id: 1 }, { $rename: { x: '__proto__.polluted2' } });
    // An array padded to 150 million nulls.
    expect(await codeOf(docs.updateOne({ _id: 1 }, { $set: { 'a.150000000': 1 } }))).toBe(34);
    // A backtracking regex: answered (no match), not run for seconds.
    expect(await docs.find({ text: { $regex: '^(a+)+$' } }).toArray()).toEqual([]);
    // A document grown past 16 MiB, and one nested deeper than 100 levels.
    const grow = { $set: { more: 'y'.repeat(16 * MB) } };
    expect(await codeOf(docs.updateOne({ _id: 3 }, grow))).toBe(17419);
    let nested: Document = { leaf: 1 };
    for (let i = 0; i < 120; i++) nested = { n: nested };
    expect(await codeOf(docs.insertOne({ _id: 4, nested }))).toBe(74);
    // 1,000 cursors opened and abandoned.
    await docs.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: 100 + i })));
    for (let i = 0; i < 1_000; i++) {
      const cursor = docs.find({}, { batchSize: 1, projection: { big: 0 } });
      await cursor.next();
    }
    // A client that asks for 100 MiB of replies and never reads them, then goes away.
    const raw = await RawWireClient.connect(port);
    raw.socket.pause();
    for (let i = 0; i < 100; i++) {
      void raw.command({ find: 'docs', filter: { _id: 3 }, $db: 'hostile' });
    }
    await waitFor('the stand-in to stop reading', async () => {
      return (await host.state()).pausedConnectionCount === 1;
    });
    await raw.close();
    await waitFor('the unread replies to be dropped', async () => {
      const { backlogBytes, pausedConnectionCount } = await host.state();
      return backlogBytes === 0 && pausedConnectionCount === 0;
    });

    expect(await host.prototypeNames()).toEqual(prototypeBefore);
    expect(await docs.countDocuments({ _id: 1 })).toBe(1);
    await db.dropDatabase();
    await client.close();

    const probe = await new MongoClient(uri).connect();
    expect(await medianPingMs(probe)).toBeLessThan(100);
    await probe.close();
    const after = await host.memory();
    expect((after - baseline) / MB).toBeLessThan(50);
  }, 120_000);
});
