/*
 * To MongoDB, `__proto__`, `constructor`, `toString`... are field names like any other.
 * To JavaScript, `document[key]` reads them from `Object.prototype` when the document lacks
 * them, and `document.__proto__ = value` replaces the document's prototype instead of
 * storing a field. The stand-in runs inside its users' test processes, so following such a
 * key to `Object.prototype` and writing there would change every object of the process.
 * Every read or write of a field named by a client goes through these two functions.
 */

type Document = Record<string, unknown>;

// Captured once (see intrinsics.ts for why globals are captured on hot paths).
const hasOwn: (value: object, key: PropertyKey) => boolean = Object.hasOwn;
const defineProperty = Object.defineProperty;

/** The document's own field `key`, or undefined: never a value its prototype supplies. */
export function ownField(document: Document, key: string): unknown {
  return hasOwn(document, key) ? document[key] : undefined;
}

/** A shallow copy of the document's own fields (a spread keeps `__proto__` as one), compact. */
export function copyOwnFields<T extends Document>(document: T): T {
  return { ...document };
}

/** Stores `value` as the document's own field `key`, `__proto__` included. */
export function setOwnField(document: Document, key: string, value: unknown): void {
  if (key === '__proto__') {
    defineProperty(document, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    document[key] = value;
  }
}

const SIMPLE_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plain top-level field name: no path, no operator, not an array index. */
export function isSimpleFieldName(name: string): boolean {
  return SIMPLE_FIELD_NAME.test(name);
}
