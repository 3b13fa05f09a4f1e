import type { DependencyContainer } from 'tsyringe';
import type { LogEntry } from 'winston';
import type { HandlerRegistration, JobContext, SnoozeOptions } from '../handlers';
import type { IsolatedRunner } from '../isolation/isolated-runner';
import type { IJob } from '../jobs';
import type { JobRecord } from '../storage/job-record';
import type { AttemptLog } from './attempt-log';
import type { JobLogBuffer } from './job-log-buffer';
import type { ProgressReporter } from './progress-reporter';

/** What running an attempt's handler needs. */
export interface HandlerInvocationParts {
  readonly job: JobRecord;
  readonly registration: HandlerRegistration;
  readonly maxAttempts: number;
  readonly container: DependencyContainer;
  /** Where handlers with `isolation` other than `'inline'` run. */
  readonly isolation: Pick<IsolatedRunner, 'run'>;
  /** The attempt's signal: the wait on the handler ends when it fires. */
  readonly signal: AbortSignal;
  /** Rejects with the signal's reason once it fires (the attempt's, shared by its races). */
  readonly whenAborted: () => Promise<never>;
  readonly log: AttemptLog;
  /** The handler's context (an inline handler's; an isolated one gets its own in its worker). */
  readonly context: () => JobContext;
  readonly progress: Pick<ProgressReporter, 'report'>;
  readonly logLines: Pick<JobLogBuffer, 'capture'>;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * The handler of one attempt: resolved from a child container and called inline, or handed
 * to a worker of the server's pool; whether it still runs (it may outlive its attempt when it
 * ignores its signal), and when it settles.
 */
export class HandlerInvocation {
  /**
   * Settles when the handler itself settles (or once the attempt ended without running it).
   * After an abort the attempt ends without waiting for it; a stopping server waits on this.
   */
  readonly settled: Promise<void>;
  private markSettled!: () => void;
  private started = false;
  private done = false;

  constructor(private readonly parts: HandlerInvocationParts) {
    this.settled = new Promise<void>(
      (resolve) =>
        (this.markSettled = () => {
          this.done = true;
          resolve();
        }),
    );
  }

  /** True while the handler runs. */
  get running(): boolean {
    return this.started && !this.done;
  }

  /** The attempt is over; a handler that never started is settled now. */
  attemptEnded(): void {
    if (!this.started) this.markSettled();
  }

  /**
   * Runs the handler and resolves with what it resolved with; settles when it settles or when
   * the signal fires, whichever is first.
   */
  async invoke(job: IJob): Promise<unknown> {
    const { registration, container } = this.parts;
    const { isolation } = registration.options;
    if (isolation !== 'inline') return this.awaitHandler(this.runIsolated(isolation));
    const child = container.createChildContainer();
    try {
      const handler = child.resolve(registration.handlerClass);
      const returned: unknown = handler.handle(job, this.parts.context());
      if (!isThenable(returned)) {
        throw new TypeError(
          `${registration.handlerClass.name}.handle() must return a Promise, got ${typeof returned}`,
        );
      }
      return await this.awaitHandler(Promise.resolve(returned));
    } finally {
      Promise.resolve(child.dispose()).catch((error: unknown) =>
        this.parts.report(error, 'disposing the job container failed'),
      );
    }
  }

  /** Marks the handler started, and settled when `handled` settles; races it with the signal. */
  private awaitHandler(handled: Promise<unknown>): Promise<unknown> {
    const { signal, log } = this.parts;
    this.started = true;
    handled.then(this.markSettled, this.markSettled);
    // A handler that rejects after we stopped waiting must not become an unhandled rejection.
    handled.catch((error: unknown) => {
      if (signal.aborted) log.debug(`the handler settled after its signal fired: ${String(error)}`);
    });
    return Promise.race([handled, this.parts.whenAborted()]);
  }

  /**
   * Runs the handler in a worker of the server's pool: it settles once the worker's handler
   * settled, or once the worker ended (terminated after the signal's grace period, or dead).
   * Progress, checkpoints, snoozes and log lines come back to this attempt's context and log.
   */
  private runIsolated(isolation: 'thread' | 'process'): Promise<unknown> {
    const { job, signal, progress } = this.parts;
    const logger = this.parts.logLines.capture(this.parts.log.logger);
    const request = {
      jobId: job._id,
      jobType: job.type,
      queue: job.queue,
      attempt: job.attempt,
      maxAttempts: this.parts.maxAttempts,
    };
    return this.parts.isolation.run(
      isolation,
      {
        ...request,
        payload: job.payload,
        parentResult: job.parentResult,
        checkpoint: job.checkpoint?.data,
      },
      {
        signal,
        progress: (percent, message) => progress.report(percent, message),
        saveCheckpoint: (data) => this.parts.context().saveCheckpoint(data),
        snooze: (options) => this.parts.context().snooze(options as SnoozeOptions),
        log: (info) => logger.log(info as LogEntry),
      },
    );
  }
}

/** A promise that rejects with the signal's reason once it fires. */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
