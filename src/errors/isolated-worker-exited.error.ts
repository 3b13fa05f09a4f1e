import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * How an isolated worker ended an attempt: `'exited'` (its code called `process.exit()`),
 * `'crashed'` (an uncaught exception or rejection, or a signal from outside), `'outOfMemory'`
 * (past the thread's `resourceLimits` or the process's `--max-old-space-size`),
 * `'terminated'` (Docket stopped it: told to stop, it had not settled within
 * `isolation.terminateGraceMs`), `'bootstrapFailed'` (the `isolation.bootstrap` module threw).
 */
export type IsolatedWorkerExitReason =
  'exited' | 'crashed' | 'outOfMemory' | 'terminated' | 'bootstrapFailed';

/** What {@link IsolatedWorkerExitedError} says about the worker. */
export interface IsolatedWorkerExit {
  /** The kind of worker: a worker thread or a child process. */
  readonly isolation: 'thread' | 'process';
  /** How it ended. */
  readonly reason: IsolatedWorkerExitReason;
  /** The worker's exit code, when it exited with one. */
  readonly exitCode?: number;
  /** The signal that ended a child process, e.g. `'SIGKILL'`. */
  readonly signal?: string;
  /** What the worker said before it ended (the uncaught error's message, a stderr line...). */
  readonly detail?: string;
}

/**
 * The worker thread or child process running an isolated handler ended before the handler
 * settled. The attempt fails with this error (and is retried per the handler's policy); the
 * server and its other jobs carry on, and the worker is replaced.
 */
export class IsolatedWorkerExitedError extends DocketError {
  /** The kind of worker: a worker thread or a child process. */
  readonly isolation: 'thread' | 'process';
  /** How it ended. */
  readonly reason: IsolatedWorkerExitReason;
  /** The worker's exit code, when it exited with one. */
  declare readonly exitCode?: number;
  /** The signal that ended a child process, e.g. `'SIGKILL'`. */
  declare readonly signal?: string;

  /**
   * @param exit - How the worker ended.
   * @param details - The job concerned; `cause`: the worker's own error, when it sent one.
   */
  constructor(exit: IsolatedWorkerExit, details: DocketErrorDetails = {}) {
    super(describeExit(exit, describeJob(details)), details);
    this.isolation = exit.isolation;
    this.reason = exit.reason;
    if (exit.exitCode !== undefined) this.exitCode = exit.exitCode;
    if (exit.signal !== undefined) this.signal = exit.signal;
  }

  override get name(): string {
    return 'IsolatedWorkerExitedError';
  }

  override get code(): string {
    return 'ISOLATED_WORKER_EXITED';
  }
}

function describeExit(
  { isolation, reason, exitCode, signal, detail }: IsolatedWorkerExit,
  job: string,
): string {
  const kind = isolation === 'thread' ? 'The worker thread' : 'The child process';
  const worker = job === '' ? kind : `${kind} running job${job}`;
  const how = [
    exitCode === undefined ? undefined : `code ${exitCode}`,
    signal === undefined ? undefined : `signal ${signal}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const said = detail === undefined ? '' : `: ${detail.slice(0, 1_000)}`;
  const ended = how === '' ? '' : ` (${how})`;
  switch (reason) {
    case 'exited':
      return `${worker} exited${ended}${said}`;
    case 'crashed':
      return `${worker} crashed${ended}${said}`;
    case 'outOfMemory':
      return `${worker} ran out of memory${ended}${said}`;
    case 'terminated':
      return `${worker} was terminated: it had not settled within its grace period after its signal fired${said}`;
    case 'bootstrapFailed':
      return `${worker} could not load its isolation bootstrap module${ended}${said}`;
  }
}
