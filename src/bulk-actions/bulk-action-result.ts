/** What a bulk action did (`retryJobs`, `requeueJobs`, `deleteJobs`). */
export interface BulkActionResult {
  /**
   * Jobs selected that were in a state the action applies to when read (ids not found, or
   * in another state, are not counted).
   */
  readonly matched: number;
  /** Jobs the action changed. The others changed state meanwhile and were left as they are. */
  readonly changed: number;
  /**
   * Of the jobs not changed, those left because another unfinished job holds their
   * `uniqueKey` (retry and requeue only; always 0 for delete).
   */
  readonly conflicts: number;
}
