import type { IncomingMessage } from 'node:http';
import { ClientGoneError } from './client-gone';
import { HttpProblem, badRequest } from './http-problem';

/** Whether the request says it carries JSON (`application/json`, any charset). */
export function isJsonContentType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const [mediaType, ...parameters] = type.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  const charset = parameters.find((parameter) => parameter.startsWith('charset='));
  return charset === undefined || charset === 'charset=utf-8';
}

/**
 * Reads a JSON body of at most `maxBytes`. An empty body is `{}` (actions without fields).
 * Keys `__proto__`, `constructor` and `prototype` are refused at any depth: the payload
 * becomes a class instance, and such keys could change its prototype.
 *
 * A body declared or found larger than the limit is not read further: the caller answers 413
 * and closes the connection, rather than reading (and throwing away) what the client sends.
 * @throws HttpProblem - 413 when too large, 400 for malformed JSON or a non-object body.
 * @throws ClientGoneError - when the client disconnects before the body's end.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  if (req.readableEnded) return alreadyParsedBody(req);
  const tooLarge = () =>
    new HttpProblem(
      413,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than ${maxBytes} bytes (maxBodyBytes)`,
      { maxBodyBytes: maxBytes },
      { Connection: 'close' },
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  // Gone before the first read: its 'error' and 'close' events will not come again.
  if (req.destroyed) throw new ClientGoneError('The client disconnected before sending the body');
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    let received = 0;
    const stop = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
      else {
        req.pause();
        stop(tooLarge());
      }
    };
    const onEnd = () => stop();
    const onError = (error: Error) =>
      stop(new ClientGoneError('The client disconnected while sending the body', { cause: error }));
    const onClose = () =>
      stop(new ClientGoneError('The client disconnected before the end of the body'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new ForbiddenKeyError(key);
      }
      return value;
    });
  } catch (error) {
    if (error instanceof ForbiddenKeyError) {
      throw badRequest('INVALID_BODY', `The request body may not contain the key '${error.key}'`);
    }
    throw badRequest(
      'INVALID_JSON',
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('INVALID_BODY', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * A body parser mounted before the dashboard (Express's `express.json()`, NestJS's default)
 * read the stream already: its parsed object is used, under the same rules.
 */
function alreadyParsedBody(req: IncomingMessage): Record<string, unknown> {
  const parsed: unknown = (req as { body?: unknown }).body;
  if (parsed === undefined) {
    throw badRequest(
      'INVALID_BODY',
      'The request body was read by another middleware and not kept: mount the dashboard before body parsers',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('INVALID_BODY', 'The request body must be a JSON object');
  }
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw badRequest('INVALID_BODY', `The request body may not contain the key '${key}'`);
      }
      visit((value as Record<string, unknown>)[key]);
    }
  };
  visit(parsed);
  return parsed as Record<string, unknown>;
}

class ForbiddenKeyError extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}
