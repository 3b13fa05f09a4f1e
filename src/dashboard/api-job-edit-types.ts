/*
 * The bodies of the API's changes to one job from outside (`api/jobs/{id}/...`), as
 * `DocketClient` sends them.
 */

/** `POST api/jobs/{id}/reschedule`: the new due time, as a date or a delay from now. */
export type ApiRescheduleRequest =
  | {
      /** ISO 8601 with a zone (`Z` or `±hh:mm`). */
      readonly runAt: string;
    }
  | {
      /** Due this long from now, in ms (0 to ten years). */
      readonly delayMs: number;
    };

/** `POST api/jobs/{id}/succeed`. */
export interface ApiSucceedRequest {
  /** The job's result (JSON), stored as a handler's return value is. @defaultValue none */
  readonly result?: unknown;
}

/** `POST api/jobs/{id}/fail`. */
export interface ApiFailRequest {
  /** The job's error message, 1 to 4,000 characters. */
  readonly message: string;
}
