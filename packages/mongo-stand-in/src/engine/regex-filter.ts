import type { BSONRegExp } from 'bson';
import { CommandFailure } from '../command-types';
import { bsonTag, isPlainDocument } from './bson-value';
import { isArray, RegExpClass } from './intrinsics';
import { compileLinearRegex, stripExtendedSyntax, validateRegexOptions } from './linear-regex';
import { setOwnField } from './own-fields';
import { carrierRegExp, patternOf } from './regex-carrier';

type Document = Record<string, unknown>;

/**
 * A query filter whose regular expressions are native RegExps mingo can carry, validated as
 * mongod validates them: `{ $regex, $options }` pairs merged into one RegExp, BSONRegExps
 * converted, options checked (51108), patterns compiled once with RE2 so that what RE2
 * cannot run is refused here (51091), and the `x` option applied to the pattern (JavaScript
 * has no such flag). Matching itself happens on RE2 (see mingo-context.ts).
 */
export function normaliseFilterRegexes(value: unknown): unknown {
  if (isArray(value)) return value.map(normaliseFilterRegexes);
  if (value instanceof RegExpClass) return toCarrier(patternOf(value), value.flags);
  if (bsonTag(value) === 'BSONRegExp') {
    const regex = value as BSONRegExp;
    return toCarrier(regex.pattern, regex.options);
  }
  if (!isPlainDocument(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) setOwnField(out, key, normaliseFilterRegexes(value[key]));
  if ('$regex' in out || '$options' in out) mergeRegexOptions(out);
  return out;
}

function mergeRegexOptions(condition: Document): void {
  const regex: unknown = condition.$regex;
  const options: unknown = condition.$options;
  if (options !== undefined && typeof options !== 'string') {
    throw new CommandFailure(2, 'BadValue', '$options has to be a string');
  }
  if (regex === undefined) {
    throw new CommandFailure(2, 'BadValue', '$options needs a $regex');
  }
  if (regex instanceof RegExpClass) {
    if (options !== undefined && options !== '' && regex.flags !== '') {
      throw new CommandFailure(51075, 'Location51075', 'options set in both $regex and $options');
    }
    if (options !== undefined)
      condition.$regex = toCarrier(patternOf(regex), regex.flags + options);
  } else if (typeof regex === 'string') {
    condition.$regex = toCarrier(regex, options ?? '');
  } else {
    throw new CommandFailure(2, 'BadValue', '$regex has to be a string');
  }
  delete condition.$options;
}

/** A RegExp for mingo to carry (see regex-carrier.ts), after RE2 has accepted the pattern. */
function toCarrier(pattern: string, rawOptions: string): RegExp {
  const options = validateRegexOptions(rawOptions, 'query');
  compileLinearRegex(pattern, options, 'query');
  const source = options.includes('x') ? stripExtendedSyntax(pattern) : pattern;
  // `u` is redundant for mongod, and would make JavaScript's parser stricter than PCRE.
  const flags = [...new Set(options.replace(/[xu]/g, ''))].join('');
  return carrierRegExp(source, flags);
}
