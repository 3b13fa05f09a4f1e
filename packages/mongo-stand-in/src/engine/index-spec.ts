import { CommandFailure } from '../command-types';
import { bsonTypeOf, isNumeric, isPlainDocument, numericValue } from './bson-value';
import { canonicalKey } from './canonical-key';
import { normaliseGeoIndex } from './geo/geo-index-spec';
import { isTextKeyPattern, normaliseTextIndex } from './text-search/text-index-spec';
import { formatValue } from './value-format';

/** An index as listIndexes shows it: `{ v: 2, key, name, ...options }`. */
export interface IndexSpec {
  readonly v: 2;
  readonly key: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly unique?: boolean;
  readonly sparse?: boolean;
  readonly partialFilterExpression?: Readonly<Record<string, unknown>>;
  readonly expireAfterSeconds?: number;
  readonly hidden?: boolean;
  readonly prepareUnique?: boolean;
  readonly [option: string]: unknown;
}

/** The `_id_` index every collection has. */
export const ID_INDEX_SPEC: IndexSpec = Object.freeze({
  v: 2,
  key: Object.freeze({ _id: 1 }),
  name: '_id_',
});

/** Options that tell two indexes on the same key pattern apart. */
const IDENTITY_OPTIONS = [
  'unique',
  'weights',
  'default_language',
  'language_override',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'hidden',
];
/**
 * Options the listing drops. mongod echoes the others as given, `background` included,
 * although it builds every index the same way since 4.2.
 */
const DROPPED_OPTIONS = new Set(['v', 'key', 'name', 'ns']);
const SUPPORTED_KINDS = new Set(['hashed', 'text', '2d', '2dsphere']);

const cannotCreate = (spec: unknown, reason: string): CommandFailure =>
  new CommandFailure(
    67,
    'CannotCreateIndex',
    `Error in specification ${formatValue(spec)} :: caused by :: ${reason}`,
  );

/**
 * Validates one `createIndexes` entry and returns it in listIndexes form. Ascending,
 * descending, hashed, text (stored as mongod stores them, see text-index-spec.ts), 2d and
 * 2dsphere keys are supported; anything else is refused (code 67).
 */
export function normaliseIndexSpec(raw: unknown): IndexSpec {
  const spec = normaliseKeyKinds(raw);
  if (isTextKeyPattern(spec.key)) return normaliseTextIndex(spec) as unknown as IndexSpec;
  return spec;
}

function normaliseKeyKinds(raw: unknown): IndexSpec {
  if (!isPlainDocument(raw))
    throw new CommandFailure(14, 'TypeMismatch', 'each index specification must be an object');
  const key = raw.key;
  if (!isPlainDocument(key)) {
    throw new CommandFailure(
      9,
      'FailedToParse',
      "The 'key' field is a required property of an index specification",
    );
  }
  if (Object.keys(key).length === 0)
    throw cannotCreate(raw, 'Index keys cannot be an empty field.');
  for (const [field, direction] of Object.entries(key)) {
    if (field === '' || field.split('.').some((part) => part === '')) {
      throw cannotCreate(raw, 'Index keys cannot contain an empty field.');
    }
    const validNumber = isNumeric(direction) && Number(numericValue(direction)) !== 0;
    const validKind = typeof direction === 'string' && SUPPORTED_KINDS.has(direction);
    if (!validNumber && !validKind) {
      throw cannotCreate(
        raw,
        `Values in the index key pattern can only be positive or negative numbers, 'hashed', 'text', '2d' or '2dsphere' in the stand-in, got ${formatValue(direction)}`,
      );
    }
  }
  if (typeof raw.name !== 'string' || raw.name === '') {
    throw new CommandFailure(
      9,
      'FailedToParse',
      "The 'name' field is a required property of an index specification",
    );
  }
  if (raw.name === '_id_' && canonicalKey(key) !== canonicalKey({ _id: 1 })) {
    throw cannotCreate(
      raw,
      "The index name '_id_' is reserved for the _id index, which must have key pattern {_id: 1}",
    );
  }
  if (raw.partialFilterExpression !== undefined && !isPlainDocument(raw.partialFilterExpression)) {
    throw cannotCreate(raw, "The field 'partialFilterExpression' must be an object");
  }
  if (raw.expireAfterSeconds !== undefined) {
    if (!isNumeric(raw.expireAfterSeconds) || Number(numericValue(raw.expireAfterSeconds)) < 0) {
      throw cannotCreate(
        raw,
        "TTL index 'expireAfterSeconds' option must be numeric and non-negative",
      );
    }
    if (Object.keys(key).length !== 1) {
      throw cannotCreate(
        raw,
        'TTL indexes are single-field indexes, compound indexes do not support TTL',
      );
    }
  }
  const spec: Record<string, unknown> = { v: 2, key: { ...key }, name: raw.name };
  for (const [option, value] of Object.entries(raw)) {
    if (DROPPED_OPTIONS.has(option)) continue;
    // mongod keeps these flags only when set: `hidden: false` never reaches listIndexes.
    if ((option === 'unique' || option === 'sparse' || option === 'hidden') && !value) continue;
    spec[option] = option === 'expireAfterSeconds' ? Number(numericValue(value)) : value;
  }
  return normaliseGeoIndex(spec) as unknown as IndexSpec;
}

/** True when both specs have the same key pattern (field order and direction, by value). */
function sameKeyPattern(a: IndexSpec, b: IndexSpec): boolean {
  return canonicalKey(a.key) === canonicalKey(b.key);
}

/** True when both specs have the same identity options (unique, sparse, partial filter...). */
function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return IDENTITY_OPTIONS.every((option) => {
    const left = a[option];
    const right = b[option];
    if (bsonTypeOf(left) === 'bool' || bsonTypeOf(right) === 'bool')
      return Boolean(left) === Boolean(right);
    return canonicalKey(left) === canonicalKey(right);
  });
}

/** True when two specs differ only in options that let them coexist on one key pattern. */
function distinctPartialFilter(a: IndexSpec, b: IndexSpec): boolean {
  return canonicalKey(a.partialFilterExpression) !== canonicalKey(b.partialFilterExpression);
}

/**
 * Whether an index identical to `spec` is among `existing` (then creating it is a no-op).
 * @throws CommandFailure 86 IndexKeySpecsConflict for a name taken by a different spec, 85
 *   IndexOptionsConflict for the same key pattern and options under another name.
 */
export function identicalIndexExists(existing: readonly IndexSpec[], spec: IndexSpec): boolean {
  refuseSecondTextIndex(existing, spec);
  for (const other of existing) {
    if (other.name === spec.name) {
      if (sameKeyPattern(other, spec) && (other.name === '_id_' || sameIndexOptions(other, spec))) {
        return true;
      }
      throw new CommandFailure(
        86,
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatValue(spec)}, existing index: ${formatValue(other)}`,
      );
    }
    if (sameKeyPattern(other, spec) && !distinctPartialFilter(other, spec)) {
      const message = sameIndexOptions(other, spec)
        ? `Index already exists with a different name: ${other.name}`
        : `An equivalent index already exists with the same name but different options. Requested index: ${formatValue(spec)}, existing index: ${formatValue(other)}`;
      throw new CommandFailure(85, 'IndexOptionsConflict', message);
    }
  }
  return false;
}

/**
 * A collection has at most one text index: another with a different key pattern (one with
 * the same pattern is an equivalent index, refused below) is refused with 85 as well.
 */
function refuseSecondTextIndex(existing: readonly IndexSpec[], spec: IndexSpec): void {
  if (spec.key._fts !== 'text') return;
  const text = existing.find((other) => other.key._fts === 'text');
  if (!text || sameKeyPattern(text, spec)) return;
  throw new CommandFailure(
    85,
    'IndexOptionsConflict',
    `only one text index per collection allowed, found existing text index "${text.name}"`,
  );
}
