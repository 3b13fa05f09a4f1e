import { Double, Int32, type Document } from 'bson';

/*
 * The stand-in decodes with `promoteValues` (see bson-codec.ts), which loses two types:
 * the deprecated BSON symbol becomes a plain string, where mongod keeps type 14, and a
 * double with an int32 value (`42.0`) becomes the number `42`, which goes back as int32.
 * A document that holds either is decoded without promotion instead, and its numbers are
 * promoted here, except those doubles, which stay bson `Double`s (the engine reads them as
 * numbers of type double). Finding out takes one walk over the element headers, far
 * cheaper than the decode itself.
 */

const SYMBOL = 0x0e;
const DOUBLE = 0x01;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const VARIABLE = -1;
/** Bytes of each element type's value when fixed, else VARIABLE. */
const FIXED_SIZES = new Int8Array(256).fill(VARIABLE);
for (const [type, size] of [
  [0x01, 8], // double
  [0x06, 0], // undefined
  [0x07, 12], // ObjectId
  [0x08, 1], // boolean
  [0x09, 8], // date
  [0x0a, 0], // null
  [0x10, 4], // int32
  [0x11, 8], // timestamp
  [0x12, 8], // int64
  [0x13, 16], // decimal128
  [0x7f, 0], // max key
  [0xff, 0], // min key
]) {
  FIXED_SIZES[type] = size;
}

const int32At = (bytes: Uint8Array, at: number): number =>
  at + 4 <= bytes.length
    ? bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)
    : -1;

/** Eight bytes to read a double through, allocated once: the walk runs on every request. */
const doubleBytes = new Uint8Array(8);
const doubleView = new DataView(doubleBytes.buffer);

/** The little-endian double at `at`. */
function doubleAt(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) doubleBytes[i] = bytes[at + i];
  return doubleView.getFloat64(0, true);
}

/** A double that promotion would turn into a number sent back as int32. */
export function isInt32Valued(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * Whether the BSON document in `bytes` (at `start`, of its stated size) holds, at any
 * depth, a value that promotion would change the type of: a symbol, or a double with an
 * int32 value. Malformed input answers true, so that the decoder, not this walk, reports it.
 */
export function needsUnpromotedDecode(bytes: Uint8Array, start = 0): boolean {
  const end = start + int32At(bytes, start);
  let at = start + 4;
  while (at < end) {
    const type = bytes[at];
    if (type === 0) return false;
    const nameEnd = bytes.indexOf(0, at + 1);
    if (nameEnd < 0 || nameEnd >= end) return true;
    at = nameEnd + 1;
    const fixed = FIXED_SIZES[type];
    if (type === DOUBLE) {
      if (at + 8 > end) return true;
      if (isInt32Valued(doubleAt(bytes, at))) return true;
      at += 8;
    } else if (fixed !== VARIABLE) at += fixed;
    else if (type === SYMBOL) return true;
    else if (type === 0x02 || type === 0x0d)
      at += 4 + int32At(bytes, at); // string, code
    else if (type === 0x03 || type === 0x04) {
      if (needsUnpromotedDecode(bytes, at)) return true; // document, array
      at += int32At(bytes, at);
    } else if (type === 0x05)
      at += 5 + int32At(bytes, at); // binary
    else if (type === 0x0b)
      at = bytes.indexOf(0, bytes.indexOf(0, at) + 1) + 1; // regex
    else if (type === 0x0c)
      at += 4 + int32At(bytes, at) + 12; // DBPointer
    else if (type === 0x0f)
      at += int32At(bytes, at); // code with scope: its size counts itself
    else return true;
    if (at <= nameEnd) return true;
  }
  return true;
}

/**
 * Replaces the Int32 and Double wrappers of an unpromoted decode by numbers, in place, but
 * for doubles with an int32 value, which only a `Double` keeps a double.
 */
export function promoteNumbers(document: Document): Document {
  for (const key of Object.keys(document)) {
    const value: unknown = document[key];
    if (value instanceof Int32 || (value instanceof Double && !isInt32Valued(value.value))) {
      Object.defineProperty(document, key, {
        value: value.valueOf(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (Array.isArray(value)) {
      promoteNumbers(value as unknown as Document);
    } else if (
      value !== null &&
      typeof value === 'object' &&
      Object.getPrototypeOf(value) === Object.prototype
    ) {
      promoteNumbers(value as Document);
    }
  }
  return document;
}
