import { Query } from 'mingo/query';
import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { canonicalKey } from './canonical-key';
import { bindNowInFilter, checkDeadline, commandNow, commandVariables } from './command-time';
import { compileFastFilter } from './fast-filter';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeFilter } from './mingo-field-escape';
import { normaliseFilterRegexes } from './regex-filter';
import { refuseWhereInFilter } from './where-refusal';

type Document = Record<string, unknown>;

/** A compiled query filter. */
export type DocumentMatcher = (document: Document) => boolean;

const MATCH_ALL: DocumentMatcher = () => true;
const CACHE_LIMIT = 2_000;
const cache = new Map<string, DocumentMatcher>();

/**
 * Compiles a MongoDB query filter into a predicate (BSON-aware, see mingo-context.ts).
 * Compiled filters are cached by their canonical form, so the hot path (`findAndModify`
 * with the same claim filter thousands of times) compiles once. Invalid filters throw
 * CommandFailure with mongod's code (2 BadValue for unknown operators).
 */
export function compileFilter(filter: unknown): DocumentMatcher {
  const matcher = compileCachedFilter(filter);
  // Scans test every document with the filter: that is where maxTimeMS is honoured.
  return (document) => {
    checkDeadline();
    return matcher(document);
  };
}

function compileCachedFilter(filter: unknown): DocumentMatcher {
  if (filter === undefined || filter === null) return MATCH_ALL;
  if (!isPlainDocument(filter)) {
    throw new CommandFailure(14, 'TypeMismatch', 'filter must be an object');
  }
  if (Object.keys(filter).length === 0) return MATCH_ALL;
  const key = canonicalKey(filter);
  // A filter that uses $$NOW is bound to this command's time, and one that may read the
  // command's `let` variables to those, so either is compiled afresh.
  if (key.includes('$$NOW')) return compileUncached(bindNowInFilter(filter, commandNow()));
  if (commandVariables() !== undefined && key.includes('$$')) return compileUncached(filter);
  const cached = cache.get(key);
  if (cached) return cached;
  const matcher = compileUncached(filter);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, matcher);
  return matcher;
}

function compileUncached(filter: Document): DocumentMatcher {
  refuseWhereInFilter(filter);
  const normalised = normaliseFilterRegexes(filter) as Document;
  return compileFastFilter(normalised) ?? compileWithMingo(normalised);
}

/** mingo sees fields named like `Object.prototype`'s properties escaped (mingo-field-escape.ts). */
function compileWithMingo(filter: Document): DocumentMatcher {
  let query: Query;
  try {
    query = new Query(escapeFilter(filter) as Document, mingoOptions());
  } catch (error) {
    throw translateMingoError(error);
  }
  return (document) => {
    try {
      return query.test(escapeDocument(document));
    } catch (error) {
      throw translateMingoError(error);
    }
  };
}
