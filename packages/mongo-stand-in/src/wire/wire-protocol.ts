/**
 * Constants of MongoDB's wire protocol as a standalone `mongod` 7.0 uses them.
 * See https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/.
 */

/** Operation codes the stand-in recognises (everything else closes the connection). */
export const OpCode = {
  /** Legacy reply, only sent in answer to an {@link OpCode.query} handshake. */
  reply: 1,
  /** Legacy query: since MongoDB 5.1 only accepted for the `hello`/`isMaster` handshake. */
  query: 2004,
  /** Compressed message: never negotiated by the stand-in, answered with an error. */
  compressed: 2012,
  /** The message every modern command and reply uses. */
  msg: 2013,
} as const;

/** Size of the standard message header: messageLength, requestID, responseTo, opCode. */
export const HEADER_SIZE = 16;

/** Largest message mongod accepts or sends (`maxMessageSizeBytes` in `hello`). */
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;

/** Largest BSON document a client may send (`maxBsonObjectSize` in `hello`). */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/** OP_MSG flag bits. Bits 0-15 are "required": a receiver must reject unknown ones. */
export const OpMsgFlags = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const;

/** Bits 0-15 of OP_MSG's flagBits that this implementation understands. */
export const KNOWN_REQUIRED_OP_MSG_FLAGS = OpMsgFlags.checksumPresent | OpMsgFlags.moreToCome;

/** OP_MSG section kinds. */
export const SectionKind = {
  body: 0,
  documentSequence: 1,
} as const;
