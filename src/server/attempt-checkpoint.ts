import { AttemptCommittedError, LeaseLostError, type DocketErrorDetails } from '../errors';
import type { JobCheckpoint } from '../storage/job-record';
import type { JobLease, JobStore } from '../storage/job-store';
import type { Clock } from './clock';
import { storableValue } from './storable-value';

/** What an {@link AttemptCheckpoint} needs from its execution. */
export interface AttemptCheckpointDeps {
  readonly store: Pick<JobStore, 'saveCheckpoint'>;
  readonly clock: Clock;
  readonly details: DocketErrorDetails & { readonly attempt: number };
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** Whether the attempt's transaction runs (`'running'`) or committed (`'committed'`). */
  readonly transaction: () => 'idle' | 'running' | 'committed';
  readonly loseLease: (lost: LeaseLostError) => void;
}

/**
 * `JobContext.checkpoint` and `saveCheckpoint` of one attempt: what earlier attempts saved,
 * and the writes of this one, validated before anything is written and fenced by the
 * attempt's lease. Saves run one after the other, in the order they were called, so the
 * last one called is the one stored.
 */
export class AttemptCheckpoint {
  private current: unknown;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly lease: JobLease,
    stored: JobCheckpoint | undefined,
    private readonly deps: AttemptCheckpointDeps,
  ) {
    this.current = stored?.data;
  }

  /** The last checkpoint saved, by this attempt or an earlier one; `undefined` when none. */
  get data(): unknown {
    return this.current;
  }

  /**
   * Validates `data` at the call, then stores it under the lease (`undefined` removes it).
   * @throws NonSerializableCheckpointError, CheckpointTooLargeError (nothing written).
   * @throws LeaseLostError when the attempt no longer holds the job (nothing written).
   */
  save(data: unknown): Promise<void> {
    let checkpoint: JobCheckpoint | null;
    try {
      checkpoint = this.storable(data);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const write = this.queue.then(() => this.write(checkpoint));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private storable(data: unknown): JobCheckpoint | null {
    if (data === undefined) return null;
    const { details, maxBytes } = this.deps;
    const stored = storableValue('checkpoint', data, maxBytes, details);
    return { data: stored, at: this.deps.clock.now(), attempt: details.attempt };
  }

  private async write(checkpoint: JobCheckpoint | null): Promise<void> {
    const { signal, details } = this.deps;
    // An attempt that ended (timed out, lost its lease, stopping) writes nothing more.
    if (signal.aborted) throw signal.reason;
    const transaction = this.deps.transaction();
    if (transaction !== 'idle') {
      throw new AttemptCommittedError(transaction === 'committed', details, 'saveCheckpoint');
    }
    if (!(await this.deps.store.saveCheckpoint(this.lease, checkpoint))) {
      const lost = new LeaseLostError(details);
      this.deps.loseLease(lost);
      throw lost;
    }
    this.current = checkpoint?.data;
  }
}
