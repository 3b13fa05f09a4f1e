import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Collection } from 'mongodb';
import type { Docket } from '../../docket';
import type { JobRecord } from '../../storage/job-record';
import type { ResolvedDashboardOptions } from '../dashboard-options';

/** What a route handler gets: the request's parts, already parsed. */
export interface ApiContext {
  readonly docket: Docket;
  readonly options: ResolvedDashboardOptions;
  readonly req: IncomingMessage;
  /** Path parameters, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The JSON body of an action (`{}` when empty); `{}` for GET. */
  readonly body: Readonly<Record<string, unknown>>;
  /** `<prefix>jobs`, for read-only monitoring queries. */
  readonly jobs: Collection<JobRecord>;
  /**
   * Aborted when the client disconnects before its answer (its reason a `ClientGoneError`):
   * a route that waits (a long poll) stops waiting for nobody.
   */
  readonly signal: AbortSignal;
}

/** A route's answer: status and JSON body, or a file streamed as a download. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly file?: ApiFile;
  /**
   * Fields of the body that only tell the server's time (`now`), left out of its ETag so
   * that an answer whose only change is the clock is a 304 to a polling client.
   */
  readonly clockFields?: readonly string[];
}

/** A file an answer streams (an artefact), always as an attachment. */
export interface ApiFile {
  readonly stream: Readable;
  readonly size: number;
  /** The name the download is saved under. */
  readonly filename: string;
}

/** One endpoint of the API. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the base path, OpenAPI style: `api/jobs/{id}/requeue`. */
  readonly path: string;
  /** The OpenAPI operationId (and the client's method name). */
  readonly operationId: string;
  /**
   * Query parameters it accepts; any other is a 400. A name ending in `.*` accepts every
   * name with that prefix (`payload.*`: `payload.customer.id`).
   */
  readonly query?: readonly string[];
  handle(context: ApiContext): Promise<ApiAnswer>;
}

/** A 200 answer. */
export const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
