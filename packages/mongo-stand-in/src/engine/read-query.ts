import { compileFilter } from './query-matcher';
import { sortDocuments, type SortSpec } from './sort-documents';
import type { StandInStore } from './stand-in-store';
import { findMatches } from './find-matches';

type Document = Record<string, unknown>;

/** A read: filter, then sort, then skip, then limit (0 = no limit). */
export interface ReadQuery {
  readonly filter?: Document;
  readonly sort?: SortSpec;
  readonly skip?: number;
  readonly limit?: number;
  /** -1 reads a collection in reverse natural order (`$natural: -1`); ties of a sort keep it. */
  readonly naturalDirection?: 1 | -1;
}

/**
 * The documents of a collection or view matching a read, in result order. Without a
 * sort, the scan stops as soon as skip + limit documents matched. Read-only.
 */
export function readDocuments(
  store: StandInStore,
  dbName: string,
  name: string,
  query: ReadQuery,
): Document[] {
  const skip = query.skip ?? 0;
  const limit = query.limit ?? 0;
  const collection = store.getCollection(dbName, name);
  let matches: Document[];
  if (collection && query.naturalDirection === -1) {
    const backwards = findMatches(collection, query.filter ?? {}, 0).reverse();
    matches = sortDocuments(backwards, query.sort ?? []);
  } else if (collection) {
    const scanLimit = limit > 0 ? skip + limit : 0;
    matches = findMatches(collection, query.filter ?? {}, scanLimit, query.sort, true);
  } else {
    const matcher = compileFilter(query.filter);
    matches = sortDocuments(store.readDocuments(dbName, name).filter(matcher), query.sort ?? []);
  }
  return matches.slice(skip, limit > 0 ? skip + limit : undefined);
}
