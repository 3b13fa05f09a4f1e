import type { IncomingMessage, ServerResponse } from 'node:http';
import { debuglog } from 'node:util';

/**
 * Traces of requests the client abandoned, for `NODE_DEBUG=docket-dashboard`: a closed tab
 * or a cancelled `curl` is the client's doing, so it is never reported through `onError`.
 */
export const debugDashboard = debuglog('docket-dashboard');

/** Error codes of a connection the peer reset or closed while the request was in flight. */
const DISCONNECT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The client went away before its request was read in full. Internal: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  override get name(): string {
    return 'ClientGoneError';
  }
}

/**
 * Whether `error` is the client's disconnect rather than a server failure: a
 * {@link ClientGoneError}, or a disconnect code while the connection is indeed gone.
 */
export function isClientGone(error: unknown, req: IncomingMessage): boolean {
  if (error instanceof ClientGoneError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    DISCONNECT_CODES.has(code) &&
    (req.destroyed || req.socket.destroyed)
  );
}

/** Whether the request declared a body that nothing has read to its end yet. */
export function hasUnreadBody(req: IncomingMessage): boolean {
  const declared = req.headers['content-length'];
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || (declared !== undefined && declared !== '0');
  return hasBody && !req.readableEnded;
}

/**
 * A signal aborted with a {@link ClientGoneError} when the response closes before it was
 * sent in full (the client disconnected); `release` stops watching once the answer is made.
 */
export function watchClientGone(res: ServerResponse): {
  readonly signal: AbortSignal;
  release(): void;
} {
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) {
      gone.abort(new ClientGoneError('the client disconnected before its answer was ready'));
    }
  };
  res.once('close', onClose);
  return { signal: gone.signal, release: () => res.off('close', onClose) };
}
