import { JobEventsLostError } from '../errors';
import { retryDelayMs, type BackoffSettings } from '../server/retry-backoff';
import type {
  JobEventPosition,
  JobEventReader,
  JobEventSource,
  JobStreamEvent,
  PositionedEvent,
} from '../storage/job-stream-event';
import { formatPosition } from './job-event-position';
import type { ResolvedJobEventStreamOptions } from './job-event-stream-options';

/**
 * Job lifecycle events of every process sharing the database, opened by `Docket.jobEvents`.
 * Read it with `for await`; leaving the loop (or `close()`) closes it.
 *
 * ```ts
 * const events = await docket.jobEvents({ queues: ['emails'], events: ['failed'] });
 * for await (const event of events) console.log(event.jobId, event.event, event.position);
 * ```
 *
 * A read that fails is reported as an `error` event of the Docket and tried again (the change
 * stream reopened after the last event read), with a backoff: a dropped connection costs
 * no event and repeats none. Iteration rejects only when going on would lose events
 * (`JobEventsLostError`). Events are read as the consumer asks for them: one not iterating
 * holds nothing but its position.
 */
export interface JobEventStream extends AsyncIterable<JobStreamEvent>, AsyncDisposable {
  /** `change-stream` on a replica set or sharded cluster, `history` (polling) on a standalone. */
  readonly transport: 'change-stream' | 'history';
  /**
   * Where the stream stands: after the last event delivered, or further once a read found
   * nothing more for it (the one it was opened after before that; null until a replica set's
   * stream opened without `after` first read). Keep it to open a new stream later with
   * `after` and lose nothing in between.
   */
  readonly position: string | null;
  /** The next event; done once the stream is closed. */
  next(): Promise<IteratorResult<JobStreamEvent, undefined>>;
  /** Stops the stream (idempotent): a pending `next()` resolves done. */
  close(): Promise<void>;
}

/** What a stream needs from its Docket. */
export interface JobEventStreamDeps {
  readonly source: JobEventSource;
  readonly report: (error: unknown, context: string) => void;
  /** Told once the stream is closed, so that its Docket stops tracking it. */
  readonly onClosed: (stream: JobEventStream) => void;
  readonly random?: () => number;
}

/** Delays between attempts to read again after a failure (equal jitter, see `retryDelayMs`). */
const EVENT_STREAM_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 30_000 };

/**
 * Opens a stream: resolves once it is armed (an event written from then on is delivered).
 * @throws StorageError - when the deployment cannot be asked.
 * @throws InvalidOptionsError - when `after` is a position of the other transport.
 */
export async function openJobEventStream(
  deps: JobEventStreamDeps,
  options: ResolvedJobEventStreamOptions,
): Promise<JobEventStream> {
  const reader = await deps.source.open(options, options.after, options.pollIntervalMs);
  return new OpenJobEventStream(deps, options, reader);
}

class OpenJobEventStream implements JobEventStream {
  readonly transport: 'change-stream' | 'history';
  private reader: JobEventReader | undefined;
  private readonly buffer: PositionedEvent[] = [];
  /** The position of the last event handed out. */
  private delivered: JobEventPosition | null;
  /** The position of the last event read (handed out or buffered): where a reopen starts. */
  private read: JobEventPosition | null;
  /** `next()` calls run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private failures = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly deps: JobEventStreamDeps,
    private readonly options: ResolvedJobEventStreamOptions,
    reader: JobEventReader,
  ) {
    this.reader = reader;
    this.transport = reader.transport;
    this.delivered = this.read = options.after ?? reader.opened;
  }

  get position(): string | null {
    return this.delivered === null ? null : formatPosition(this.delivered);
  }

  next(): Promise<IteratorResult<JobStreamEvent, undefined>> {
    const result = this.queue.then(() => this.pull());
    this.queue = result.catch(() => undefined);
    return result;
  }

  [Symbol.asyncIterator](): AsyncIterator<JobStreamEvent, undefined> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    this.cancelWait?.();
    const reader = this.reader;
    this.reader = undefined;
    try {
      await reader?.close();
    } finally {
      this.deps.onClosed(this);
    }
  }

  private async pull(): Promise<IteratorResult<JobStreamEvent, undefined>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const head = this.buffer.shift();
      if (head) {
        this.delivered = head.position;
        const position = formatPosition(head.position);
        return { done: false, value: { ...head.event, position } as JobStreamEvent };
      }
      try {
        let reader = this.reader;
        if (reader === undefined) {
          reader = await this.deps.source.open(
            this.options,
            this.read,
            this.options.pollIntervalMs,
          );
          // Closed while it opened: the new reader is nobody's.
          if (this.closed) {
            await reader.close();
            return { done: true, value: undefined };
          }
          this.reader = reader;
        }
        const events = await reader.read();
        if (this.closed) return { done: true, value: undefined };
        this.failures = 0;
        for (const positioned of events) {
          this.read = positioned.position;
          // The reader filters what MongoDB can; which event a change means, only the reader
          // knows.
          if (this.options.events.has(positioned.event.event)) this.buffer.push(positioned);
        }
        // Nothing left to hand out: the stream stands where its reader does, which may be past
        // changes no event came of (a fresher position is cheaper to resume from).
        const reached = reader.position;
        if (this.buffer.length === 0 && reached !== null) this.delivered = this.read = reached;
      } catch (error) {
        if (this.closed) return { done: true, value: undefined };
        if (error instanceof JobEventsLostError) {
          await this.close();
          throw new JobEventsLostError(error.message, this.position, { cause: error.cause });
        }
        await this.recover(error);
      }
    }
  }

  /**
   * Reports a failed read and waits before the next: a change stream is reopened after the
   * last event read (its driver already resumed once, if the failure allowed it); a poll is
   * simply repeated, keeping what the reader knows of the events delivered.
   */
  private async recover(error: unknown): Promise<void> {
    this.failures++;
    const reopen = this.reader?.transport !== 'history';
    this.deps.report(
      error,
      reopen
        ? 'job events: reading the change stream failed; reopening it after the last event read'
        : 'job events: reading the jobs failed; trying again',
    );
    if (reopen) {
      const failed = this.reader;
      this.reader = undefined;
      await failed?.close().catch(() => undefined);
    }
    const delay = retryDelayMs(this.failures, EVENT_STREAM_BACKOFF, this.deps.random);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.cancelWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.cancelWait = undefined;
  }
}
