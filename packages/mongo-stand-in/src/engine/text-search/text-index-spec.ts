import { CommandFailure } from '../../command-types';
import { isNumeric, isPlainDocument, numericValue } from '../bson-value';
import { formatValue } from '../value-format';
import { isTextLanguage } from './text-languages';

type Document = Record<string, unknown>;

/** The key fields every text index has in its stored form, in place of its text fields. */
export const TEXT_KEY_FIELDS = { _fts: 'text', _ftsx: 1 } as const;
const TEXT_INDEX_VERSION = 3;
const MAX_WEIGHT = 99_999;
const TEXT_OPTIONS = new Set([
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
]);

const cannotCreate = (spec: unknown, reason: string): CommandFailure =>
  new CommandFailure(
    67,
    'CannotCreateIndex',
    `Error in specification ${formatValue(spec)} :: caused by :: ${reason}`,
  );

/** Whether a createIndexes key pattern makes a text index (`'text'` fields or `_fts`). */
export function isTextKeyPattern(key: Document): boolean {
  return Object.values(key).some((direction) => direction === 'text');
}

function weightsOption(raw: Document): Document {
  if (raw.weights === undefined) return {};
  if (!isPlainDocument(raw.weights)) throw cannotCreate(raw, 'weights must be an object');
  for (const [field, weight] of Object.entries(raw.weights)) {
    const value = isNumeric(weight) ? Number(numericValue(weight)) : NaN;
    if (!(value > 0 && value <= MAX_WEIGHT)) {
      throw cannotCreate(
        raw,
        `text index weight for ${field} must be a number in (0, ${MAX_WEIGHT}], got ${formatValue(weight)}`,
      );
    }
  }
  return raw.weights;
}

function stringOption(raw: Document, option: string, fallback: string): string {
  const value = raw[option] ?? fallback;
  if (typeof value !== 'string' || value === '') {
    throw cannotCreate(raw, `${option} must be a non-empty string, got ${formatValue(value)}`);
  }
  return value;
}

/**
 * The stored form of a text index, as mongod keeps and lists it: the text fields become
 * `_fts: 'text', _ftsx: 1` between the other key fields (which must come before or after
 * them, never between), and their weights (1 unless `weights` says otherwise, sorted by
 * field) move to `weights`, beside `default_language` (`english`), `language_override`
 * (`language`) and `textIndexVersion: 3`. A spec already in that form is kept as it is.
 * @throws CommandFailure 67 CannotCreateIndex for a misplaced field, a bad weight or an
 *   unknown language.
 */
export function normaliseTextIndex(raw: Document): Document {
  const rawKey = raw.key as Document;
  const stored = rawKey._fts === 'text';
  const key: Document = {};
  const weights: Record<string, number> = {};
  let textSeen = false;
  let textEnded = false;
  for (const [field, direction] of Object.entries(rawKey)) {
    const isText = direction === 'text' || field === '_ftsx';
    if (isText && textEnded) {
      throw cannotCreate(raw, 'text fields of a compound text index must be next to each other');
    }
    if (!isText && textSeen) textEnded = true;
    if (!isText) key[field] = direction;
    else if (!textSeen) Object.assign(key, TEXT_KEY_FIELDS);
    if (direction === 'text' && !stored) weights[field] = 1;
    textSeen ||= isText;
  }
  for (const [field, weight] of Object.entries(weightsOption(raw))) {
    weights[field] = Number(numericValue(weight));
  }
  if (Object.keys(weights).length === 0) throw cannotCreate(raw, 'text index needs a text field');
  const defaultLanguage = stringOption(raw, 'default_language', 'english');
  if (!isTextLanguage(defaultLanguage)) {
    throw new CommandFailure(
      17262,
      'Location17262',
      `Error in specification ${formatValue(raw)} :: caused by :: default_language: unsupported language: "${defaultLanguage}"`,
    );
  }
  const sortedWeights = Object.fromEntries(
    Object.keys(weights)
      .sort()
      .map((field) => [field, weights[field]]),
  );
  const others = Object.fromEntries(
    Object.entries(raw).filter(([option]) => !TEXT_OPTIONS.has(option)),
  );
  return {
    ...others,
    key,
    weights: sortedWeights,
    default_language: defaultLanguage,
    language_override: stringOption(raw, 'language_override', 'language'),
    textIndexVersion: TEXT_INDEX_VERSION,
  };
}
