import { Long } from 'mongodb';

/*
 * What a job payload may hold beyond "what BSON can encode": the limits MongoDB sets on a
 * document, the keys that change how a payload is read back, the objects that would lose
 * their content, and how to tell a real BSON value from an object that merely claims to be
 * one. `toStoredPayload` applies them; `fromStoredPayload` shares the BSON test.
 */

/** MongoDB's document size limit: a job record must fit in one document. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * How many levels of objects and arrays a payload may nest below itself: `{ a: { b: [1] } }`
 * nests 2 (the object at `a`, the array at `a.b`). MongoDB refuses documents nested more than
 * 100 levels, every object or array being a level and the document itself the first; a
 * payload is the third (the job or recurring job document, then its `payload` field), so
 * 98 levels remain. Empty objects count too, although MongoDB lets the deepest be empty.
 */
export const MAX_PAYLOAD_DEPTH = 98;

/**
 * Longest array a payload may hold. Every element of a BSON array takes at least 3 bytes
 * (type, key, terminator) even when it is null, so a longer array cannot fit in a document;
 * refusing it before it is walked keeps `[].length = 2 ** 32 - 1` from looping for minutes.
 */
export const MAX_ARRAY_LENGTH = Math.floor(MAX_DOCUMENT_BYTES / 3);

/**
 * Keys refused anywhere in a payload, with the reason. The first three change what an
 * object is when it is read back or validated: class-validator and class-transformer find
 * an object's rules and type through `constructor`, so a field of that name hides every
 * rule; an own `__proto__` becomes the prototype of whatever it is assigned to. The BSON
 * serialiser reads `_bsontype` as a type marker, skipping the checks of every other key.
 */
export const RESERVED_KEYS: ReadonlyMap<string, string> = new Map([
  [
    'constructor',
    "keys named 'constructor' cannot be stored: they hide the object's class (and its " +
      'validation rules) when the payload is read back; rename the field',
  ],
  [
    '__proto__',
    "keys named '__proto__' cannot be stored: assigned when the payload is read back, they " +
      'replace the object’s prototype; rename the field',
  ],
  [
    'prototype',
    "keys named 'prototype' cannot be stored: they are read as a class's prototype by code " +
      'that walks the payload; rename the field',
  ],
  [
    '_bsontype',
    "keys named '_bsontype' cannot be stored: MongoDB's BSON serialiser reads them as a type " +
      'marker; rename the field',
  ],
]);

/** BSON values kept as they are on the way in (and restored on the way out). */
export const KEPT_BSON_TYPES: ReadonlySet<string> = new Set([
  'ObjectId',
  'Decimal128',
  'Long',
  'Binary',
]);

/** Something `instanceof` can test: a class, or a function such as `BigInt` or `Symbol`. */
type ObjectKind = (abstract new (...args: never[]) => object) | ((...args: never[]) => unknown);

/** Objects that would silently lose their content as documents, with what to use instead. */
export const REFUSED_OBJECTS: ReadonlyArray<[ObjectKind, string]> = [
  [Map, 'Map cannot be stored; use an object or array'],
  [Set, 'Set cannot be stored; use an array'],
  [WeakMap, 'WeakMap cannot be stored; use an object or array'],
  [WeakSet, 'WeakSet cannot be stored; use an array'],
  [WeakRef, 'WeakRef cannot be stored'],
  [Promise, 'Promise cannot be stored; await it before creating the job'],
  [RegExp, 'RegExp cannot be stored; store its source as a string'],
  [Error, 'Error cannot be stored; store its message as a string'],
  [ArrayBuffer, 'ArrayBuffer cannot be stored; use a Buffer or Uint8Array'],
  [SharedArrayBuffer, 'SharedArrayBuffer cannot be stored; use a Buffer or Uint8Array'],
  [Blob, 'Blob cannot be stored; read its bytes into a Buffer'],
  [URL, 'URL cannot be stored; store its href string'],
  [URLSearchParams, 'URLSearchParams cannot be stored; store its string form'],
  [String, 'boxed String cannot be stored; use a string primitive'],
  [Number, 'boxed Number cannot be stored; use a number primitive'],
  [Boolean, 'boxed Boolean cannot be stored; use a boolean primitive'],
  [BigInt, 'boxed BigInt cannot be stored; use a bigint primitive'],
  [Symbol, 'boxed Symbol cannot be stored'],
];

const BSON_VERSION = Symbol.for('@@mdb.bson.version');

/** The bson major version of the driver's own values (what its serialiser accepts). */
const DRIVER_BSON_VERSION: unknown = (Long.fromNumber(0) as unknown as Record<symbol, unknown>)[
  BSON_VERSION
];

/**
 * The BSON type `value` claims through a `_bsontype` property (own or inherited), or
 * `undefined` when it claims none. May run a getter: callers guard the read.
 */
export function claimedBsonType(value: object): unknown {
  return '_bsontype' in value ? (value as { _bsontype: unknown })._bsontype : undefined;
}

/**
 * Whether `value` is a BSON value the driver's serialiser will encode as such: its type and
 * bson version come from its class, as they do for every value built by the `bson` package
 * (any copy of the driver's major version), never from own properties a caller could set.
 */
export function isDriverBsonValue(value: object): value is { readonly _bsontype: string } {
  const own = (key: PropertyKey) => Object.prototype.hasOwnProperty.call(value, key);
  return (
    typeof claimedBsonType(value) === 'string' &&
    !own('_bsontype') &&
    !own(BSON_VERSION) &&
    (value as Record<symbol, unknown>)[BSON_VERSION] === DRIVER_BSON_VERSION
  );
}
