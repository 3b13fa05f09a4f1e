/*
 * The program of an isolated worker, as a worker thread (the bootstrap module's path in
 * `workerData`) or a child process (in `argv[2]`, messages over IPC). It loads the bootstrap
 * module, says `ready`, then runs what its server sends (see WorkerRuns).
 */
import 'reflect-metadata';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { toWireError, type FromWorkerMessage, type ToWorkerMessage } from './protocol';
import { loadBootstrap } from './worker-bootstrap';
import { WorkerRuns } from './worker-runs';

/** How long a crashing child process waits for its last message to leave (ms). */
const FATAL_SEND_MS = 1_000;

interface Channel {
  readonly bootstrap: string;
  send(message: FromWorkerMessage): void;
  onMessage(listener: (message: ToWorkerMessage) => void): void;
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  return {
    bootstrap: (workerData as { bootstrap: string }).bootstrap,
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
  };
}

function processChannel(): Channel {
  const send = (message: FromWorkerMessage, sent?: () => void): void => {
    if (process.connected) process.send!(message, undefined, undefined, sent);
    else sent?.();
  };
  // The server is gone (it exited, or closed the channel): so is its worker.
  process.on('disconnect', () => process.exit(0));
  // Say what killed the process before it dies, as a worker thread's 'error' event does.
  process.on('uncaughtException', (error) => {
    setTimeout(() => process.exit(1), FATAL_SEND_MS).unref();
    send({ kind: 'fatal', error: toWireError(error) }, () => process.exit(1));
  });
  return {
    bootstrap: process.argv[2]!,
    send,
    onMessage: (listener) => process.on('message', listener),
  };
}

const channel = !isMainThread && parentPort ? threadChannel(parentPort) : processChannel();
let runs: WorkerRuns | undefined;
// Listening first keeps the worker alive while its bootstrap module loads.
channel.onMessage((message) => runs?.receive(message));
loadBootstrap(channel.bootstrap).then(
  (handlers) => {
    runs = new WorkerRuns(handlers, (message) => channel.send(message));
    channel.send({ kind: 'ready' });
  },
  (error: unknown) => channel.send({ kind: 'bootstrapFailed', error: toWireError(error) }),
);
