import { BSON } from 'mongodb';
import winston, { type Logger } from 'winston';
import {
  IsolationUnsupportedError,
  NonSerializableResultError,
  type DocketErrorDetails,
} from '../errors';
import type { JobContext } from '../handlers';
import { HandlerContext, type HandlerContextParts } from '../handlers/handler-context';
import { fromStoredPayload, validateJob } from '../jobs';
import { toStoredRecord } from '../jobs/job-payload';
import { JOB_LOG_LEVELS, type JobLogLevel } from '../logging/job-log-options';
import { abortReasonFrom } from './abort-reason';
import { resolveSnooze } from '../handlers/snooze-options';
import { storableValue } from '../server/storable-value';
import {
  toWireError,
  type CheckpointMessage,
  type FromWorkerMessage,
  type ProgressMessage,
  type RunMessage,
  type SnoozeMessage,
  type ToWorkerMessage,
} from './protocol';
import type { WorkerHandlers } from './worker-bootstrap';

/** One run in the worker: its signal and the context's requests awaiting their answer. */
interface Run {
  readonly controller: AbortController;
  readonly details: DocketErrorDetails & { readonly attempt: number };
  readonly pending: Map<number, { resolve(): void; reject(error: Error): void }>;
}

/** What the handler's context asks of the server: one message each, answered. */
type Request =
  | Omit<ProgressMessage, 'runId' | 'seq'>
  | Omit<CheckpointMessage, 'runId' | 'seq'>
  | Omit<SnoozeMessage, 'runId' | 'seq'>;

/**
 * The worker's side of the protocol: runs the handler of each `run` message (one at a time,
 * as its server sends them) with a `JobContext` whose signal, progress, checkpoints, snooze
 * and logger go through messages, and answers with `done`.
 */
export class WorkerRuns {
  private readonly runs = new Map<number, Run>();
  private requestSeq = 0;
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
      case 'answered': {
        const run = this.runs.get(message.runId);
        const answer = run?.pending.get(message.seq);
        run?.pending.delete(message.seq);
        if (message.error) answer?.reject(abortReasonFrom(message.error, run!.details));
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
      pending: new Map(),
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
    for (const answer of run.pending.values()) answer.resolve();
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
    const ask = (request: Request) => this.ask(run, runId, request);
    // The checkpoint the handler reads is the last it saved here, or the stored one.
    const parts: { -readonly [K in keyof HandlerContextParts]: HandlerContextParts[K] } = {
      logger: this.logger(runId, message.logLevel),
      checkpoint: stored.checkpoint,
      artefacts: { put: unsupported('artefacts') },
    };
    return new HandlerContext(parts, {
      signal: run.controller.signal,
      jobId: message.jobId,
      jobType: message.jobType,
      queue: message.queue,
      attempt: message.attempt,
      maxAttempts: message.maxAttempts,
      parentResult: stored.parentResult,
      progress: (percent, note) =>
        ask({ kind: 'progress', percent, ...(note === undefined ? {} : { message: note }) }),
      saveCheckpoint: async (data) => {
        // Checked here as the server checks it (its size there), so that what crosses is
        // what is stored.
        const value = storableValue('checkpoint', data, Number.POSITIVE_INFINITY, details);
        await ask({
          kind: 'checkpoint',
          ...(value === undefined ? {} : { data: BSON.serialize({ checkpoint: value }) }),
        });
        parts.checkpoint = value;
      },
      snooze: async (options) => {
        // Checked here first (a typed error at the call, and values BSON keeps as they are);
        // the server decides, and always answers with an error: `JobSnoozedError` once decided.
        resolveSnooze(options, new Date());
        await ask({ kind: 'snooze', options: BSON.serialize({ options }) });
        throw new Error('the server accepted a snooze without ending the attempt');
      },
      transaction: unsupported('transaction'),
    });
  }

  /** Sends a request of the handler's context; settles with the server's answer. */
  private ask(run: Run, runId: number, request: Request): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const seq = ++this.requestSeq;
      run.pending.set(seq, { resolve, reject });
      try {
        this.send({ ...request, runId, seq } as FromWorkerMessage);
      } catch (error) {
        // A value that cannot cross (a function, a symbol).
        run.pending.delete(seq);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
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
