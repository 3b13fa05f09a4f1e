import type { IncomingMessage } from 'node:http';
import { HttpProblem, badRequest } from './http-problem';

/** Past this multiple of the limit, an oversized body is no longer drained: the socket is cut. */
const DRAIN_FACTOR = 16;

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
 * @throws HttpProblem - 413 when too large, 400 for malformed JSON or a non-object body.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  if (req.readableEnded) return alreadyParsedBody(req);
  const declared = Number(req.headers['content-length']);
  const tooLarge = () =>
    new HttpProblem(
      413,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than ${maxBytes} bytes (maxBodyBytes)`,
      { maxBodyBytes: maxBytes },
      { Connection: 'close' },
    );
  if (Number.isFinite(declared) && declared > maxBytes * DRAIN_FACTOR) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
      else if (received > maxBytes * DRAIN_FACTOR) req.destroy();
    });
    req.once('end', resolve);
    req.once('error', reject);
    req.once('close', resolve);
  });
  if (received > maxBytes) throw tooLarge();
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
