import {
  AttemptCommittedError,
  JobSnoozedError,
  SnoozeLimitError,
  type DocketErrorDetails,
} from '../errors';
import { resolveSnooze } from '../handlers/snooze-options';
import type { JobSnooze } from '../storage/job-record';
import type { Clock } from './clock';

/** What an {@link AttemptSnooze} needs from its execution. */
export interface AttemptSnoozeDeps {
  readonly clock: Clock;
  readonly details: DocketErrorDetails & { readonly attempt: number };
  /** How many times the job snoozed before this attempt. */
  readonly snoozedBefore: number;
  /** The handler's `maxSnoozes`. */
  readonly maxSnoozes: number;
  readonly signal: AbortSignal;
  /** Whether the attempt's transaction runs (`'running'`) or committed (`'committed'`). */
  readonly transaction: () => 'idle' | 'running' | 'committed';
  /** Ends the attempt: fires the handler's signal with `reason`. */
  readonly abort: (reason: JobSnoozedError) => void;
}

/**
 * `JobContext.snooze` of one attempt. A snooze is decided at the call (validated, counted
 * against `maxSnoozes`) and ends the attempt at once through its signal; the execution then
 * records it, whatever the handler does afterwards. Nothing is written here.
 */
export class AttemptSnooze {
  private decided: JobSnooze | undefined;

  constructor(private readonly deps: AttemptSnoozeDeps) {}

  /** The snooze the handler asked for, once it did. */
  get requested(): JobSnooze | undefined {
    return this.decided;
  }

  /**
   * Always rejects: with `JobSnoozedError` once the snooze is decided (so the handler's code
   * after the call does not run), or with why it was refused.
   */
  snooze(options: unknown): Promise<never> {
    try {
      return Promise.reject(this.decide(options));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private decide(options: unknown): JobSnoozedError {
    const { clock, details, signal } = this.deps;
    const now = clock.now();
    const { until, reason } = resolveSnooze(options, now);
    // An attempt that ended (snoozed already, timed out, lost its lease) decides nothing more.
    if (signal.aborted) throw signal.reason;
    const transaction = this.deps.transaction();
    if (transaction !== 'idle') {
      throw new AttemptCommittedError(transaction === 'committed', details, 'snooze');
    }
    if (this.deps.snoozedBefore >= this.deps.maxSnoozes) {
      throw new SnoozeLimitError(this.deps.maxSnoozes, details);
    }
    this.decided = {
      at: now,
      until,
      attempt: details.attempt,
      ...(reason === undefined ? {} : { reason }),
    };
    const snoozed = new JobSnoozedError(until, details);
    this.deps.abort(snoozed);
    return snoozed;
  }
}
