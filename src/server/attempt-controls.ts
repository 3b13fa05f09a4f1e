import type { DocketErrorDetails, JobSnoozedError, LeaseLostError } from '../errors';
import type { ResolvedJobHandlerOptions } from '../handlers/job-handler-options';
import type { JobRecord, JobSnooze } from '../storage/job-record';
import type { JobLease, JobStore } from '../storage/job-store';
import { AttemptCheckpoint } from './attempt-checkpoint';
import { AttemptSnooze } from './attempt-snooze';
import type { Clock } from './clock';

/** What {@link AttemptControls} need from their execution. */
export interface AttemptControlDeps {
  readonly store: Pick<JobStore, 'saveCheckpoint'>;
  readonly clock: Clock;
  readonly details: DocketErrorDetails & { readonly attempt: number };
  readonly options: Pick<ResolvedJobHandlerOptions, 'maxSnoozes' | 'maxCheckpointBytes'>;
  readonly signal: AbortSignal;
  readonly transaction: () => 'idle' | 'running' | 'committed';
  readonly abort: (snoozed: JobSnoozedError) => void;
  readonly loseLease: (lost: LeaseLostError) => void;
}

/**
 * How a running handler steers its own job: the checkpoint it resumes from and saves
 * (`checkpoint`, `saveCheckpoint`), and `snooze`, which ends the attempt without counting.
 */
export class AttemptControls {
  private readonly checkpoints: AttemptCheckpoint;
  private readonly snoozing: AttemptSnooze;

  constructor(job: JobRecord, lease: JobLease, deps: AttemptControlDeps) {
    const { store, clock, details, options, signal, transaction } = deps;
    this.checkpoints = new AttemptCheckpoint(lease, job.checkpoint, {
      store,
      clock,
      details,
      maxBytes: options.maxCheckpointBytes,
      signal,
      transaction,
      loseLease: deps.loseLease,
    });
    this.snoozing = new AttemptSnooze({
      clock,
      details,
      snoozedBefore: job.snoozeCount ?? 0,
      maxSnoozes: options.maxSnoozes,
      signal,
      transaction,
      abort: deps.abort,
    });
  }

  /** The snooze the handler asked for, once it did: the attempt's outcome. */
  get snooze(): JobSnooze | undefined {
    return this.snoozing.requested;
  }

  /** `JobContext.checkpoint`: the last checkpoint saved, `undefined` when none. */
  get checkpoint(): unknown {
    return this.checkpoints.data;
  }

  /** `JobContext.saveCheckpoint`. */
  saveCheckpoint(data: unknown): Promise<void> {
    return this.checkpoints.save(data);
  }

  /** `JobContext.snooze`. */
  requestSnooze(options: unknown): Promise<never> {
    return this.snoozing.snooze(options);
  }
}
