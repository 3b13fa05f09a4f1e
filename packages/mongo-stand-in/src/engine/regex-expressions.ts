import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types/types';
import { CommandFailure } from '../command-types';
import { bsonTag, isPlainDocument } from './bson-value';
import { RegExpClass } from './intrinsics';
import { compileLinearRegex, validateRegexOptions, type RegexSite } from './linear-regex';
import { patternOf } from './regex-carrier';

type Document = Record<string, unknown>;
type ExpressionSite = Exclude<RegexSite, 'query'>;

/** One match as `$regexFind` reports it: `idx` counts code points, as mongod does. */
interface RegexMatch {
  match: string;
  idx: number;
  captures: Array<string | null>;
}

const ARGUMENTS = new Set(['input', 'regex', 'options']);

/** The evaluated arguments, or null when `input` or `regex` is null or missing. */
function evaluateArguments(
  site: ExpressionSite,
  object: unknown,
  expression: unknown,
  options: Options,
): { input: string; pattern: string; flags: string } | null {
  if (!isPlainDocument(expression)) {
    throw new CommandFailure(
      51103,
      'Location51103',
      `${site} expects an object of named arguments but found: ${typeof expression}`,
    );
  }
  for (const key of Object.keys(expression)) {
    if (!ARGUMENTS.has(key)) {
      throw new CommandFailure(31024, 'Location31024', `${site} found an unknown argument: ${key}`);
    }
  }
  if (!('input' in expression)) {
    throw new CommandFailure(31022, 'Location31022', `${site} requires 'input' parameter`);
  }
  if (!('regex' in expression)) {
    throw new CommandFailure(31023, 'Location31023', `${site} requires 'regex' parameter`);
  }
  const input: unknown = evalExpr(object, expression.input, options);
  const regex: unknown = evalExpr(object, expression.regex, options);
  const rawOptions: unknown =
    expression.options === undefined ? undefined : evalExpr(object, expression.options, options);
  let pattern: string | null;
  let flags = '';
  if (regex instanceof RegExpClass) {
    [pattern, flags] = [patternOf(regex), regex.flags];
  } else if (bsonTag(regex) === 'BSONRegExp') {
    const bsonRegex = regex as { pattern: string; options: string };
    [pattern, flags] = [bsonRegex.pattern, bsonRegex.options];
  } else if (typeof regex === 'string' || regex === null || regex === undefined) {
    pattern = regex ?? null;
  } else {
    throw new CommandFailure(
      51105,
      'Location51105',
      `${site} needs 'regex' to be of type string or regex`,
    );
  }
  if (rawOptions !== undefined && rawOptions !== null) {
    if (typeof rawOptions !== 'string') {
      throw new CommandFailure(
        51106,
        'Location51106',
        `${site} needs 'options' to be of type string`,
      );
    }
    if (flags !== '' && rawOptions !== '') {
      throw new CommandFailure(
        51107,
        'Location51107',
        `${site} found regex option(s) specified in both 'regex' and 'option' fields`,
      );
    }
    flags += rawOptions;
  }
  flags = validateRegexOptions(flags.replace(/[gyd]/g, ''), site);
  if (input === null || input === undefined || pattern === null) return null;
  if (typeof input !== 'string') {
    throw new CommandFailure(51104, 'Location51104', `${site} needs 'input' to be of type string`);
  }
  return { input, pattern, flags };
}

function* findMatches(
  site: ExpressionSite,
  args: { input: string; pattern: string; flags: string },
): Generator<RegexMatch> {
  const regex = compileLinearRegex(args.pattern, args.flags, site);
  for (const found of regex.matchAll(args.input)) {
    yield {
      match: found[0],
      idx: codePointCount(args.input, found.index ?? 0),
      captures: found.slice(1).map((capture) => capture ?? null),
    };
  }
}

function codePointCount(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i += 1) {
    const unit = text.charCodeAt(i);
    // The high half of a surrogate pair starts a code point; the low half does not.
    if (unit < 0xdc00 || unit > 0xdfff) count += 1;
  }
  return count;
}

/**
 * `$regexMatch`, `$regexFind` and `$regexFindAll` on RE2 (see linear-regex.ts), with mongod's
 * argument checks and codes; they replace mingo's, which run JavaScript's backtracking RegExp.
 */
export const REGEX_EXPRESSION_OPERATORS = {
  $regexMatch: (object: unknown, expression: unknown, options: Options): boolean => {
    const args = evaluateArguments('$regexMatch', object, expression, options);
    return (
      args !== null && compileLinearRegex(args.pattern, args.flags, '$regexMatch').test(args.input)
    );
  },
  $regexFind: (object: unknown, expression: unknown, options: Options): Document | null => {
    const args = evaluateArguments('$regexFind', object, expression, options);
    if (args === null) return null;
    const first = findMatches('$regexFind', args).next();
    return first.done ? null : { ...first.value };
  },
  $regexFindAll: (object: unknown, expression: unknown, options: Options): Document[] => {
    const args = evaluateArguments('$regexFindAll', object, expression, options);
    return args === null
      ? []
      : [...findMatches('$regexFindAll', args)].map((match) => ({ ...match }));
  },
};
