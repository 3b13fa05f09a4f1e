import { BSON } from 'mongodb';
import winston, { type Logger } from 'winston';
import {
  IsolationUnsupportedError,
  NonSerializableResultError,
  type DocketErrorDetails,
} from '../errors';
import type { JobContext } from '../handlers';
import { fromStoredPayload, validateJob } from '../jobs';
import { toStoredRecord } from '../jobs/job-payload';
import { JOB_LOG_LEVELS, type JobLogLevel } from '../logging/job-log-options';
import { abortReasonFrom } from './abort-reason';
import {
  fromWireError,
  toWireError,
  type FromWorkerMessage,
  type RunMessage,
  type ToWorkerMessage,
} from './protocol';
import type { WorkerHandlers } from './worker-bootstrap';

/** One run in the worker: its signal and the progress reports awaiting their answer. */
interface Run {
  readonly controller: AbortController;
  readonly details: DocketErrorDetails;
  readonly progress: Map<number, { resolve(): void; reject(error: Error): void }>;
}

/**
 * The worker's side of the protocol: runs the handler of each `run` message (one at a time,
 * as its server sends them) with a `JobContext` whose signal, progress and logger go through
 * messages, and answers with `done`.
 */
export class WorkerRuns {
  private readonly runs = new Map<number, Run>();
  private progressSeq = 0;
  /** The base of each run's logger: only its `write` is used, overridden per run. */
  private readonly baseLogger = winston.createLogger({ level: 'silly', transports: [] });

  constructor(
    private readonly handlers: WorkerHandlers,
    private readonly send: (message: FromWorkerMessage) => void,
  ) {}

  receive(message: ToWorkerMessage): void {
    switch (message.kind) {
      case 'run':
        void this.run(message);
        return;
      case 'abort': {
        const run = this.runs.get(message.runId);
        if (run && !run.controller.signal.aborted) {
          run.controller.abort(abortReasonFrom(message.reason, run.details));
        }
        return;
      }
      case 'progressed': {
        const waiting = this.runs.get(message.runId)?.progress;
        const answer = waiting?.get(message.seq);
        waiting?.delete(message.seq);
        if (message.error) answer?.reject(fromWireError(message.error));
        else answer?.resolve();
        return;
      }
    }
  }

  private async run(message: RunMessage): Promise<void> {
    const { runId, jobId, jobType, queue, attempt } = message;
    const run: Run = {
      controller: new AbortController(),
      details: { jobId, jobType, queue, attempt },
      progress: new Map(),
    };
    this.runs.set(runId, run);
    let done: FromWorkerMessage;
    try {
      const value = await this.handle(message, run);
      done =
        value === undefined
          ? { kind: 'done', runId }
          : { kind: 'done', runId, result: storedResult(value, run.details) };
    } catch (error) {
      done = { kind: 'done', runId, error: toWireError(error) };
    }
    this.runs.delete(runId);
    // The server stops listening to this run: what it did not answer is answered here.
    for (const answer of run.progress.values()) answer.resolve();
    this.send(done);
  }

  /** Rebuilds and validates the payload, then runs the handler as a server does inline. */
  private async handle(message: RunMessage, run: Run): Promise<unknown> {
    const { registry, container } = this.handlers;
    const registration = registry.require(message.jobType);
    const { payload, parentResult, checkpoint } = BSON.deserialize(message.data) as {
      payload: Record<string, unknown>;
      parentResult?: unknown;
      checkpoint?: unknown;
    };
    const job = fromStoredPayload(registration.jobClass, payload);
    await validateJob(job, message.jobType);
    const child = container.createChildContainer();
    try {
      const handler = child.resolve(registration.handlerClass);
      const returned: unknown = handler.handle(
        job,
        this.context(message, run, { parentResult, checkpoint }),
      );
      if (typeof (returned as PromiseLike<unknown> | null)?.then !== 'function') {
        throw new TypeError(
          `${registration.handlerClass.name}.handle() must return a Promise, got ${typeof returned}`,
        );
      }
      return await returned;
    } finally {
      Promise.resolve(child.dispose()).catch(() => undefined);
    }
  }

  private context(
    message: RunMessage,
    run: Run,
    stored: { parentResult: unknown; checkpoint: unknown },
  ): JobContext {
    const { runId, details } = { runId: message.runId, details: run.details };
    const unsupported = (feature: string) => () =>
      Promise.reject(new IsolationUnsupportedError(feature, details));
    return {
      signal: run.controller.signal,
      jobId: message.jobId,
      jobType: message.jobType,
      queue: message.queue,
      attempt: message.attempt,
      maxAttempts: message.maxAttempts,
      ...stored,
      logger: this.logger(runId, message.logLevel),
      progress: (percent, note) =>
        new Promise<void>((resolve, reject) => {
          const seq = ++this.progressSeq;
          run.progress.set(seq, { resolve, reject });
          try {
            this.send({
              kind: 'progress',
              runId,
              seq,
              percent,
              ...(note === undefined ? {} : { message: note }),
            });
          } catch (error) {
            // A value that cannot cross (a function, a symbol).
            run.progress.delete(seq);
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }),
      transaction: unsupported('transaction'),
      artefacts: { put: unsupported('artefacts') },
      saveCheckpoint: unsupported('saveCheckpoint'),
      snooze: unsupported('snooze'),
    };
  }

  /** A winston logger whose lines at `level` and above go to the server, in order. */
  private logger(runId: number, level: string): Logger {
    const lowest = JOB_LOG_LEVELS.indexOf(level as JobLogLevel);
    const send = this.send;
    return Object.create(this.baseLogger, {
      write: {
        value(info: Record<string, unknown>) {
          const at = JOB_LOG_LEVELS.indexOf(info.level as JobLogLevel);
          if (at < 0 || at > lowest) return true;
          send({ kind: 'log', runId, info: jsonSafe(info) });
          return true;
        },
      },
    }) as Logger;
  }
}

/** The handler's result as stored, in BSON: what a server stores of it inline. */
function storedResult(value: unknown, details: DocketErrorDetails): Uint8Array {
  const stored = toStoredRecord({ result: value }, '', (path, reason, cause) => {
    throw new NonSerializableResultError(path.replace(/^\./, ''), reason, { ...details, cause });
  });
  return BSON.serialize(stored);
}

/** A log line's fields as JSON can carry them (errors with their stack); never throws. */
function jsonSafe(info: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify({ ...info }, (_key, field: unknown) => {
        if (field instanceof Error) {
          return { name: field.name, message: field.message, stack: field.stack };
        }
        return typeof field === 'bigint' ? field.toString() : field;
      }),
    ) as Record<string, unknown>;
  } catch {
    return { level: String(info.level), message: String(info.message) };
  }
}
