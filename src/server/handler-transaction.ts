import type { ClientSession } from 'mongodb';
import {
  AttemptCommittedError,
  LeaseLostError,
  TransactionTooLongError,
  type DocketErrorDetails,
} from '../errors';
import type { FinishEntry, FinishResult, JobStore } from '../storage/job-store';

/** One attempt's side of `LeaseKeeper.hold`: its lease, kept off the heartbeat meanwhile. */
export interface LeaseHold {
  /** Renews the lease and keeps the heartbeat off it; true when the previous hold was broken. */
  hold(): Promise<boolean>;
  /** Gives the lease back to the heartbeat. */
  resume(): void;
  /** How long work on hold may run, at least, before the heartbeat must renew the lease. */
  readonly windowMs: number;
}

/** What a {@link HandlerTransaction} needs from its attempt. */
export interface HandlerTransactionDeps {
  readonly store: Pick<JobStore, 'commitWithOutcome'>;
  readonly details: DocketErrorDetails;
  /** The attempt's signal: an attempt that ended must not commit. */
  readonly signal: AbortSignal;
  readonly lease: LeaseHold;
  /** The attempt's other writes to the job (progress, logs) would conflict too: they wait. */
  readonly writes: { hold(): Promise<void>; resume(committed: boolean): void };
  /** The success to record with the work, built when the work is done. */
  readonly success: () => FinishEntry;
  /** The commit found the lease gone. */
  readonly loseLease: (error: LeaseLostError) => void;
}

/** The success a {@link HandlerTransaction} committed. */
export interface CommittedSuccess {
  readonly durationMs: number;
  readonly result: FinishResult;
}

/**
 * `JobContext.transaction` of one attempt: the handler's writes and the job's success, committed
 * together under the attempt's lease. Each try of the work starts with a fresh lease that the
 * heartbeat then leaves alone: a renewal would write the job, and the transaction's own write to
 * it would conflict and start over at every heartbeat. A try that outlasts the lease is broken by
 * the renewal the server cannot skip; after two such tries in a row the transaction gives up.
 */
export class HandlerTransaction {
  private state: 'idle' | 'running' | CommittedSuccess = 'idle';
  private current: ClientSession | undefined;

  constructor(private readonly deps: HandlerTransactionDeps) {}

  /** The session of the try whose work runs now, if any. */
  get session(): ClientSession | undefined {
    return this.current;
  }

  /** Where the transaction is: not begun, running, or committed. */
  get phase(): 'idle' | 'running' | 'committed' {
    if (this.state === 'idle' || this.state === 'running') return this.state;
    return 'committed';
  }

  /** The success, once committed. */
  get committed(): CommittedSuccess | undefined {
    return typeof this.state === 'object' ? this.state : undefined;
  }

  /** Runs `work` and commits it with the job's success (see `JobContext.transaction`). */
  async run<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    const { signal, details } = this.deps;
    if (this.state !== 'idle') throw new AttemptCommittedError(this.state !== 'running', details);
    if (typeof work !== 'function') {
      throw new TypeError('ctx.transaction needs a function (session) => Promise');
    }
    signal.throwIfAborted();
    this.state = 'running';
    let broken = 0;
    let success: FinishEntry | undefined;
    try {
      await this.deps.writes.hold();
      const committed = await this.deps.store.commitWithOutcome(
        async (session) => {
          // Before the transaction's first command, so that its snapshot has the renewal.
          broken = (await this.deps.lease.hold()) ? broken + 1 : 0;
          if (broken === 2) throw new TransactionTooLongError(this.deps.lease.windowMs, details);
          // Checked at every try: an attempt that ended meanwhile must not commit.
          signal.throwIfAborted();
          this.current = session;
          try {
            const value = await work(session);
            signal.throwIfAborted();
            return value;
          } finally {
            this.current = undefined;
          }
        },
        () => (success = this.deps.success()),
      );
      if (!committed) {
        const lost = new LeaseLostError(details);
        this.deps.loseLease(lost);
        throw lost;
      }
      this.state = { durationMs: success!.outcome.durationMs, result: committed.result };
      return committed.value;
    } finally {
      this.deps.lease.resume();
      this.deps.writes.resume(this.committed !== undefined);
      if (this.state === 'running') this.state = 'idle';
    }
  }
}
