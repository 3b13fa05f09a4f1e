import { Agent, request } from 'node:http';
import fc from 'fast-check';
import type { Db } from 'mongodb';
import { container as rootContainer } from 'tsyringe';
import { Docket, DocketError, type DocketOptions } from '../../../src';
import { startDashboard } from '../../../src/dashboard';
import { quietLogger } from '../../helpers/logger';
import { badCalls, type ApiUnderTest } from '../bad-inputs/api-cases';
import { validInput } from '../bad-inputs/input-jobs';
import { badRequests, type BadRequest } from '../bad-inputs/rest-cases';
import { emptyResult, Findings, type ScenarioResult } from '../report/scenario-result';
import type { RunContext } from '../support/scenario-db';
import { snapshotStorage, storageChanges, type StorageSnapshot } from '../support/storage-snapshot';

const CALL_TIMEOUT_MS = 10_000;

/**
 * Bad input: generated calls of the public API (payloads, enqueue and schedule options, ids,
 * cron expressions and time zones, recurring, queue, server and Docket options) and requests
 * to the dashboard's REST API, each wrong in exactly one way. Each must fail with a
 * `DocketError` (REST: a 4xx JSON problem), and storage (every collection's count and hash)
 * must be as it was before the call.
 */
export async function badInputs(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { api: 650, rest: 350 } : { api: 7_000, rest: 3_500 };
  const began = Date.now();
  const unhandledBefore = run.runnerUnhandled();
  const result = emptyResult('bad input');
  const findings = new Findings();
  const rng = run.rng.fork('bad input');
  const dbName = `faults_bad_input_${run.seed}`;
  const db = run.client.db(dbName);
  await db.dropDatabase();
  run.log('bad input: starting');
  const base: DocketOptions = {
    mongo: { client: run.client, dbName },
    container: rootContainer.createChildContainer(),
    handlers: [],
    logger: quietLogger(),
  };
  const docket = await Docket.create(base);
  const reported: unknown[] = [];
  const dashboard = await startDashboard(docket, { onError: (error) => reported.push(error) });
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  try {
    // What the calls may find: jobs (one of them the parent of continuations), a recurring
    // job, a paused queue; and the dashboard's indexes, created by its first request.
    const [jobId] = await docket.scheduler.enqueueMany([validInput(), validInput()]);
    await docket.scheduler.schedule(validInput(), { delayMs: 3_600_000 }, { uniqueKey: 'faults' });
    const recurringId = 'faults.daily';
    await docket.scheduler.addOrUpdateRecurring(recurringId, validInput(), '0 3 * * *', {
      timeZone: 'Europe/Berlin',
    });
    await docket.pauseQueue('paused-queue', { allowUnknown: true });
    await send(agent, dashboard.url, { target: '', input: '', method: 'GET', path: 'api/stats' });

    const api: ApiUnderTest = {
      docket,
      scheduler: docket.scheduler,
      jobId,
      create: (overrides) => {
        const { 'mongo.dbName': dbNameOverride, ...rest } = overrides;
        const options =
          'mongo.dbName' in overrides
            ? { ...base, mongo: { client: run.client, dbName: dbNameOverride } }
            : { ...base, ...rest };
        return Docket.create(options as DocketOptions);
      },
    };
    const typed = new Map<string, number>();
    const storage = new StorageWatch(db, result, findings);
    await storage.start();

    const calls = fc.sample(badCalls, { seed: rng.int(0, 2_147_483_647), numRuns: scale.api });
    await storage.inBatches(
      calls,
      (bad) => `${bad.target} ${bad.input}`,
      (bad) => bad.call(api),
      async (bad) => {
        const outcome = await settle(() => bad.call(api));
        if ('error' in outcome && outcome.error instanceof DocketError) {
          typed.set(outcome.error.name, (typed.get(outcome.error.name) ?? 0) + 1);
          return;
        }
        result.untypedErrors++;
        findings.add(
          `no typed error: ${bad.target}`,
          'error' in outcome
            ? `${bad.input} → ${describe(outcome.error)}`
            : `${bad.input} was accepted`,
        );
      },
    );

    const requests = fc.sample(badRequests({ jobId, recurringId }), {
      seed: rng.int(0, 2_147_483_647),
      numRuns: scale.rest,
    });
    const statuses = new Map<number, number>();
    await storage.inBatches(
      requests,
      (bad) => `${bad.method} ${bad.path.slice(0, 80)} (${bad.input})`,
      (bad) => send(agent, dashboard.url, bad),
      async (bad) => {
        const answer = await settle(() => send(agent, dashboard.url, bad));
        const problem = 'value' in answer ? problemOf(answer.value) : describe(answer.error);
        if ('value' in answer) {
          statuses.set(answer.value.status, (statuses.get(answer.value.status) ?? 0) + 1);
        }
        if (problem !== null) {
          result.untypedErrors++;
          findings.add(
            `not a 4xx problem: ${bad.target}`,
            `${bad.method} ${bad.path.slice(0, 80)} (${bad.input}) → ${problem}`,
          );
        }
      },
    );

    result.jobs = calls.length + requests.length;
    const targets = new Set(calls.map((c) => c.target)).size;
    result.notes.push(
      `${calls.length} API calls over ${targets} call shapes, ${requests.length} REST requests`,
      `typed errors: ${[...typed]
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}`,
      `REST statuses: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([status, n]) => `${status}×${n}`)
        .join(', ')}`,
    );
    if (reported.length > 0)
      result.notes.push(`${reported.length} failures reported by the dashboard`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    findings.add(
      'scenario failed',
      error instanceof Error ? (error.stack ?? error.message) : result.error,
    );
  } finally {
    agent.destroy();
    await dashboard.close().catch(() => undefined);
    await docket.close().catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    result.unhandled += run.runnerUnhandled() - unhandledBefore;
    result.findings = findings.list();
    result.durationMs = Date.now() - began;
    run.log(`bad input: done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  return result;
}

/** Calls between two looks at storage; a batch that changed it is replayed one by one. */
const BATCH = 10;

/**
 * Compares storage (every collection's count and hash) before and after each batch of bad
 * calls, and, when a batch changed it, replays the batch one call at a time to find the
 * culprits (each counts as a partial write).
 */
class StorageWatch {
  private before: StorageSnapshot = new Map();

  constructor(
    private readonly db: Db,
    private readonly result: ScenarioResult,
    private readonly findings: Findings,
  ) {}

  async start(): Promise<void> {
    this.before = await snapshotStorage(this.db);
  }

  async inBatches<T>(
    items: readonly T[],
    describeItem: (item: T) => string,
    replay: (item: T) => Promise<unknown>,
    check: (item: T) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH) {
      const batch = items.slice(i, i + BATCH);
      for (const item of batch) await check(item);
      if (!(await this.changed())) continue;
      let found = false;
      for (const item of batch) {
        await settle(() => replay(item));
        const changes = await this.changed();
        if (changes) {
          found = true;
          this.result.partialWrites++;
          this.findings.add(
            'storage changed by a refused call',
            `${describeItem(item)}: ${changes}`,
          );
        }
      }
      if (!found) {
        this.result.partialWrites++;
        this.findings.add(
          'storage changed by a refused call',
          `one of ${batch.map(describeItem).join(' | ').slice(0, 300)}`,
        );
      }
    }
  }

  /** What changed since the last look (null: nothing), and remember what is there now. */
  private async changed(): Promise<string | null> {
    const after = await snapshotStorage(this.db);
    const changes = storageChanges(this.before, after);
    this.before = after;
    return changes.length === 0 ? null : changes.join('; ');
  }
}

type Settled<T> = { value: T } | { error: unknown };

/** Runs `action`, turning a throw, a rejection or no answer within the timeout into `error`. */
async function settle<T>(action: () => Promise<T>): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)),
        CALL_TIMEOUT_MS,
      );
    });
    return { value: await Promise.race([Promise.resolve().then(action), timeout]) };
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message.slice(0, 100)}` : String(error);
  } catch {
    return '(an error that cannot be described)';
  }
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Why an answer is not a 4xx JSON problem, or null when it is one. */
function problemOf(answer: Answer): string | null {
  const shown = `${answer.status} ${answer.body.slice(0, 100)}`;
  if (answer.status < 400 || answer.status > 499) return shown;
  if (!answer.contentType.startsWith('application/json')) return `${shown} (${answer.contentType})`;
  try {
    const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string' && typeof body.error.message === 'string') return null;
  } catch {
    // Not JSON.
  }
  return `${shown} (not a problem document)`;
}

/** Sends a request to the dashboard and reads the whole answer. */
function send(agent: Agent, base: string, bad: BadRequest): Promise<Answer> {
  const url = new URL(base);
  const body = bad.body === undefined ? undefined : Buffer.from(bad.body, 'utf8');
  const contentType = bad.contentType === undefined ? 'application/json' : bad.contentType;
  const headers: Record<string, string | number> = {};
  if (body !== undefined) {
    headers['Content-Length'] = body.length;
    if (contentType !== null) headers['Content-Type'] = contentType;
  }
  return new Promise<Answer>((resolve, reject) => {
    // A body refused for its size is answered before it is read, and the connection closed:
    // writing the rest may then fail, after the answer arrived.
    let answered = false;
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: bad.method,
        path: `${url.pathname}${bad.path}`,
        headers,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}
