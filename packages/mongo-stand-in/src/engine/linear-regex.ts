import { RE2JS } from 're2js';
import { CommandFailure } from '../command-types';
import { patternOf } from './regex-carrier';

/*
 * Every regular expression the stand-in evaluates (query `$regex`, regexes in `$in`/`$nin`/
 * `$all`, `$regexMatch`/`$regexFind`/`$regexFindAll`) runs on RE2, whose matching time is
 * linear in the input. JavaScript's RegExp backtracks: `^(a+)+$` against 29 `a`s and a `!`
 * blocked the whole stand-in, and every test sharing it, for seconds. mongod's PCRE accepts
 * more syntax than RE2 (backreferences, lookaround, atomic groups, possessive quantifiers);
 * the stand-in refuses those patterns with mongod's invalid-regex code and a message that
 * says why, rather than run them with a backtracking engine.
 */

/** The options mongod accepts on a regular expression (`u` is accepted and redundant). */
const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  x: 0,
  u: 0,
};

const CACHE_LIMIT = 1_000;
const cache = new Map<string, RE2JS>();

/** Where a regular expression came from: mongod words and numbers its errors per place. */
export type RegexSite = 'query' | '$regexMatch' | '$regexFind' | '$regexFindAll';

/** Options from a JavaScript RegExp's flags or a `$options` string, validated. */
export function validateRegexOptions(options: string, site: RegexSite): string {
  for (const flag of options) {
    if (flag === '\0' && site !== 'query') {
      throw new CommandFailure(
        51110,
        'Location51110',
        `${site}: regular expression options cannot contain an embedded null byte`,
      );
    }
    if (!(flag in FLAG_BITS) || flag === '\0') {
      throw new CommandFailure(51108, 'Location51108', `invalid flag in regex options: ${flag}`);
    }
  }
  return options;
}

/**
 * The pattern as PCRE's extended mode (`x`) reads it: unescaped whitespace and `#` comments
 * outside character classes are not part of it.
 */
export function stripExtendedSyntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      out += pattern.slice(i, i + 2);
      i += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      const next = pattern.startsWith('^', i + 1) ? i + 2 : i + 1;
      if (pattern[next] === ']') {
        out += pattern.slice(i + 1, next + 1);
        i = next;
      }
    } else if (char === '#') {
      const end = pattern.indexOf('\n', i);
      i = end < 0 ? pattern.length : end;
    } else if (!/\s/.test(char)) {
      out += char;
    }
  }
  return out;
}

/**
 * Compiles `pattern` with `options` (already validated) to RE2, cached.
 * @throws CommandFailure with mongod's code for an invalid pattern at `site` (51091 for a
 * query, 51111 for the aggregation expressions; BadValue/51109 for an embedded null byte).
 */
export function compileLinearRegex(pattern: string, options: string, site: RegexSite): RE2JS {
  const key = `${options}/${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  if (pattern.includes('\0')) {
    throw site === 'query'
      ? new CommandFailure(2, 'BadValue', 'Regular expression cannot contain an embedded null byte')
      : new CommandFailure(
          51109,
          'Location51109',
          `${site}: regular expression cannot contain an embedded null byte`,
        );
  }
  let flags = 0;
  for (const flag of options) flags |= FLAG_BITS[flag] ?? 0;
  const source = options.includes('x') ? stripExtendedSyntax(pattern) : pattern;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, flags);
  } catch (error) {
    throw invalidPattern(error, site);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function invalidPattern(error: unknown, site: RegexSite): CommandFailure {
  const reason = error instanceof Error ? error.message : String(error);
  const detail =
    `${reason} (the stand-in matches regular expressions in linear time with RE2 syntax, ` +
    'which has no backreferences, lookaround, atomic groups or possessive quantifiers)';
  return site === 'query'
    ? new CommandFailure(51091, 'Location51091', `Regular expression is invalid: ${detail}`)
    : new CommandFailure(51111, 'Location51111', `Invalid Regex in ${site}: ${detail}`);
}

/**
 * A RegExp whose `exec`/`test` run on RE2: handed to mingo's own operators, which call
 * those two methods, so that their semantics (arrays, nesting) stay mingo's while the
 * matching is linear. Its source and flags are the JavaScript ones it was made from.
 */
export class LinearRegExp extends RegExp {
  private readonly linear: RE2JS;

  constructor(native: RegExp) {
    super(native.source, native.flags);
    this.linear = compileLinearRegex(patternOf(native), validJsFlags(native.flags), 'query');
  }

  override exec(input: string): RegExpExecArray | null {
    return this.linear.exec(String(input)) as RegExpExecArray | null;
  }

  override test(input: string): boolean {
    return this.linear.test(String(input));
  }
}

/** Whether `value` (a string) matches a RegExp with RE2 semantics. */
export function testLinear(regex: RegExp, value: string): boolean {
  return compileLinearRegex(patternOf(regex), validJsFlags(regex.flags), 'query').test(value);
}

/** The flags of a JavaScript RegExp that mean something to mongod (g, y, d carry nothing). */
function validJsFlags(flags: string): string {
  return validateRegexOptions(flags.replace(/[gyd]/g, ''), 'query');
}
