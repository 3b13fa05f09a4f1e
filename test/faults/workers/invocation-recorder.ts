import { randomBytes } from 'node:crypto';
import type { Collection, MongoClient } from 'mongodb';
import type { JobContext } from '../../../src';
import { INVOCATIONS, type Invocation } from './fault-jobs';

/**
 * Records every handler invocation in the scenario's database through a client of its own
 * (never the fault proxy), before the handler works and once it settles: the runner's ground
 * truth for "ran more than once", overlaps and limits.
 */
export class InvocationRecorder {
  private readonly invocations: Collection<Invocation>;

  constructor(
    client: MongoClient,
    dbName: string,
    private readonly worker: () => string,
  ) {
    this.invocations = client.db(dbName).collection<Invocation>(INVOCATIONS);
  }

  /** Records the invocation, runs `body`, records how it ended, and settles as `body` did. */
  async run(ctx: JobContext, honour: boolean, body: () => Promise<void>): Promise<void> {
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
      await body();
    } catch (error) {
      failure = { error };
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
