import { badRequest } from './http-problem';

/** Path parameters of a matched route, or null when `template` does not match. */
export function matchPath(template: string, path: string): Record<string, string> | null {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    const part = expected[i];
    if (part.startsWith('{') && part.endsWith('}')) {
      if (actual[i] === '') return null;
      params[part.slice(1, -1)] = decodeSegment(actual[i]);
    } else if (part !== actual[i]) {
      return null;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(
      'INVALID_INPUT',
      `The path segment '${segment}' is not valid percent-encoding`,
    );
  }
}
