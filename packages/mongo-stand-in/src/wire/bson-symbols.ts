import { Double, Int32, type Document } from 'bson';

/*
 * The stand-in decodes with `promoteValues` (see bson-codec.ts), which also turns the
 * deprecated BSON symbol into a plain string: stored, it would come back as a string, where
 * mongod keeps type 14. A document that holds a symbol is decoded without promotion instead,
 * and its int32 and double values are promoted here, so only the symbols stay wrapped.
 * Finding out takes one walk over the element headers, far cheaper than the decode itself.
 */

const SYMBOL = 0x0e;
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

/**
 * Whether the BSON document in `bytes` (at `start`, of its stated size) holds a symbol at
 * any depth. Malformed input answers true, so that the decoder, not this walk, reports it.
 */
export function containsSymbol(bytes: Uint8Array, start = 0): boolean {
  const end = start + int32At(bytes, start);
  let at = start + 4;
  while (at < end) {
    const type = bytes[at];
    if (type === 0) return false;
    const nameEnd = bytes.indexOf(0, at + 1);
    if (nameEnd < 0 || nameEnd >= end) return true;
    at = nameEnd + 1;
    const fixed = FIXED_SIZES[type];
    if (fixed !== VARIABLE) at += fixed;
    else if (type === SYMBOL) return true;
    else if (type === 0x02 || type === 0x0d)
      at += 4 + int32At(bytes, at); // string, code
    else if (type === 0x03 || type === 0x04) {
      if (containsSymbol(bytes, at)) return true; // document, array
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

/** Replaces the Int32 and Double wrappers of an unpromoted decode by numbers, in place. */
export function promoteNumbers(document: Document): Document {
  for (const key of Object.keys(document)) {
    const value: unknown = document[key];
    if (value instanceof Int32 || value instanceof Double) {
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
