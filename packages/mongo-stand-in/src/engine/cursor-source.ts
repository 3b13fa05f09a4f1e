type Document = Record<string, unknown>;

/**
 * Where an open cursor's documents come from: a snapshot of results computed when it was
 * opened, or a tailable scan that reads a capped collection as it grows.
 */
export interface CursorSource {
  /**
   * The next document to hand out, without consuming it; undefined when there is none, for
   * now (a tailable source may have more later). Throws when the cursor cannot go on.
   */
  peek(): Document | undefined;
  /** Consumes the document the last {@link peek} returned. */
  advance(): void;
  /** True once no document can ever come, so the cursor closes (never, for a tailable one). */
  readonly exhausted: boolean;
  /** A change stream's place after the batch just taken (its `postBatchResumeToken`). */
  resumeToken?(): Document;
}

/** The results of a query, computed when its cursor was opened (a stand-in need not see later writes). */
export class SnapshotSource implements CursorSource {
  private position = 0;

  constructor(private readonly documents: readonly Document[]) {}

  get exhausted(): boolean {
    return this.position >= this.documents.length;
  }

  peek(): Document | undefined {
    return this.documents[this.position];
  }

  advance(): void {
    this.position += 1;
  }
}
