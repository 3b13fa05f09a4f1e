import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiErrorBody } from '../api-types';
import type { HttpProblem } from './http-problem';

/** Headers on every answer: no sniffing, no framing, no referrer leaks, no caching of data. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The web UI's policy: scripts and styles only from the dashboard's own files (no inline
 * script or style), data only from its own API, never framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Writes an answer with the common security headers; HEAD requests get no body. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Readonly<Record<string, string>>,
  headOnly = false,
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...headers,
    'Content-Length': String(payload.length),
  });
  res.end(headOnly ? undefined : payload);
}

/** A JSON answer, never cached. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headOnly = false,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(
    res,
    status,
    JSON.stringify(value),
    { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
    headOnly,
  );
}

/** A strong ETag of a body: a hash of its bytes. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Whether an `If-None-Match` header names `etag` (or is `*`). The comparison is the weak one
 * the header calls for: a `W/` prefix on either side is ignored.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || opaque(tag) === opaque(etag);
  });
}

/** The body without its clock fields (at its top level, or in each item of an array). */
function withoutClockFields(value: unknown, fields: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutClockFields(item, fields));
  if (typeof value !== 'object' || value === null) return value;
  const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of fields) delete rest[field];
  return rest;
}

/**
 * An API answer: JSON, never stored by caches. A successful GET or HEAD carries an ETag (a
 * hash of the body) and, when the request's `If-None-Match` names it, is a 304 without a
 * body: a polling client learns that nothing changed without downloading it again.
 *
 * `clockFields` name fields that only say what time it is on the server (`now`): they change
 * on every request, so they are left out of the hash and the ETag is weak. A 304 then means
 * that nothing but the clock moved, and the client keeps its copy.
 */
export function sendApiAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  clockFields: readonly string[] = [],
): void {
  const body = JSON.stringify(value);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  };
  const headOnly = req.method === 'HEAD';
  if (status !== 200 || (req.method !== 'GET' && !headOnly)) {
    send(res, status, body, headers, headOnly);
    return;
  }
  const etag =
    clockFields.length === 0
      ? etagOf(body)
      : `W/${etagOf(JSON.stringify(withoutClockFields(value, clockFields)))}`;
  if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...COMMON_HEADERS, 'Cache-Control': 'no-store', ETag: etag });
    res.end();
    return;
  }
  send(res, status, body, { ...headers, ETag: etag }, headOnly);
}

/**
 * A file a job stored, as a download: never shown in the dashboard's origin whatever it holds
 * (`application/octet-stream`, an attachment, and a sandbox policy should it be opened).
 * Its first bytes are read before the headers go, so that a file that cannot be read is a
 * clean error answer; a failure later cuts the answer short (its length tells the client).
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { readonly stream: Readable; readonly size: number; readonly filename: string },
): Promise<void> {
  const chunks = file.stream[Symbol.asyncIterator]();
  const first = req.method === 'HEAD' ? undefined : await chunks.next();
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(file.size),
    'Content-Disposition': attachment(file.filename),
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': 'no-store',
  });
  if (first === undefined) {
    file.stream.destroy();
    res.end();
    return;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (!first!.done) yield first!.value as Buffer;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  await pipeline(Readable.from(rest()), res).catch(() => {
    file.stream.destroy();
    res.destroy();
  });
}

/**
 * `Content-Disposition` for a download: the name as ASCII (other characters become `_`) and,
 * for clients that read it, exactly (RFC 6266's `filename*`).
 */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\w .()-]/g, '_');
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** The one JSON error shape. */
export function sendProblem(res: ServerResponse, problem: HttpProblem, headOnly = false): void {
  const body: ApiErrorBody = {
    error: {
      code: problem.code,
      message: problem.message,
      ...(problem.details === undefined ? {} : { details: problem.details }),
    },
  };
  sendJson(res, problem.status, body, headOnly, problem.headers);
}
