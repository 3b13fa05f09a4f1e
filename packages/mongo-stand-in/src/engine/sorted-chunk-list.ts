/** Where an item sits in a {@link SortedChunkList}: a chunk and an offset in it. */
export interface ListPosition {
  readonly chunk: number;
  readonly offset: number;
}

/** Chunks split past this size; lookups stay O(log n), an insert moves at most this many. */
const MAX_CHUNK = 512;

/**
 * Items kept in the order of a total comparator, in a list of sorted chunks (a flat
 * B-tree): binary search finds the chunk, then the offset, so inserts and deletes cost
 * O(log n) comparisons plus a splice of at most {@link MAX_CHUNK} items, even at 100k items.
 * The comparator must never call two distinct items equal (index entries end with a
 * per-document sequence number for that).
 */
export class SortedChunkList<T> {
  private chunks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  insert(item: T): void {
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      this.count = 1;
      return;
    }
    const chunkIndex = Math.min(this.chunkNotBefore(item), this.chunks.length - 1);
    const chunk = this.chunks[chunkIndex];
    chunk.splice(this.offsetNotBefore(chunk, item), 0, item);
    this.count += 1;
    if (chunk.length > MAX_CHUNK) {
      this.chunks.splice(chunkIndex + 1, 0, chunk.splice(chunk.length >> 1));
    }
  }

  /** Removes the item comparing equal to `item`; false when there is none. */
  delete(item: T): boolean {
    const chunkIndex = this.chunkNotBefore(item);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return false;
    const offset = this.offsetNotBefore(chunk, item);
    if (offset >= chunk.length || this.compare(chunk[offset], item) !== 0) return false;
    chunk.splice(offset, 1);
    this.count -= 1;
    if (chunk.length === 0) this.chunks.splice(chunkIndex, 1);
    return true;
  }

  /**
   * The position of the first item for which `before` is false. `before` must be monotone
   * over the list's order (true for a prefix of the items, false after).
   */
  lowerBound(before: (item: T) => boolean): ListPosition {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const chunk = this.chunks[middle];
      if (before(chunk[chunk.length - 1])) low = middle + 1;
      else high = middle;
    }
    if (low === this.chunks.length) return { chunk: low, offset: 0 };
    const chunk = this.chunks[low];
    let start = 0;
    let end = chunk.length;
    while (start < end) {
      const middle = (start + end) >> 1;
      if (before(chunk[middle])) start = middle + 1;
      else end = middle;
    }
    return { chunk: low, offset: start };
  }

  /** How many items come before a position. O(number of chunks). */
  rank(position: ListPosition): number {
    let rank = position.offset;
    for (let c = 0; c < position.chunk && c < this.chunks.length; c++) {
      rank += this.chunks[c].length;
    }
    return rank;
  }

  /** The items from `start` (inclusive) to `end` (exclusive), in order, as an array. */
  slice(start: ListPosition, end: ListPosition): T[] {
    const out: T[] = [];
    let offset = start.offset;
    for (let c = start.chunk; c <= end.chunk && c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      const stop = c === end.chunk ? end.offset : chunk.length;
      for (; offset < stop; offset++) out.push(chunk[offset]);
      offset = 0;
    }
    return out;
  }

  /**
   * The items from `start` (inclusive) to `end` (exclusive), in order (`direction` 1) or
   * last first (-1). Do not mutate the list meanwhile.
   */
  *between(start: ListPosition, end: ListPosition, direction: 1 | -1): Generator<T> {
    if (direction === 1) {
      let offset = start.offset;
      for (let c = start.chunk; c <= end.chunk && c < this.chunks.length; c++) {
        const chunk = this.chunks[c];
        const stop = c === end.chunk ? end.offset : chunk.length;
        for (; offset < stop; offset++) yield chunk[offset];
        offset = 0;
      }
      return;
    }
    let c = Math.min(end.chunk, this.chunks.length - 1);
    let offset = c === end.chunk ? end.offset - 1 : (this.chunks[c]?.length ?? 0) - 1;
    for (; c >= start.chunk && c >= 0; c--) {
      const chunk = this.chunks[c];
      const stop = c === start.chunk ? start.offset : 0;
      for (; offset >= stop; offset--) yield chunk[offset];
      offset = c > 0 ? this.chunks[c - 1].length - 1 : -1;
    }
  }

  /** Every item in order (tests and diagnostics). */
  toArray(): T[] {
    return this.chunks.flat();
  }

  private chunkNotBefore(item: T): number {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const chunk = this.chunks[middle];
      if (this.compare(chunk[chunk.length - 1], item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private offsetNotBefore(chunk: readonly T[], item: T): number {
    let low = 0;
    let high = chunk.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compare(chunk[middle], item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
