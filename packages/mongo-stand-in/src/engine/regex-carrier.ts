import { RegExpClass } from './intrinsics';

/*
 * Query filters reach mingo with their regular expressions as native RegExps (mingo copies
 * them with `new RegExp(regex)`), but matching runs on RE2 (linear-regex.ts), whose syntax
 * JavaScript's parser does not all accept: `(?i)` and the other inline flags, `(?P<name>…)`.
 * Such a pattern travels hex-encoded behind a NUL: a NUL never starts a real pattern (mongod
 * refuses patterns containing one), and a hex string is always a valid JavaScript pattern.
 */

const ENCODED = '\u0000';

/** A native RegExp carrying `pattern`, encoded when JavaScript cannot parse it. */
export function carrierRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExpClass(pattern, flags);
  } catch {
    return new RegExpClass(ENCODED + Buffer.from(pattern, 'utf8').toString('hex'), flags);
  }
}

/** The pattern a RegExp carries (decoded when {@link carrierRegExp} encoded it). */
export function patternOf(regex: RegExp): string {
  const source = regex.source;
  return source.startsWith(ENCODED) ? Buffer.from(source.slice(1), 'hex').toString('utf8') : source;
}
