/*
 * The classes of an error by name, for matching errors whose class did not survive a
 * serialisation boundary (a handler running in a worker thread or a child process).
 */

/**
 * A symbol under which an error rebuilt from an isolated handler keeps the names of its
 * original classes (its own first), so that `retryOn` lists still match it by name.
 */
export const ERROR_CLASS_NAMES = Symbol('docket.errorClassNames');

/** The names of the classes `error` is an instance of, own class first. */
export function errorClassNames(error: Error): string[] {
  const carried = (error as unknown as Record<symbol, unknown>)[ERROR_CLASS_NAMES];
  if (Array.isArray(carried)) return carried.filter((name) => typeof name === 'string');
  const names: string[] = [];
  for (
    let proto: unknown = Object.getPrototypeOf(error);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') names.push(name);
  }
  return names;
}
