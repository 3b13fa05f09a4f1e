import type { Document } from 'bson';
import { readDocument } from './bson-codec';
import {
  HEADER_SIZE,
  KNOWN_REQUIRED_OP_MSG_FLAGS,
  OpCode,
  OpMsgFlags,
  SectionKind,
} from './wire-protocol';
import { WireProtocolError } from './wire-protocol.error';

/** The standard header every wire message starts with. */
export interface MessageHeader {
  readonly messageLength: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

/** A decoded OP_MSG: the body with any document sequences merged into it. */
export interface OpMsgRequest {
  readonly kind: 'msg';
  readonly header: MessageHeader;
  /** The command: its first key names it; kind-1 sequences appear as `body[identifier]`. */
  readonly body: Document;
  /** The client expects no reply (an unacknowledged write). */
  readonly moreToCome: boolean;
  /** The client accepts a stream of replies (used by the awaitable `hello` of monitors). */
  readonly exhaustAllowed: boolean;
}

/** A decoded legacy OP_QUERY, which drivers still use for the connection handshake. */
export interface OpQueryRequest {
  readonly kind: 'query';
  readonly header: MessageHeader;
  /** `<db>.<collection>`; commands go to `<db>.$cmd`. */
  readonly fullCollectionName: string;
  /** The query with any `$query` wrapper removed (for `$cmd`: the command itself). */
  readonly query: Document;
}

/** A request the stand-in can execute. */
export type WireRequest = OpMsgRequest | OpQueryRequest;

/** Reads the 16-byte header of a framed message (the framer guarantees its length). */
export function readHeader(message: Buffer): MessageHeader {
  return {
    messageLength: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

/**
 * Decodes one whole message (as cut by the framer).
 * @throws {@link WireProtocolError}: fatal for an opcode that cannot be answered, otherwise
 * to be answered with `ok: 0`.
 */
export function decodeRequest(
  message: Buffer,
  header: MessageHeader = readHeader(message),
): WireRequest {
  switch (header.opCode) {
    case OpCode.msg:
      return decodeOpMsg(message, header);
    case OpCode.query:
      return decodeOpQuery(message, header);
    case OpCode.compressed: {
      const original =
        message.length >= HEADER_SIZE + 4 ? message.readInt32LE(HEADER_SIZE) : 'unknown';
      // The stand-in never offers `compression` in its hello reply, so a driver only
      // compresses when misconfigured; say so instead of failing obscurely.
      throw new WireProtocolError(
        `OP_COMPRESSED (original opcode ${original}) is not supported by the Docket stand-in: ` +
          'it advertises no compressors, remove the `compressors` option',
        2,
        'BadValue',
        false,
      );
    }
    default:
      throw new WireProtocolError(
        `unsupported opcode ${header.opCode}: the Docket stand-in speaks OP_MSG (and OP_QUERY for the handshake)`,
        5739101,
        'Location5739101',
        true,
      );
  }
}

function decodeOpMsg(message: Buffer, header: MessageHeader): OpMsgRequest {
  if (message.length < HEADER_SIZE + 5) {
    throw new WireProtocolError(
      'OP_MSG is too short to hold flags and a section',
      40429,
      'Location40429',
      false,
    );
  }
  const flags = message.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flags & 0xffff & ~KNOWN_REQUIRED_OP_MSG_FLAGS;
  if (unknownRequired !== 0) {
    throw new WireProtocolError(
      `OP_MSG contains unknown required flag bits 0x${unknownRequired.toString(16)}`,
      40430,
      'Location40430',
      false,
    );
  }
  // The CRC-32C trailer is not verified: TCP on loopback already checks integrity.
  const end = message.length - (flags & OpMsgFlags.checksumPresent ? 4 : 0);
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  let offset = HEADER_SIZE + 4;
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === SectionKind.body) {
      if (body !== undefined) {
        throw new WireProtocolError(
          'OP_MSG has more than one body section',
          40430,
          'Location40430',
          false,
        );
      }
      const read = readDocument(message, offset, end);
      body = read.document;
      offset += read.size;
    } else if (kind === SectionKind.documentSequence) {
      const read = readDocumentSequence(message, offset, end);
      sequences.push([read.identifier, read.documents]);
      offset += read.size;
    } else {
      throw new WireProtocolError(
        `OP_MSG has an unknown section kind ${kind}`,
        40432,
        'Location40432',
        false,
      );
    }
  }
  if (body === undefined) {
    throw new WireProtocolError('OP_MSG has no body section', 40587, 'Location40587', false);
  }
  for (const [identifier, documents] of sequences) {
    if (Object.prototype.hasOwnProperty.call(body, identifier)) {
      throw new WireProtocolError(
        `duplicate field '${identifier}': it is both in the OP_MSG body and a document sequence`,
        40433,
        'Location40433',
        false,
      );
    }
    body[identifier] = documents;
  }
  return {
    kind: 'msg',
    header,
    body,
    moreToCome: (flags & OpMsgFlags.moreToCome) !== 0,
    exhaustAllowed: (flags & OpMsgFlags.exhaustAllowed) !== 0,
  };
}

function readDocumentSequence(
  message: Buffer,
  offset: number,
  end: number,
): { identifier: string; documents: Document[]; size: number } {
  if (offset + 4 > end) {
    throw new WireProtocolError(
      'OP_MSG document sequence is truncated',
      40431,
      'Location40431',
      false,
    );
  }
  const size = message.readInt32LE(offset);
  const sequenceEnd = offset + size;
  if (size < 5 || sequenceEnd > end) {
    throw new WireProtocolError(
      `OP_MSG document sequence length ${size} does not fit in the message`,
      40431,
      'Location40431',
      false,
    );
  }
  const { value: identifier, next } = readCString(message, offset + 4, sequenceEnd);
  const documents: Document[] = [];
  let position = next;
  while (position < sequenceEnd) {
    const read = readDocument(message, position, sequenceEnd);
    documents.push(read.document);
    position += read.size;
  }
  return { identifier, documents, size };
}

function decodeOpQuery(message: Buffer, header: MessageHeader): OpQueryRequest {
  // flags (int32), fullCollectionName (cstring), numberToSkip, numberToReturn, query,
  // [returnFieldsSelector]: only the name and the query matter for a command.
  const { value: fullCollectionName, next } = readCString(message, HEADER_SIZE + 4, message.length);
  const { document } = readDocument(message, next + 8, message.length);
  const wrapped = document.$query ?? document.query;
  const query =
    wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped)
      ? (wrapped as Document)
      : document;
  return { kind: 'query', header, fullCollectionName, query };
}

function readCString(buffer: Buffer, offset: number, end: number): { value: string; next: number } {
  const terminator = buffer.indexOf(0, offset);
  if (terminator < 0 || terminator >= end) {
    throw new WireProtocolError('unterminated string in wire message', 22, 'InvalidBSON', false);
  }
  return { value: buffer.toString('utf8', offset, terminator), next: terminator + 1 };
}
