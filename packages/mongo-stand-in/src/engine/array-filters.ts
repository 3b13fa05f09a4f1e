import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { compileFilter, type DocumentMatcher } from './query-matcher';

type Document = Record<string, unknown>;

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

function topLevelIdentifiers(filter: Document, out: Set<string>): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (Array.isArray(value))
        for (const clause of value) if (isPlainDocument(clause)) topLevelIdentifiers(clause, out);
    } else if (!key.startsWith('$')) {
      out.add(key.split('.')[0]);
    }
  }
}

function identifierOf(filter: Document): string {
  const identifiers = new Set<string>();
  topLevelIdentifiers(filter, identifiers);
  if (identifiers.size !== 1) {
    throw new CommandFailure(
      9,
      'FailedToParse',
      identifiers.size === 0
        ? 'Cannot use an expression without a top-level field name in arrayFilters'
        : `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${[...identifiers][0]}' and '${[...identifiers][1]}'`,
    );
  }
  const [identifier] = identifiers;
  if (!IDENTIFIER.test(identifier)) {
    throw new CommandFailure(
      2,
      'BadValue',
      `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${identifier}'`,
    );
  }
  return identifier;
}

/**
 * Compiles an update's `arrayFilters` into one matcher per identifier; a matcher tests
 * `{ [identifier]: element }`. Duplicate identifiers are 9 FailedToParse.
 */
export function parseArrayFilters(arrayFilters: unknown): Map<string, DocumentMatcher> {
  const filters = new Map<string, DocumentMatcher>();
  if (arrayFilters === undefined || arrayFilters === null) return filters;
  if (!Array.isArray(arrayFilters))
    throw new CommandFailure(14, 'TypeMismatch', 'arrayFilters must be an array');
  for (const filter of arrayFilters) {
    if (!isPlainDocument(filter))
      throw new CommandFailure(14, 'TypeMismatch', 'each array filter must be an object');
    const identifier = identifierOf(filter);
    if (filters.has(identifier)) {
      throw new CommandFailure(
        9,
        'FailedToParse',
        `Found multiple array filters with the same top-level field name ${identifier}`,
      );
    }
    filters.set(identifier, compileFilter(filter));
  }
  return filters;
}
