/*
 * The messages between a server and its isolated workers (worker threads and child
 * processes alike: both carry structured clones, child processes through `advanced` IPC
 * serialisation). Payloads and results cross as BSON bytes, so that the values MongoDB keeps
 * (ObjectId, Long, Decimal128, Binary, Date) arrive as they were stored; errors cross as
 * their name, message, stack, code, class names and `retryAfterMs`.
 */

import { ERROR_CLASS_NAMES, errorClassNames } from '../errors/error-class-names';

/** An error as it crosses: enough to record it as the attempt's error. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  /** Set on the reasons a server aborts with, to rebuild them in the worker. */
  readonly timeoutMs?: number;
  readonly serverId?: string;
  /** The names of its classes, own first: a handler's `retryOn` list matches them. */
  readonly classNames?: readonly string[];
  /** Its `retryAfterMs`, when a number: the failure policy honours it. */
  readonly retryAfterMs?: number;
  /** A snooze's `until`, in ms since the epoch. */
  readonly until?: number;
}

/** Server → worker: run one attempt (a worker runs one at a time). */
export interface RunMessage {
  readonly kind: 'run';
  readonly runId: number;
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** BSON of `{ payload, parentResult?, checkpoint? }`, as stored. */
  readonly data: Uint8Array;
  /** Lines below this winston level are not sent. */
  readonly logLevel: string;
}

/** Server → worker: the attempt's signal fired. */
export interface AbortMessage {
  readonly kind: 'abort';
  readonly runId: number;
  readonly reason: WireError;
}

/**
 * Server → worker: the answer to a request of the handler's context (a progress report, a
 * checkpoint, a snooze): done, or refused with `error`.
 */
export interface AnsweredMessage {
  readonly kind: 'answered';
  readonly runId: number;
  readonly seq: number;
  readonly error?: WireError;
}

export type ToWorkerMessage = RunMessage | AbortMessage | AnsweredMessage;

/** Worker → server: the bootstrap module loaded; the worker takes runs. */
export interface ReadyMessage {
  readonly kind: 'ready';
}

/** Worker → server: the bootstrap module threw; the server ends the worker. */
export interface BootstrapFailedMessage {
  readonly kind: 'bootstrapFailed';
  readonly error: WireError;
}

/** Worker → server (child processes): an uncaught error, just before the process exits. */
export interface FatalMessage {
  readonly kind: 'fatal';
  readonly error: WireError;
}

/** Worker → server: `JobContext.progress`; answered with an {@link AnsweredMessage}. */
export interface ProgressMessage {
  readonly kind: 'progress';
  readonly runId: number;
  readonly seq: number;
  readonly percent: number;
  readonly message?: string;
}

/**
 * Worker → server: `JobContext.saveCheckpoint`, stored by the server under the attempt's
 * lease; answered with an {@link AnsweredMessage}.
 */
export interface CheckpointMessage {
  readonly kind: 'checkpoint';
  readonly runId: number;
  readonly seq: number;
  /** BSON of `{ checkpoint }`; absent to remove the checkpoint. */
  readonly data?: Uint8Array;
}

/**
 * Worker → server: `JobContext.snooze`, decided by the server; answered with an
 * {@link AnsweredMessage} whose error is `JobSnoozedError` once decided (the server then
 * aborts the run), or why it was refused.
 */
export interface SnoozeMessage {
  readonly kind: 'snooze';
  readonly runId: number;
  readonly seq: number;
  /** BSON of `{ options }`: the handler's snooze options, checked in the worker. */
  readonly options: Uint8Array;
}

/** Worker → server: one line of `JobContext.logger` (winston's info, made JSON-safe). */
export interface LogMessage {
  readonly kind: 'log';
  readonly runId: number;
  readonly info: Record<string, unknown>;
}

/** Worker → server: the handler settled. */
export type DoneMessage =
  | {
      readonly kind: 'done';
      readonly runId: number;
      /** BSON of `{ result }`; absent when `handle()` resolved with `undefined`. */
      readonly result?: Uint8Array;
    }
  | { readonly kind: 'done'; readonly runId: number; readonly error: WireError };

export type FromWorkerMessage =
  | ReadyMessage
  | BootstrapFailedMessage
  | FatalMessage
  | ProgressMessage
  | CheckpointMessage
  | SnoozeMessage
  | LogMessage
  | DoneMessage;

/** What crosses of anything thrown. Never throws. */
export function toWireError(thrown: unknown): WireError {
  try {
    if (thrown instanceof Error) {
      const { code, timeoutMs, serverId, retryAfterMs, until } = thrown as Error &
        Record<string, unknown>;
      return {
        name: String(thrown.name || 'Error'),
        message: String(thrown.message),
        ...(thrown.stack === undefined ? {} : { stack: String(thrown.stack) }),
        ...(typeof code === 'string' ? { code } : {}),
        ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
        ...(typeof serverId === 'string' ? { serverId } : {}),
        ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
        ...(until instanceof Date ? { until: until.getTime() } : {}),
        classNames: errorClassNames(thrown).slice(0, 20),
      };
    }
  } catch {
    // A thrown Proxy whose traps throw: described below.
  }
  let described: string;
  try {
    described = typeof thrown === 'string' ? JSON.stringify(thrown) : String(thrown);
  } catch {
    described = Object.prototype.toString.call(thrown);
  }
  return { name: 'NonErrorThrown', message: `the handler threw a non-Error value: ${described}` };
}

/**
 * An `Error` carrying what crossed: its `name`, `message`, `stack` and `code` are the
 * original's (its class is not: `instanceof` tells only that it is an Error).
 */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message);
  Object.defineProperty(error, 'name', { value: wire.name, configurable: true, writable: true });
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  if (wire.retryAfterMs !== undefined) Object.assign(error, { retryAfterMs: wire.retryAfterMs });
  if (wire.classNames !== undefined) {
    Object.defineProperty(error, ERROR_CLASS_NAMES, { value: [...wire.classNames] });
  }
  return error;
}
