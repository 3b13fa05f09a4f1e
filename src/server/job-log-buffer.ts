import type { Logger } from 'winston';
import type { JobLogLevel, ResolvedJobLogOptions } from '../logging/job-log-options';
import { JOB_LOG_LEVELS } from '../logging/job-log-options';
import type { JobLogLine, JobLogStore } from '../storage/job-logs';
import type { JobLease } from '../storage/job-store';
import type { Clock } from './clock';

/** A batch is written at once when it holds this many lines. */
const BATCH_LINES = 100;
/** Longest message kept of one line (characters); longer ones are cut. */
const MAX_MESSAGE = 8_000;
/** Longest JSON kept of one line's other fields (characters). */
const MAX_META = 2_000;
/** Fields the job's logger adds to every line: the job's log says them once. */
const BOUND_FIELDS = new Set([
  'level',
  'message',
  'jobId',
  'jobType',
  'queue',
  'attempt',
  'serverId',
]);

/** What a {@link JobLogBuffer} needs from its attempt. */
export interface JobLogBufferDeps {
  readonly store: Pick<JobLogStore, 'append'>;
  readonly options: ResolvedJobLogOptions;
  readonly clock: Clock;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * The lines one attempt logs through `JobContext.logger`, kept with its job: batched (up to 100
 * lines, or `flushIntervalMs` after the first), written one batch at a time under the attempt's
 * fence, and written out when the attempt ends. Once the job's log is full, or the attempt found
 * it no longer holds the job, later lines are dropped here. While the attempt's transaction
 * runs, batches wait (a write to the job would make it conflict).
 */
export class JobLogBuffer {
  private pending: JobLogLine[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private onHold = false;
  private state: 'open' | 'closing' | 'full' | 'stale' = 'open';
  private readonly lowest: number;

  constructor(
    private readonly lease: JobLease,
    private readonly attempt: number,
    private readonly deps: JobLogBufferDeps,
  ) {
    const { level } = deps.options;
    this.lowest = level === false ? -1 : JOB_LOG_LEVELS.indexOf(level);
  }

  /** A logger that logs through `logger` and keeps the lines at the configured level here. */
  capture(logger: Logger): Logger {
    if (this.lowest < 0) return logger;
    const add = (info: Record<string, unknown>) => this.add(info);
    return Object.create(logger, {
      write: {
        value(info: Record<string, unknown>) {
          add(info);
          return logger.write(info);
        },
      },
    }) as Logger;
  }

  /** Holds batches back, once the write in flight (if any) is done. */
  async hold(): Promise<void> {
    this.onHold = true;
    await this.flushing;
  }

  /** Writes what was held back. */
  resume(): void {
    this.onHold = false;
    if (this.pending.length > 0) this.flush();
  }

  /** Writes what is pending and takes no more lines; settles when written (never rejects). */
  async close(): Promise<void> {
    if (this.state === 'open') this.state = 'closing';
    this.onHold = false;
    this.flush();
    await this.flushing;
  }

  private add(info: Record<string, unknown>): void {
    if (this.state !== 'open') return;
    const level = JOB_LOG_LEVELS.indexOf(info.level as JobLogLevel);
    if (level < 0 || level > this.lowest) return;
    this.pending.push(toLine(info, this.deps.clock.now()));
    if (this.pending.length >= BATCH_LINES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.deps.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
  }

  private async write(): Promise<void> {
    while (this.pending.length > 0 && !this.onHold) {
      const batch = this.pending.splice(0, BATCH_LINES);
      if (this.state === 'full' || this.state === 'stale') continue;
      try {
        const result = await this.deps.store.append(this.lease, this.attempt, batch, {
          maxLines: this.deps.options.maxLinesPerJob,
          maxBytes: this.deps.options.maxBytesPerJob,
        });
        if (result === 'truncated') this.state = 'full';
        if (result === 'stale') this.state = 'stale';
      } catch (error) {
        // Not tried again: a batch whose answer was lost may have been written.
        this.deps.report(error, `saving ${batch.length} log lines failed`);
      }
    }
    if (this.state === 'full' || this.state === 'stale') this.pending = [];
  }
}

/** A stored line from what winston's logger was given. */
function toLine(info: Record<string, unknown>, at: Date): JobLogLine {
  const message = typeof info.message === 'string' ? info.message : toJson(info.message);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(info)) {
    if (!BOUND_FIELDS.has(key)) fields[key] = info[key];
  }
  const meta = Object.keys(fields).length > 0 ? cut(toJson(fields), MAX_META) : undefined;
  return {
    at,
    level: info.level as string,
    message: cut(message, MAX_MESSAGE),
    ...(meta === undefined ? {} : { meta }),
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** JSON of any value a handler may log: errors with their stack, never a throw. */
function toJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, field: unknown) => {
        if (field instanceof Error) {
          return { name: field.name, message: field.message, stack: field.stack };
        }
        return typeof field === 'bigint' ? field.toString() : field;
      }) ?? String(value)
    );
  } catch {
    return String(value);
  }
}
