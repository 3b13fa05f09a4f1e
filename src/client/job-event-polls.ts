import type { ApiJobEvent, ApiJobEventName, ApiJobEventPage } from '../dashboard/api-event-types';
import { ApiConnectionError, InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
  describeValue,
  readingOptions,
} from '../options/option-checks';
import { apiUrl, callApi, longestPollMs, type ApiCallConfig } from './api-call';

/** Options of `DocketClient.readJobEvents` and `DocketClient.followJobEvents`. */
export interface ApiJobEventOptions {
  /**
   * Only the events after this position (an event's `position`, or an answer's).
   * @defaultValue none: from the moment the dashboard receives the request
   */
  readonly after?: string;
  /** Only events of jobs in these queues. @defaultValue every queue */
  readonly queues?: readonly string[];
  /** Only events of jobs of these types. @defaultValue every type */
  readonly types?: readonly string[];
  /** Only these events. @defaultValue every event */
  readonly events?: readonly ApiJobEventName[];
  /**
   * The longest wait of one request, in ms (integer ≥ 0); the dashboard caps it at its
   * `maxWaitMs`.
   * @defaultValue the client's `timeoutMs` less 5 s (at most half of it)
   */
  readonly timeoutMs?: number;
  /** The most events per answer (integer ≥ 1, at most the dashboard's `maxPageSize`). @defaultValue 20 */
  readonly limit?: number;
}

/**
 * The query of `GET api/events` for `options`, checked.
 * @throws InvalidOptionsError - naming the option.
 */
export function eventsQuery(
  config: ApiCallConfig,
  options: ApiJobEventOptions | undefined,
): string {
  return readingOptions('options', () => {
    const given = options === undefined ? {} : checkPlainObject('options', options);
    checkKnownKeys('options', given, ['after', 'queues', 'types', 'events', 'timeoutMs', 'limit']);
    const { after, queues, types, events, timeoutMs, limit } = given as ApiJobEventOptions;
    const query = new URLSearchParams();
    if (after !== undefined) query.set('after', checkString('after', after));
    for (const [name, list] of [
      ['queues', queues],
      ['types', types],
      ['events', events],
    ] as const) {
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length === 0) {
        throw new InvalidOptionsError(
          `${name} must be a non-empty array of names, got ${describeValue(list)}`,
          { option: name },
        );
      }
      // The dashboard checks each name; a comma would split one in two.
      const names = list.map((item, i) =>
        checkString(`${name}[${i}]`, item, {
          pattern: /^[^,]+$/,
          patternDescription: 'without commas',
        }),
      );
      query.set(name, names.join(','));
    }
    query.set(
      'timeoutMs',
      String(
        timeoutMs === undefined
          ? longestPollMs(config)
          : checkInteger('timeoutMs', timeoutMs, { min: 0 }),
      ),
    );
    if (limit !== undefined) query.set('limit', String(checkInteger('limit', limit, { min: 1 })));
    return `events?${query.toString()}`;
  });
}

/**
 * `DocketClient.readJobEvents`: one long poll of `GET api/events`.
 * @throws what `DocketClient.readJobEvents` documents.
 */
export async function readJobEventPage(
  config: ApiCallConfig,
  options: ApiJobEventOptions | undefined,
  signal?: AbortSignal,
): Promise<ApiJobEventPage> {
  const path = eventsQuery(config, options);
  const page = await callApi<ApiJobEventPage>(config, 'GET', path, undefined, signal);
  if (
    !Array.isArray(page?.events) ||
    !(page.position === null || typeof page.position === 'string')
  ) {
    const url = apiUrl(config, path);
    throw new ApiConnectionError(
      `GET ${url} answered something that is not a page of job events`,
      url,
    );
  }
  return page;
}

/**
 * `DocketClient.followJobEvents`: long polls one after the other, each after the position
 * the last answered, until the caller leaves the loop or `signal` aborts.
 */
export async function* followJobEventPages(
  config: ApiCallConfig,
  options: ApiJobEventOptions | undefined,
  signal?: AbortSignal,
): AsyncGenerator<ApiJobEvent, void, undefined> {
  let after = options?.after;
  for (;;) {
    signal?.throwIfAborted();
    const page = await readJobEventPage(
      config,
      { ...options, ...(after === undefined ? {} : { after }) },
      signal,
    );
    for (const event of page.events) yield event;
    after = page.position ?? after;
  }
}
