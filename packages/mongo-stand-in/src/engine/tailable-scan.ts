import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { CollectionState, NaturalPosition } from './collection-state';
import type { CursorSource } from './cursor-source';
import { projectDocuments } from './projection';
import { compileFilter, type DocumentMatcher } from './query-matcher';

type Document = Record<string, unknown>;

/** What a tailable find reads: its filter, projection, skip and limit (0 = none). */
export interface TailableQuery {
  readonly filter?: Document;
  readonly projection?: Document;
  readonly skip?: number;
  readonly limit?: number;
}

/**
 * The source of a tailable cursor: a forward collection scan of a capped collection that
 * keeps its place after the last document it examined and, on each batch, reads the
 * documents inserted since, as mongod's tailable collection scan does. It never ends (past
 * its limit it only returns nothing). When the document it rests on has been deleted,
 * evicted by newer inserts or not, it cannot tell what it missed and fails with 136
 * CappedPositionLost, the error mongod's getMore answers, rather than skip documents.
 */
export class TailableScan implements CursorSource {
  readonly exhausted = false;
  private readonly matches: DocumentMatcher;
  /** The last document examined (matching or not): the scan resumes after it. */
  private position: NaturalPosition | undefined;
  private peeked: NaturalPosition | undefined;
  private skipped = 0;
  private returned = 0;

  constructor(
    private readonly collection: CollectionState,
    private readonly query: TailableQuery,
  ) {
    this.matches = compileFilter(query.filter);
  }

  peek(): Document | undefined {
    this.peeked = undefined;
    if (this.position && !this.collection.holds(this.position)) throw positionLost(this.position);
    const { skip = 0, limit = 0 } = this.query;
    if (limit > 0 && this.returned >= limit) return undefined;
    for (const { position, document } of this.collection.documentsAfter(this.position)) {
      if (this.matches(document)) {
        if (this.skipped >= skip) {
          this.peeked = position;
          return this.query.projection === undefined
            ? document
            : projectDocuments([document], this.query.projection, this.query.filter)[0];
        }
        this.skipped += 1;
      }
      // Examined and passed over: the scan rests on it from now on, as mongod's does.
      this.position = position;
    }
    return undefined;
  }

  advance(): void {
    if (!this.peeked) throw new Error('bug: advance() without a document from peek()');
    this.position = this.peeked;
    this.peeked = undefined;
    this.returned += 1;
  }
}

/** mongod's error when a tailable cursor's position was deleted under it (record ids start at 1). */
function positionLost(position: NaturalPosition): CommandFailure {
  return new CommandFailure(
    ErrorCodes.CappedPositionLost,
    'CappedPositionLost',
    'Executor error during getMore :: caused by :: CollectionScan died due to position in ' +
      `capped collection being deleted. Last seen record id: RecordId(${position.seq + 1})`,
  );
}
