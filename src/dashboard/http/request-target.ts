import { HttpProblem } from './http-problem';

/*
 * The dashboard routes on the path as the WHATWG URL parser reads it, which removes `.` and
 * `..` segments (also spelt `%2e`), reads `\` as `/`, and takes a leading `//` for a host. An
 * `authorize` hook sees the raw `req.url`: if the two could differ, a hook that makes one
 * prefix public (`/assets/`) would let `/assets/../api/jobs` through to the API. So a path is
 * served only when it is canonical, that is when every reader gets the same segments out of
 * it, and the hook runs only after that check.
 */

/** Where a request goes: the path routing uses (still percent-encoded) and the query. */
export interface RequestTarget {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
  /** The query with its `?`, or `''`. */
  readonly search: string;
  /** Why the raw path is not canonical, or null when routing reads it as it was sent. */
  readonly problem: string | null;
}

const ORIGIN = 'http://dashboard.invalid';

/** `%2e`, `%2f` and `%5c` in either case: the encodings of `.`, `/` and `\`. */
const ENCODED_DOT_OR_SEPARATOR = /%(2e|2f|5c)/gi;

/**
 * Parses a request target (`req.url`, or Express's `originalUrl`): the origin form
 * `/path?query`, or the absolute form `http://host/path?query` a client may send.
 */
export function parseRequestTarget(target: string): RequestTarget {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  let relative = target;
  if (absolute !== null) {
    relative = target.slice(absolute[0].length);
    // In the absolute form, an empty path means `/`.
    if (!relative.startsWith('/')) relative = `/${relative}`;
  }
  const queryAt = relative.search(/[?#]/);
  const rawPath = queryAt === -1 ? relative : relative.slice(0, queryAt);
  // Concatenated rather than resolved against the origin, so `//x` stays a path.
  const url = new URL(`${ORIGIN}${rawPath.startsWith('/') ? '' : '/'}${relative}`);
  return {
    pathname: url.pathname,
    searchParams: url.searchParams,
    search: url.search,
    problem: nonCanonicalReason(rawPath, url.pathname, relative),
  };
}

/** Why `rawPath` could be read as another path than `pathname`, or null. */
function nonCanonicalReason(rawPath: string, pathname: string, relative: string): string | null {
  if (!rawPath.startsWith('/')) return 'it does not start with /';
  if (relative.includes('#')) return 'it contains a fragment (#)';
  if (rawPath.includes('\\')) return 'it contains a backslash';
  if (rawPath.includes('//')) return 'it contains an empty segment (//)';
  // Decoding only dots and separators is enough, and works on malformed encodings too.
  const decoded = rawPath.replace(ENCODED_DOT_OR_SEPARATOR, (code) =>
    code.toLowerCase() === '%2e' ? '.' : code.toLowerCase() === '%2f' ? '/' : '\\',
  );
  if (decoded.split(/[/\\]/).some((part) => part === '.' || part === '..')) {
    return "it contains a '.' or '..' segment (possibly percent-encoded)";
  }
  if (pathname !== rawPath) return 'the URL parser reads it differently (characters to encode)';
  return null;
}

/**
 * The 400 for a non-canonical path. Sent before `authorize` runs, so that the hook only ever
 * sees paths that mean what they say.
 */
export function nonCanonicalPath(target: RequestTarget): HttpProblem {
  return new HttpProblem(
    400,
    'NON_CANONICAL_PATH',
    `The request path is not in canonical form: ${target.problem ?? 'unknown'}. ` +
      "Send the path without '.' or '..' segments, '//', backslashes or fragments",
  );
}
