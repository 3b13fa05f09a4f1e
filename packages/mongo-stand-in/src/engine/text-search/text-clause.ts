import { CommandFailure } from '../../command-types';
import { isPlainDocument } from '../bson-value';
import type { IndexSpec } from '../index-spec';
import { isArray } from '../intrinsics';

type Document = Record<string, unknown>;

/** A `$text` operand taken out of a filter, with what is left of the filter. */
export interface TextClause {
  readonly operand: unknown;
  readonly rest: Document;
}

/**
 * Takes the `$text` clause out of a filter: at its top level or in a clause of a top-level
 * `$and` (where mongod looks for it), or undefined when it has none.
 */
export function splitTextClause(filter: Document): TextClause | undefined {
  if ('$text' in filter) {
    const rest = { ...filter };
    delete rest.$text;
    return { operand: filter.$text, rest };
  }
  const and = filter.$and;
  if (!isArray(and)) return undefined;
  for (const [i, clause] of and.entries()) {
    const inner = isPlainDocument(clause) ? splitTextClause(clause) : undefined;
    if (!inner) continue;
    const others = and.filter((_, j) => j !== i);
    const clauses = Object.keys(inner.rest).length > 0 ? [...others, inner.rest] : others;
    const rest: Document = { ...filter, $and: clauses };
    if (clauses.length === 0) delete rest.$and;
    return { operand: inner.operand, rest };
  }
  return undefined;
}

/**
 * The collection's text index, unless hidden.
 * @throws CommandFailure 27 IndexNotFound when it has none, as mongod answers `$text`.
 */
export function textIndexOf(specs: readonly IndexSpec[]): IndexSpec {
  // A hidden index serves no query, as in mongod.
  const index = specs.find((spec) => spec.key._fts === 'text' && !spec.hidden);
  if (!index) throw new CommandFailure(27, 'IndexNotFound', 'text index required for $text query');
  return index;
}

function pinsByEquality(condition: unknown): boolean {
  if (!isPlainDocument(condition)) return true;
  const operators = Object.keys(condition).filter((key) => key.startsWith('$'));
  return operators.length === 0 || (operators.length === 1 && operators[0] === '$eq');
}

/**
 * A compound text index answers `$text` only when the rest of the filter pins each of its
 * fields before the text fields by equality, as mongod's planner requires.
 * @throws CommandFailure 291 NoQueryExecutionPlans when one is not.
 */
export function requirePrefixEquality(index: IndexSpec, rest: Document): void {
  for (const field of Object.keys(index.key)) {
    if (field === '_fts') return;
    if (field in rest && pinsByEquality(rest[field])) continue;
    throw new CommandFailure(
      291,
      'NoQueryExecutionPlans',
      'error processing query: planner returned error :: caused by :: failed to use text index to satisfy $text query (if text index is compound, are equality predicates given for all prefix fields?)',
    );
  }
}
