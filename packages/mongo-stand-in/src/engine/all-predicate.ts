import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { BSON_FIELD_OPERATORS, type Predicate } from './bson-predicates';
import { RegExpClass, isArray } from './intrinsics';

/** How `$all` tests the members that are not plain values. */
export interface AllMemberOperators {
  readonly elemMatch: (selector: string, criteria: unknown) => Predicate;
  readonly regex: (selector: string, pattern: RegExp) => Predicate;
}

const badValue = (message: string) => new CommandFailure(2, 'BadValue', message);

const isElemMatch = (member: unknown): boolean =>
  isPlainDocument(member) && Object.keys(member)[0] === '$elemMatch';

/**
 * `$all` as mongod defines it: the conjunction of one condition per member on the same
 * field, so `{ tags: { $all: ['a'] } }` is `{ tags: 'a' }` and matches the scalar `'a'` as
 * well as an array holding it, and BSON values (UUIDs, Binary, Long...) compare as BSON. A
 * member is an equality, a regular expression, or (all of them, then) an `$elemMatch`;
 * an empty `$all` matches nothing. Malformed operands fail as mongod's parser fails them
 * (2 BadValue).
 */
export function allPredicate(
  selector: string,
  members: unknown,
  operators: AllMemberOperators,
): Predicate {
  if (!isArray(members)) throw badValue('$all needs an array');
  if (members.length === 0) return () => false;
  const elemMatches = isElemMatch(members[0]);
  const conditions = members.map((member): Predicate => {
    if (isElemMatch(member) !== elemMatches) throw badValue('$all/$elemMatch has to be consistent');
    if (elemMatches)
      return operators.elemMatch(selector, (member as Record<string, unknown>).$elemMatch);
    if (member instanceof RegExpClass) return operators.regex(selector, member);
    if (isPlainDocument(member) && Object.keys(member)[0]?.startsWith('$'))
      throw badValue('no $ expressions in $all');
    return BSON_FIELD_OPERATORS.$eq(selector, member);
  });
  return (document) => conditions.every((condition) => condition(document));
}
