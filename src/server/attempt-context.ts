import type { Logger } from 'winston';
import type { JobSnoozedError, LeaseLostError } from '../errors';
import type { ExecutionFilterContext } from '../filters';
import type { JobContext } from '../handlers';
import { HandlerContext } from '../handlers/handler-context';
import type { ResolvedJobHandlerOptions } from '../handlers/job-handler-options';
import type { IJob } from '../jobs';
import type { ResolvedArtefactOptions } from '../storage/artefact-options';
import type { JobRecord, JobSnooze } from '../storage/job-record';
import type { JobLease, JobStore } from '../storage/job-store';
import type { MongoJobArtefacts } from '../storage/mongo/mongo-job-artefacts';
import { AttemptArtefacts } from './attempt-artefacts';
import type { AttemptLog } from './attempt-log';
import { AttemptCheckpoint } from './attempt-checkpoint';
import { AttemptSnooze } from './attempt-snooze';
import type { Clock } from './clock';
import type { HandlerTransaction } from './handler-transaction';
import type { JobLogBuffer } from './job-log-buffer';
import type { ProgressReporter } from './progress-reporter';

/** What an {@link AttemptContext} is made of: its execution's parts. */
export interface AttemptContextDeps {
  readonly store: Pick<JobStore, 'saveCheckpoint'>;
  readonly clock: Clock;
  /** Where the files handlers store go, and how large they may be. */
  readonly artefacts: MongoJobArtefacts;
  readonly artefactOptions: ResolvedArtefactOptions;
  readonly options: Pick<ResolvedJobHandlerOptions, 'maxSnoozes' | 'maxCheckpointBytes'>;
  readonly maxAttempts: number;
  readonly details: {
    readonly jobId: string;
    readonly jobType: string;
    readonly queue: string;
    readonly attempt: number;
  };
  readonly signal: AbortSignal;
  readonly log: AttemptLog;
  readonly logLines: JobLogBuffer;
  readonly progress: ProgressReporter;
  readonly transaction: HandlerTransaction;
  /** Ends the attempt: fires the handler's signal with `snoozed`. */
  readonly abort: (snoozed: JobSnoozedError) => void;
  readonly loseLease: (lost: LeaseLostError) => void;
}

/**
 * What a handler sees of its attempt: its {@link JobContext} (made once, when first asked
 * for), and the view its filters' execution hooks get. The context's controls steer the job
 * from inside the handler: the checkpoint it resumes from and saves, and `snooze`, which
 * ends the attempt without counting.
 */
export class AttemptContext {
  // The checkpoint and snooze controls are made when the handler first uses them: most
  // handlers never do.
  private checkpointsMade: AttemptCheckpoint | undefined;
  private snoozingMade: AttemptSnooze | undefined;
  private made: JobContext | undefined;
  private loggerMade: Logger | undefined;
  private artefactsMade: AttemptArtefacts | undefined;

  constructor(
    private readonly job: JobRecord,
    private readonly lease: JobLease,
    private readonly deps: AttemptContextDeps,
  ) {}

  /** The snooze the handler asked for, once it did: the attempt's outcome. */
  get snooze(): JobSnooze | undefined {
    return this.snoozingMade?.requested;
  }

  /** The handler's context, which its filters see too (made once per attempt). */
  get handler(): JobContext {
    this.made ??= this.make();
    return this.made;
  }

  /** What the filters' execution hooks see of the attempt. */
  forFilters(job: IJob): ExecutionFilterContext {
    return {
      ...this.deps.details,
      maxAttempts: this.deps.maxAttempts,
      createdAt: this.job.createdAt,
      dueAt: this.job.dueAt,
      startedAt: this.job.startedAt ?? this.deps.clock.now(),
      job,
      metadata: this.job.metadata ?? {},
      context: this.handler,
    };
  }

  private get checkpoints(): AttemptCheckpoint {
    const { store, clock, details, options, signal, transaction, loseLease } = this.deps;
    this.checkpointsMade ??= new AttemptCheckpoint(this.lease, this.job.checkpoint, {
      store,
      clock,
      details,
      maxBytes: options.maxCheckpointBytes,
      signal,
      transaction: () => transaction.phase,
      loseLease,
    });
    return this.checkpointsMade;
  }

  private get snoozing(): AttemptSnooze {
    const { clock, details, options, signal, transaction, abort } = this.deps;
    this.snoozingMade ??= new AttemptSnooze({
      clock,
      details,
      snoozedBefore: this.job.snoozeCount ?? 0,
      maxSnoozes: options.maxSnoozes,
      signal,
      transaction: () => transaction.phase,
      abort,
    });
    return this.snoozingMade;
  }

  private make(): JobContext {
    const { deps } = this;
    return new HandlerContext(this, {
      signal: deps.signal,
      jobId: this.job._id,
      jobType: this.job.type,
      queue: this.job.queue,
      attempt: this.job.attempt,
      maxAttempts: deps.maxAttempts,
      parentResult: this.job.parentResult,
      progress: (percent, message) => deps.progress.report(percent, message),
      transaction: (work) => deps.transaction.run(work),
      saveCheckpoint: (data) => this.checkpoints.save(data),
      snooze: (options) => this.snoozing.snooze(options),
    });
  }

  /** The handler's logger: the attempt's, its lines kept with the job (made when first used). */
  get logger(): Logger {
    this.loggerMade ??= this.deps.logLines.capture(this.deps.log.logger);
    return this.loggerMade;
  }

  /** The last checkpoint saved for the job, as stored. */
  get checkpoint(): unknown {
    return this.checkpoints.data;
  }

  /** The files the job leaves (made when first used). */
  get artefacts(): AttemptArtefacts {
    const { deps, lease } = this;
    this.artefactsMade ??= new AttemptArtefacts(lease, {
      store: deps.artefacts,
      options: deps.artefactOptions,
      details: deps.details,
      signal: deps.signal,
      clock: deps.clock,
      session: () => deps.transaction.session,
      loseLease: deps.loseLease,
    });
    return this.artefactsMade;
  }
}
