/**
 * Due jobs of one type that wait, as `Docket.listUnhandledJobTypes` lists them (a
 * `WaitingJobTypesSource` reads them).
 */
export interface WaitingJobType {
  /** Stable job type name of the jobs. */
  readonly jobType: string;
  /** Due jobs of the type, `enqueued` or `scheduled` with a due time passed. */
  readonly waiting: number;
  /** Due time of the one that has waited longest. */
  readonly oldestDueAt: Date;
}

/** Where a server reads which types of due jobs wait, other than those it knows are handled. */
export interface WaitingJobTypesSource {
  /**
   * The types of due jobs (`enqueued`, or `scheduled` and due by `now`) other than
   * `excluding`, with how many wait, sorted by type.
   */
  waitingJobTypes(excluding: readonly string[], now: Date): Promise<WaitingJobType[]>;
}
