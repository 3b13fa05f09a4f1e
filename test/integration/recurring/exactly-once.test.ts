import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { JobRecord } from '../../../src';
import { occurrenceJobId } from '../../../src/recurring';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { tick } from '../fixtures/recurring-jobs';
import { occurrenceJobsOf, openRecurring } from '../fixtures/recurring-setup';

/*
 * Guarantee 4 of docs/design.md: exactly one job per recurring occurrence, however many
 * servers run the recurring ticker. Three processes tick on one every-second definition; every occurrence
 * between the first and the last must have exactly one job, and exactly one process must
 * report having enqueued it.
 */

const ROOT = join(__dirname, '..', '..', '..');
const RECURRING_ID = 'exactly-once.every-second';
const OCCURRENCES = 22;

interface TickerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  /** `ENQUEUED` lines: the jobs whose insert this process won. */
  readonly enqueued: Array<{ jobId: string; occurrence: string; at: number }>;
  readonly exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `fixtures/recurring-worker.ts` and resolves once its ticker runs. */
async function startTickerProcess(id: string, db: TestDatabase): Promise<TickerProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(ROOT, 'test/integration/fixtures/recurring-worker.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        WORKER_MONGO_URI: db.uri,
        WORKER_DB: db.dbName,
        WORKER_ID: id,
        WORKER_POLL_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const enqueued: TickerProcess['enqueued'] = [];
  let stdout = '';
  let stderr = '';
  let ready = false;
  // 'close', not 'exit': every line the process printed has been read by then.
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const readyOrExit = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} not ready: ${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n');
      stdout = lines.pop()!;
      for (const line of lines) {
        const [kind, , jobId, occurrence, at] = line.split(' ');
        if (kind === 'READY' && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve();
        } else if (kind === 'ENQUEUED') {
          enqueued.push({ jobId, occurrence, at: Number(at) });
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${id} exited (${code}) before it was ready: ${stderr}`));
    });
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await readyOrExit;
  return {
    id,
    child,
    enqueued,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('exactly one job per recurring occurrence (guarantee 4)', () => {
  let db: TestDatabase;
  const processes: TickerProcess[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('recurring_once');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await db.cleanup();
  });

  it(`3 processes on an every-second schedule: ${OCCURRENCES}+ occurrences, no duplicate, no gap`, async () => {
    const { recurring } = await openRecurring(db.client, db.dbName);
    processes.push(
      ...(await Promise.all(
        ['once-a', 'once-b', 'once-c'].map((id) => startTickerProcess(id, db)),
      )),
    );
    // Added after the processes run: each sees it within its poll interval (1 s).
    await recurring.addOrUpdate(RECURRING_ID, tick('every-second'), '* * * * * *');
    const jobs = db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
    const prefix = `${RECURRING_ID}@`;
    const ours = occurrenceJobsOf(RECURRING_ID);
    await waitFor(async () => (await jobs.countDocuments(ours)) >= OCCURRENCES, {
      timeoutMs: 40_000,
      intervalMs: 200,
      what: `${OCCURRENCES} occurrences`,
    });
    // Stop the schedule first, then the processes (gracefully: each awaits its tick in flight).
    await recurring.pause(RECURRING_ID);
    expect(await Promise.all(processes.map((p) => p.stop('SIGTERM')))).toEqual([0, 0, 0]);

    const stored = await jobs.find(ours).sort({ _id: 1 }).toArray();
    const occurrences = stored
      .map((job) => Date.parse(job._id.slice(prefix.length)))
      .sort((a, b) => a - b);
    const first = occurrences[0];
    const last = occurrences[occurrences.length - 1];
    // No gap: every second from the first occurrence to the last has its job, and only those.
    const expected = Array.from({ length: (last - first) / 1000 + 1 }, (_, i) =>
      occurrenceJobId(RECURRING_ID, new Date(first + i * 1000)),
    );
    expect(stored.map((job) => job._id)).toEqual(expected);
    // No duplicate: exactly one process won each insert, and none claims a job twice.
    const claims = processes.flatMap((p) => p.enqueued.map((e) => ({ ...e, by: p.id })));
    const claimed = claims.map((c) => c.jobId).sort();
    expect(claimed).toEqual(expected);
    // Each job is an on-time occurrence: due at its occurrence, with the definition's payload.
    for (const job of stored) {
      expect(job.dueAt.getTime()).toBe(Date.parse(job._id.slice(prefix.length)));
      expect(job.payload).toEqual({ name: 'every-second', n: 0 });
    }

    // The first occurrence waits for the processes to see the new definition (their poll
    // interval); from then on each is stored ahead of its time (negative: early).
    const [firstDrift, ...steady] = stored.map(
      (job) => job.createdAt.getTime() - job.dueAt.getTime(),
    );
    steady.sort((a, b) => a - b);
    const perProcess = Object.fromEntries(processes.map((p) => [p.id, p.enqueued.length]));
    process.stdout.write(
      `exactly-once: ${stored.length} occurrences (${new Date(first).toISOString()} .. ${new Date(last).toISOString()}), ` +
        `0 duplicates, 0 gaps; enqueued by ${JSON.stringify(perProcess)}; drift (enqueue − occurrence): ` +
        `first ${firstDrift} ms (definition seen by polling), then min ${steady[0]}, p50 ${percentile(steady, 50)}, ` +
        `p99 ${percentile(steady, 99)}, max ${steady[steady.length - 1]} ms\n`,
    );
    expect(stored.length).toBeGreaterThanOrEqual(OCCURRENCES);
    // Jobs are stored up to the ticker's lookahead (500 ms) before their occurrence, as
    // `scheduled` jobs due at it; never earlier.
    expect(steady[0]).toBeGreaterThanOrEqual(-500);
  }, 60_000);
});
