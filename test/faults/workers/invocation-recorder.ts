import { randomBytes } from 'node:crypto';
import type { Collection, MongoClient } from 'mongodb';
import type { JobContext } from '../../../src';
import { INVOCATIONS, TRIES, type Invocation, type TransactionTry } from './fault-jobs';

/**
 * Records every handler invocation in the scenario's database through a client of its own
 * (never the fault proxy), before the handler works and once it settles: the runner's ground
 * truth for "ran more than once", overlaps and limits. Handlers that work in a transaction
 * also log each of its tries here, outside the transaction.
 */
export class InvocationRecorder {
  private readonly invocations: Collection<Invocation>;
  private readonly tries: Collection<TransactionTry>;
  /** Tries logged so far, per invocation id. */
  private readonly triesOf = new Map<string, number>();

  constructor(
    client: MongoClient,
    dbName: string,
    private readonly worker: () => string,
  ) {
    this.invocations = client.db(dbName).collection<Invocation>(INVOCATIONS);
    this.tries = client.db(dbName).collection<TransactionTry>(TRIES);
  }

  /**
   * Records the invocation, runs `body` (given the invocation's id), records how it ended, and
   * settles as `body` did.
   */
  async run(
    ctx: JobContext,
    honour: boolean,
    body: (invocation: string) => Promise<void>,
  ): Promise<void> {
    const worker = this.worker();
    const id = `${ctx.jobId}/${ctx.attempt}/${worker}/${randomBytes(3).toString('hex')}`;
    // Not awaited before the work: a slow database must not hold the handler back, or make it
    // look as if it honoured its signal late.
    const inserted = this.invocations.insertOne({
      _id: id,
      jobId: ctx.jobId,
      jobType: ctx.jobType,
      attempt: ctx.attempt,
      worker,
      pid: process.pid,
      honour,
      startedAt: Date.now(),
      endedAt: null,
      outcome: null,
      error: null,
      signal: null,
    });
    // Awaited below; until then its failure must not count as unhandled.
    inserted.catch(() => undefined);
    let failure: { error: unknown } | undefined;
    try {
      await body(id);
    } catch (error) {
      failure = { error };
    } finally {
      this.triesOf.delete(id);
    }
    const endedAt = Date.now();
    await inserted;
    await this.invocations.updateOne(
      { _id: id },
      {
        $set: {
          endedAt,
          outcome: failure ? 'threw' : 'ok',
          error: failure ? nameOf(failure.error) : null,
          signal: ctx.signal.aborted ? nameOf(ctx.signal.reason) : null,
        },
      },
    );
    if (failure) throw failure.error;
  }

  /**
   * Logs a try of the invocation's transaction, outside it (awaited: a try that goes on to
   * write is in the log, whatever happens to it next), and returns its id.
   */
  async tried(invocation: string, ctx: JobContext): Promise<string> {
    const n = (this.triesOf.get(invocation) ?? 0) + 1;
    this.triesOf.set(invocation, n);
    const id = `${invocation}/${n}`;
    await this.tries.insertOne({
      _id: id,
      invocation,
      jobId: ctx.jobId,
      attempt: ctx.attempt,
      worker: this.worker(),
      pid: process.pid,
      n,
      at: Date.now(),
    });
    return id;
  }
}

/** Waits `ms`; with a signal, rejects with its reason as soon as it fires. */
export function work(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function nameOf(value: unknown): string {
  return value instanceof Error ? value.name : typeof value;
}
