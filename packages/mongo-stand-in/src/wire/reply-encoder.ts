import type { Document } from 'bson';
import { writeDocument } from './bson-codec';
import { HEADER_SIZE, OpCode, OpMsgFlags, SectionKind } from './wire-protocol';

/** Identifies a reply on the wire. */
export interface ReplyAddress {
  /** This reply's own request id (unique per server). */
  readonly requestId: number;
  /** The request id of the message answered (for an exhaust stream: of the previous reply). */
  readonly responseTo: number;
}

/**
 * Encodes an OP_MSG reply with a single kind-0 section. `moreToCome` tells the client that
 * more replies follow without a new request (the exhaust stream of an awaitable `hello`).
 * No checksum is ever sent.
 */
export function encodeOpMsgReply(
  body: Document,
  address: ReplyAddress,
  moreToCome = false,
): Buffer {
  const document = writeDocument(body);
  const prefix = Buffer.alloc(HEADER_SIZE + 5);
  const length = prefix.length + document.length;
  writeHeader(prefix, length, address, OpCode.msg);
  prefix.writeUInt32LE(moreToCome ? OpMsgFlags.moreToCome : 0, HEADER_SIZE);
  prefix.writeUInt8(SectionKind.body, HEADER_SIZE + 4);
  return Buffer.concat([prefix, document], length);
}

/** Encodes a legacy OP_REPLY holding one document (the answer to an OP_QUERY handshake). */
export function encodeOpReply(document: Document, address: ReplyAddress): Buffer {
  const bytes = writeDocument(document);
  // responseFlags (int32), cursorID (int64), startingFrom (int32), numberReturned (int32)
  const prefix = Buffer.alloc(HEADER_SIZE + 20);
  const length = prefix.length + bytes.length;
  writeHeader(prefix, length, address, OpCode.reply);
  prefix.writeInt32LE(0, HEADER_SIZE);
  prefix.writeBigInt64LE(0n, HEADER_SIZE + 4);
  prefix.writeInt32LE(0, HEADER_SIZE + 12);
  prefix.writeInt32LE(1, HEADER_SIZE + 16);
  return Buffer.concat([prefix, bytes], length);
}

function writeHeader(target: Buffer, length: number, address: ReplyAddress, opCode: number): void {
  target.writeInt32LE(length, 0);
  target.writeInt32LE(address.requestId, 4);
  target.writeInt32LE(address.responseTo, 8);
  target.writeInt32LE(opCode, 12);
}
