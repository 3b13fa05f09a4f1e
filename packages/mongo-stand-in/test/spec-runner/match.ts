import { EJSON } from 'bson';
import {
  bsonTypeNames,
  bytesOf,
  describeValue,
  isDocument,
  isNumeric,
  numericEquals,
  numericValue,
  scalarEquals,
} from './bson-values';
import { SpecRunnerError } from './spec-runner.error';

/**
 * The unified test format's matching rules ("Evaluating Matches"):
 * - a root-level expected document allows extra fields in the actual one; a nested document
 *   does not (the format says so explicitly: `{ x: { y: 1 } }` does not match
 *   `{ x: { y: 1, z: 1 } }`);
 * - arrays have the same length and match element by element; the elements are root-level
 *   documents only for results that are lists of documents (`find`, `aggregate`...);
 * - key order does not matter; int32, int64 and double compare by value;
 * - special operators: `$$exists`, `$$type`, `$$unsetOrMatches`, `$$matchesEntity`,
 *   `$$matchesHexBytes`, `$$lte`, `$$matchAsRoot`, `$$matchAsDocument`, `$$sessionLsid`.
 */

/** Where the expected value sits, which decides whether extra fields are allowed. */
export type MatchRoot =
  /** A root-level document (or a root-level `$$unsetOrMatches` around one). */
  | 'document'
  /** An array whose elements are root-level documents (a cursor's contents). */
  | 'documents'
  /** Nested: exact keys. */
  | 'none';

/** Options of {@link match}. */
export interface MatchOptions {
  /** @defaultValue `'document'` */
  readonly root?: MatchRoot;
  /** Resolves `$$matchesEntity` names. @defaultValue no entities */
  readonly entity?: (id: string) => unknown;
  /**
   * The logical session id (`{ id: <UUID> }`) of the session entity named `id`, for
   * `$$sessionLsid`; throws when there is no such session. @defaultValue no sessions
   */
  readonly sessionLsid?: (id: string) => unknown;
  /** Prefix of the paths in failure messages. @defaultValue `''` */
  readonly path?: string;
}

/**
 * Matches `actual` against `expected` with the format's rules. Returns `undefined` on a
 * match, otherwise one line saying where and how they differ. Throws for malformed
 * expectations (unknown operator, undefined entity or session, bad hex).
 */
export function match(
  expected: unknown,
  actual: unknown,
  options: MatchOptions = {},
): string | undefined {
  const context: Context = {
    entity: options.entity ?? noEntity,
    sessionLsid: options.sessionLsid ?? noSession,
    exact: false,
  };
  return matchAt(expected, actual, options.root ?? 'document', options.path ?? '', context);
}

/**
 * Exact comparison for `outcome` collection data: no special operators, no extra fields at
 * any level, key order ignored, numbers compared by value.
 */
export function matchExactly(expected: unknown, actual: unknown, path = ''): string | undefined {
  return matchAt(expected, actual, 'none', path, {
    entity: noEntity,
    sessionLsid: noSession,
    exact: true,
  });
}

interface Context {
  readonly entity: (id: string) => unknown;
  readonly sessionLsid: (id: string) => unknown;
  readonly exact: boolean;
}

function matchAt(
  expected: unknown,
  actual: unknown,
  root: MatchRoot,
  path: string,
  context: Context,
): string | undefined {
  // The driver builds some command fields as Maps to keep their key order (`sort` of a
  // find); they are documents on the wire.
  if (actual instanceof Map) actual = Object.fromEntries(actual);
  if (isDocument(expected)) {
    const operator = context.exact ? undefined : specialOperator(expected);
    if (operator) return matchOperator(operator, expected[operator], actual, root, path, context);
    return matchDocument(expected, actual, root === 'document', path, context);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return mismatch(path, 'an array', actual);
    if (actual.length !== expected.length) {
      return `${at(path)}expected an array of ${expected.length} element(s), got ${actual.length}: ${describeValue(actual)}`;
    }
    const elementRoot: MatchRoot = root === 'documents' ? 'document' : 'none';
    for (let index = 0; index < expected.length; index++) {
      const failure = matchAt(
        expected[index],
        actual[index],
        elementRoot,
        `${path}[${index}]`,
        context,
      );
      if (failure) return failure;
    }
    return undefined;
  }
  if (isNumeric(expected)) {
    return isNumeric(actual) && numericEquals(expected, actual)
      ? undefined
      : mismatch(path, describeValue(expected), actual);
  }
  return scalarEquals(expected, actual)
    ? undefined
    : mismatch(path, describeValue(expected), actual);
}

function matchDocument(
  expected: Record<string, unknown>,
  actual: unknown,
  allowExtraFields: boolean,
  path: string,
  context: Context,
): string | undefined {
  if (!isDocument(actual)) return mismatch(path, 'a document', actual);
  for (const [key, value] of Object.entries(expected)) {
    const keyPath = path ? `${path}.${key}` : key;
    const present = Object.prototype.hasOwnProperty.call(actual, key) && actual[key] !== undefined;
    const operator = !context.exact && isDocument(value) ? specialOperator(value) : undefined;
    if (operator === '$$exists') {
      const wanted = (value as Record<string, unknown>)[operator] === true;
      if (present !== wanted) {
        return `${at(keyPath)}expected the field to ${wanted ? 'exist' : 'be absent'}, got ${describeValue(actual[key])}`;
      }
      continue;
    }
    if (operator === '$$unsetOrMatches' && !present) continue;
    if (!present && operator !== '$$type')
      return `${at(keyPath)}expected ${describeValue(value)}, the field is missing`;
    const failure = matchAt(value, actual[key], 'none', keyPath, context);
    if (failure) return failure;
  }
  if (!allowExtraFields) {
    const extra = Object.keys(actual).filter(
      (key) => actual[key] !== undefined && !Object.prototype.hasOwnProperty.call(expected, key),
    );
    if (extra.length > 0) {
      return `${at(path)}unexpected field(s) ${extra.join(', ')} in ${describeValue(actual)}`;
    }
  }
  return undefined;
}

function matchOperator(
  operator: string,
  operand: unknown,
  actual: unknown,
  root: MatchRoot,
  path: string,
  context: Context,
): string | undefined {
  switch (operator) {
    case '$$unsetOrMatches':
      return actual === undefined ? undefined : matchAt(operand, actual, root, path, context);
    case '$$type': {
      const wanted = Array.isArray(operand) ? operand.map(String) : [String(operand)];
      if (actual === undefined)
        return `${at(path)}expected a value of type ${wanted.join(' | ')}, got nothing`;
      const names = bsonTypeNames(actual);
      return wanted.some((name) => names.includes(name))
        ? undefined
        : `${at(path)}expected type ${wanted.join(' | ')}, got ${names.join('/') || 'an unknown type'} ${describeValue(actual)}`;
    }
    case '$$exists': {
      // Reached only through an operator that applies to a field's value
      // (`{ field: { $$unsetOrMatches: { $$exists: true } } }`): it is about that value.
      if (root !== 'none') {
        throw new SpecRunnerError(`${at(path)}$$exists may only be the value of a field`);
      }
      const wanted = operand === true;
      return (actual !== undefined) === wanted
        ? undefined
        : `${at(path)}expected the field to ${wanted ? 'exist' : 'be absent'}, got ${describeValue(actual)}`;
    }
    case '$$matchesEntity': {
      const id = String(operand);
      const entity = context.entity(id);
      if (entity === undefined)
        throw new SpecRunnerError(`${at(path)}$$matchesEntity: no entity named ${id}`);
      return matchAt(entity, actual, root, path, context);
    }
    case '$$matchesHexBytes':
      return matchHexBytes(String(operand), actual, path);
    case '$$lte':
      if (!isNumeric(actual)) return mismatch(path, `a number ≤ ${describeValue(operand)}`, actual);
      return Number(numericValue(actual)) <= Number(numericValue(operand))
        ? undefined
        : mismatch(path, `a number ≤ ${describeValue(operand)}`, actual);
    case '$$matchAsRoot':
      return matchAt(operand, actual, 'document', path, context);
    case '$$matchAsDocument': {
      if (typeof actual !== 'string')
        return mismatch(path, 'a string holding a JSON document', actual);
      let parsed: unknown;
      try {
        parsed = EJSON.parse(actual, { relaxed: true });
      } catch {
        return mismatch(path, 'a string holding a JSON document', actual);
      }
      return matchAt(operand, parsed, 'none', path, context);
    }
    case '$$sessionLsid':
      // The lsid must equal the session's: exact, not a root-level match.
      return matchAt(context.sessionLsid(String(operand)), actual, 'none', path, context);
    default:
      throw new SpecRunnerError(`${at(path)}unknown special operator ${operator}`);
  }
}

function matchHexBytes(hex: string, actual: unknown, path: string): string | undefined {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex))
    throw new SpecRunnerError(`${at(path)}$$matchesHexBytes: malformed hex "${hex}"`);
  const bytes = bytesOf(actual);
  if (!bytes) return mismatch(path, `bytes ${hex}`, actual);
  return Buffer.from(bytes).toString('hex') === hex.toLowerCase()
    ? undefined
    : mismatch(path, `bytes ${hex.toLowerCase()}`, actual);
}

/** The operator of `{ $$op: value }`: the first and only key, when it starts with `$$`. */
function specialOperator(expected: Record<string, unknown>): string | undefined {
  const keys = Object.keys(expected);
  return keys.length === 1 && keys[0].startsWith('$$') ? keys[0] : undefined;
}

function mismatch(path: string, expected: string, actual: unknown): string {
  return `${at(path)}expected ${expected}, got ${describeValue(actual)}`;
}

function at(path: string): string {
  return path ? `${path}: ` : '';
}

function noEntity(): undefined {
  return undefined;
}

function noSession(id: string): never {
  throw new SpecRunnerError(`$$sessionLsid: no session entity named ${id}`);
}
