import {
  deserialize,
  serialize,
  type DeserializeOptions,
  type Document,
  type SerializeOptions,
} from 'bson';
import { needsUnpromotedDecode, promoteNumbers } from './bson-symbols';
import { MAX_BSON_OBJECT_SIZE } from './wire-protocol';
import { WireProtocolError } from './wire-protocol.error';

/**
 * How every document received from a client is turned into JavaScript values. This is the
 * contract between the wire layer and the command handlers (engine and data commands):
 *
 * - `promoteValues: true`: BSON int32 and double arrive as JS `number`; strings,
 *   booleans, null, dates (`Date`), regular expressions (`RegExp`) and embedded documents
 *   are plain JS values, which is what mingo evaluates queries and updates against.
 *   Except: a double with an int32 value (`42.0`) stays a bson `Double` (see
 *   bson-symbols.ts), since the number `42` would be sent back as int32. Handlers that read
 *   numbers go through `numericValue`/`bsonTypeOf`, which know it as a double.
 * - `promoteLongs: false` (and `useBigInt64: false`): every BSON int64 arrives as a bson
 *   `Long`, never as a `number` or `bigint`. Cursor ids in `getMore` and `killCursors` are
 *   `Long`s (compare with `Long#equals` or by `toString()`, never with `===`), and an int64
 *   stored in a document stays a `Long`, so it is sent back as int64. Handlers that do
 *   arithmetic or comparisons on fields must be ready for `Long` operands.
 * - `promoteBuffers: false`: binary data stays a bson `Binary`, keeping its subtype (UUIDs
 *   are subtype 4). `Decimal128`, `ObjectId`, `Timestamp`, `MinKey`/`MaxKey`, `Code` and
 *   `DBRef` are bson class instances whatever the options.
 * - A BSON symbol stays a bson `BSONSymbol` (see bson-symbols.ts), as mongod keeps its type.
 * - `bsonRegExp: false`: regular expressions become JS `RegExp` (flags mongod accepts but
 *   JS lacks, such as `x` and `l`, are dropped by the bson package). A document holding a
 *   pattern JavaScript cannot parse (PCRE's inline flags `(?i)`, named groups `(?P<n>…)`)
 *   is decoded again with every regular expression as a bson `BSONRegExp`, which the
 *   engine reads wherever it reads a `RegExp`.
 *
 * Replies are serialised with `ignoreUndefined: true`, so a handler may leave an optional
 * reply field `undefined` instead of deleting it; mongod never sends BSON undefined.
 */
export const DESERIALIZE_OPTIONS: Readonly<DeserializeOptions> = Object.freeze({
  promoteValues: true,
  promoteLongs: false,
  promoteBuffers: false,
  useBigInt64: false,
  bsonRegExp: false,
});

/** How replies are serialised (see {@link DESERIALIZE_OPTIONS}). */
export const SERIALIZE_OPTIONS: Readonly<SerializeOptions> = Object.freeze({
  ignoreUndefined: true,
  checkKeys: false,
  serializeFunctions: false,
});

/**
 * Reads the BSON document starting at `offset` in `buffer` and returns it with its size.
 * @throws {@link WireProtocolError} when the document's length prefix runs past `end` or
 * the bytes are not valid BSON (code 22, InvalidBSON, as mongod answers).
 */
export function readDocument(
  buffer: Buffer,
  offset: number,
  end: number = buffer.length,
): { document: Document; size: number } {
  if (offset + 5 > end) {
    throw invalidBson(`a BSON document needs at least 5 bytes, ${end - offset} left`);
  }
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > end) {
    throw invalidBson(
      `BSON document length ${size} does not fit in the ${end - offset} bytes left`,
    );
  }
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw new WireProtocolError(
      `BSONObj size: ${size} is invalid. Size must be between 0 and ${MAX_BSON_OBJECT_SIZE}(16MB)`,
      10334,
      'BSONObjectTooLarge',
      false,
    );
  }
  const bytes = buffer.subarray(offset, offset + size);
  try {
    if (needsUnpromotedDecode(bytes)) {
      const unpromoted = deserialize(bytes, { ...DESERIALIZE_OPTIONS, promoteValues: false });
      return { document: promoteNumbers(unpromoted), size };
    }
    return { document: deserialize(bytes, DESERIALIZE_OPTIONS), size };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes('Invalid regular expression')) throw invalidBson(message);
  }
  try {
    return { document: deserialize(bytes, { ...DESERIALIZE_OPTIONS, bsonRegExp: true }), size };
  } catch (error) {
    throw invalidBson(error instanceof Error ? error.message : String(error));
  }
}

/** Serialises a reply document. */
export function writeDocument(document: Document): Buffer {
  const bytes = serialize(document, SERIALIZE_OPTIONS);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function invalidBson(detail: string): WireProtocolError {
  return new WireProtocolError(`invalid BSON: ${detail}`, 22, 'InvalidBSON', false);
}
