import type { ApiJobState } from './api-types';

/*
 * The JSON shapes of finding jobs and acting on many (`GET api/jobs`, `POST api/jobs/bulk`),
 * shared by the server and the typed client like those of `api-types.ts`.
 */

/** A field a list can be sorted by. */
export type ApiJobSortField = 'id' | 'createdAt' | 'dueAt' | 'finishedAt';

/** A payload field's value in a filter: equality with a string, number or boolean. */
export type ApiPayloadValue = string | number | boolean;

/**
 * Filters and paging of `GET api/jobs`; every filter given must hold. Text values are
 * case-sensitive unless said otherwise; times are ISO 8601 with a zone.
 */
export interface ApiJobQuery {
  /** Only jobs in this state, or in any of these; all jobs when absent. */
  readonly state?: ApiJobState | readonly ApiJobState[];
  /** Exact queue name. */
  readonly queue?: string;
  /** Exact job type name. */
  readonly type?: string;
  /** Job type names starting with this text. */
  readonly typePrefix?: string;
  /** Job ids starting with this text. */
  readonly idPrefix?: string;
  /** Job ids starting with this text (the older name of `idPrefix`). */
  readonly search?: string;
  /** Only the jobs of the batch of this id (jobs of batches nested in it not included). */
  readonly batch?: string;
  /** Text the last error's message contains, ignoring case. */
  readonly errorContains?: string;
  /** True: only jobs in the dead-letter queue; false: only others. */
  readonly deadLettered?: boolean;
  /**
   * Payload fields by path (`{ 'customer.id': 42 }`), sent as `payload.customer.id=42`. In
   * a query string every value is text: `42` matches the number 42 or the text "42", `true`
   * the boolean or the text.
   */
  readonly payload?: Readonly<Record<string, ApiPayloadValue>>;
  /**
   * Jobs carrying this tag, or every one of these (sent as one `tag` parameter each); at
   * most 20, compared exactly.
   */
  readonly tag?: string | readonly string[];
  /** Created at or after this time. */
  readonly createdFrom?: string;
  /** Created before this time. */
  readonly createdTo?: string;
  /** Finished at or after this time (unfinished jobs have no finish time, and never match). */
  readonly finishedFrom?: string;
  /** Finished before this time. */
  readonly finishedTo?: string;
  /** Due at or after this time. */
  readonly dueFrom?: string;
  /** Due before this time. */
  readonly dueTo?: string;
  /**
   * Sort field, ties broken by id. @defaultValue `finishedAt` for finished states, `dueAt`
   * for unfinished ones, `id` otherwise
   */
  readonly sort?: ApiJobSortField;
  /** Sort direction. @defaultValue `asc` for `dueAt`, `desc` for the others */
  readonly direction?: 'asc' | 'desc';
  /** Page size, 1..maxPageSize. @defaultValue 20 */
  readonly limit?: number;
  /** `nextCursor` of the previous page (same filters and sort). */
  readonly cursor?: string;
}

/** A time range of a filter: `from` included, `to` excluded (ISO 8601 with a zone). */
export interface ApiTimeRange {
  /** The first time in the range. */
  readonly from?: string;
  /** The first time after the range. */
  readonly to?: string;
}

/** Which jobs a bulk action concerns (`POST api/jobs/bulk`); every condition given must hold. */
export interface ApiJobFilter {
  /** One state, or any of several. */
  readonly state?: ApiJobState | readonly ApiJobState[];
  /** Exact queue name. */
  readonly queue?: string;
  /** Exact job type name. */
  readonly type?: string;
  /** Job type names starting with this text. */
  readonly typePrefix?: string;
  /** Job ids starting with this text. */
  readonly idPrefix?: string;
  /** Only the jobs of the batch of this id (jobs of batches nested in it not included). */
  readonly batchId?: string;
  /** Text the last error's message contains, ignoring case. */
  readonly errorContains?: string;
  /** True: only jobs in the dead-letter queue; false: only others. */
  readonly deadLettered?: boolean;
  /**
   * Payload fields by path (`customer.id`); a value, or an array of values any of which
   * matches. Values compare as they are typed (42 does not match "42").
   */
  readonly payload?: Readonly<Record<string, ApiPayloadValue | readonly ApiPayloadValue[]>>;
  /** Tags the job carries, every one of them (1 to 20, compared exactly). */
  readonly tags?: readonly string[];
  /** When the job was stored. */
  readonly createdAt?: ApiTimeRange;
  /** When the job finished (unfinished jobs never match). */
  readonly finishedAt?: ApiTimeRange;
  /** When the job is, or was, due. */
  readonly dueAt?: ApiTimeRange;
}

/** What a bulk action does. */
export type ApiBulkAction = 'retry' | 'requeue' | 'delete' | 'redrive' | 'purge';

/**
 * `POST api/jobs/bulk`: `retry` failed jobs, `requeue` finished or scheduled ones (due now),
 * `delete` any but deleted ones, `redrive` dead-lettered ones (fresh attempts), or `purge`
 * finished ones (removed for good), given by
 * `ids` (at most 1,000) or by a `filter` (at least one condition): exactly one of the two.
 */
export type ApiBulkRequest =
  | {
      /** What to do to the jobs. */
      readonly action: ApiBulkAction;
      /** The ids of the jobs: 1 to 1,000. */
      readonly ids: readonly string[];
      /** Not with `ids`. */
      readonly filter?: never;
    }
  | {
      /** What to do to the jobs. */
      readonly action: ApiBulkAction;
      /** The jobs the filter matches when the action starts; at least one condition. */
      readonly filter: ApiJobFilter;
      /** Not with `filter`. */
      readonly ids?: never;
    };

/** Answer of `POST api/jobs/bulk`. */
export interface ApiBulkResult {
  /** The action done. */
  readonly action: ApiBulkAction;
  /** Jobs selected in a state the action applies to when read. */
  readonly matched: number;
  /**
   * Jobs changed (purged: removed); the others changed state meanwhile, or (requeue) their
   * uniqueKey is held, or (purge) their continuations are not yet released.
   */
  readonly changed: number;
  /** Jobs left because another unfinished job holds their uniqueKey. */
  readonly conflicts: number;
}
