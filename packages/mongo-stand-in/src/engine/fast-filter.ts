import { isPlainDocument } from './bson-value';
import { BSON_FIELD_OPERATORS, existsPredicate, type Predicate } from './bson-predicates';
import { RegExpClass, isArray } from './intrinsics';

type Document = Record<string, unknown>;

const FIELD_OPERATORS: Readonly<Record<string, (selector: string, value: unknown) => Predicate>> = {
  ...BSON_FIELD_OPERATORS,
  $exists: existsPredicate,
};

function all(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0];
  return (document) => {
    for (const predicate of predicates) if (!predicate(document)) return false;
    return true;
  };
}

function clauses(value: unknown): Document[] | undefined {
  if (!isArray(value) || value.length === 0 || !value.every(isPlainDocument)) return undefined;
  return value;
}

function compileField(path: string, condition: unknown): Predicate | undefined {
  if (condition instanceof RegExpClass) return undefined;
  if (!isPlainDocument(condition)) return BSON_FIELD_OPERATORS.$eq(path, condition);
  const operators = Object.keys(condition);
  if (!operators.some((key) => key.startsWith('$')))
    return BSON_FIELD_OPERATORS.$eq(path, condition);
  const predicates: Predicate[] = [];
  for (const operator of operators) {
    const build = FIELD_OPERATORS[operator];
    if (!build || condition[operator] instanceof RegExpClass) return undefined;
    predicates.push(build(path, condition[operator]));
  }
  return all(predicates);
}

/**
 * Compiles the filters the stand-in sees most (field equality, comparisons, `$in`/`$nin`,
 * `$exists`, `$type`, and `$and`/`$or`/`$nor` of those) straight into predicates, without
 * mingo's per-document overhead. Returns undefined for anything else, which then goes to
 * mingo (with the same BSON-aware operators), so semantics and errors stay identical.
 */
export function compileFastFilter(filter: Document): Predicate | undefined {
  const predicates: Predicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      const parts = clauses(value)?.map(compileFastFilter);
      if (!parts || parts.some((part) => part === undefined)) return undefined;
      const compiled = parts as Predicate[];
      if (key === '$and') predicates.push(all(compiled));
      else if (key === '$or')
        predicates.push((document) => compiled.some((part) => part(document)));
      else predicates.push((document) => !compiled.some((part) => part(document)));
      continue;
    }
    if (key.startsWith('$') || key === '') return undefined;
    const field = compileField(key, value);
    if (!field) return undefined;
    predicates.push(field);
  }
  return predicates.length === 0 ? () => true : all(predicates);
}
