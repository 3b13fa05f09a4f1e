import { Binary, Double, Int32, Long, ObjectId, deserialize, serialize, type Document } from 'bson';
import {
  OpCode,
  OpMsgFlags,
  WireProtocolError,
  decodeRequest,
  encodeOpMsgReply,
  encodeOpReply,
  readHeader,
} from '../../src/wire';

interface Sequence {
  identifier: string;
  documents: Document[];
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(requestId, 4);
  bytes.writeInt32LE(0, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

/** Builds an OP_MSG the way drivers do: the body, then kind-1 document sequences. */
function opMsg(
  body: Document,
  options: { flags?: number; sequences?: Sequence[]; checksum?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [];
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((options.flags ?? 0) | (options.checksum ? OpMsgFlags.checksumPresent : 0));
  parts.push(flags, Buffer.from([0]), Buffer.from(serialize(body)));
  for (const sequence of options.sequences ?? []) {
    const identifier = Buffer.from(`${sequence.identifier}\0`, 'utf8');
    const documents = sequence.documents.map((d) => Buffer.from(serialize(d)));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + identifier.length + documents.reduce((n, d) => n + d.length, 0));
    parts.push(Buffer.from([1]), size, identifier, ...documents);
  }
  if (options.checksum) parts.push(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  const payload = Buffer.concat(parts);
  return Buffer.concat([header(16 + payload.length, 42, OpCode.msg), payload]);
}

function opQuery(collection: string, query: Document): Buffer {
  const flags = Buffer.alloc(4);
  const name = Buffer.from(`${collection}\0`, 'utf8');
  const skipAndReturn = Buffer.alloc(8);
  skipAndReturn.writeInt32LE(-1, 4);
  const payload = Buffer.concat([flags, name, skipAndReturn, Buffer.from(serialize(query))]);
  return Buffer.concat([header(16 + payload.length, 7, OpCode.query), payload]);
}

function decodeError(message: Buffer): WireProtocolError {
  try {
    decodeRequest(message);
  } catch (error) {
    if (error instanceof WireProtocolError) return error;
    throw error;
  }
  throw new Error('expected a WireProtocolError');
}

describe('OP_MSG decoding', () => {
  it('merges kind-1 document sequences into the body under their identifier', () => {
    const request = decodeRequest(
      opMsg(
        { insert: 'jobs', ordered: true, $db: 'docket' },
        { sequences: [{ identifier: 'documents', documents: [{ _id: 1 }, { _id: 2 }] }] },
      ),
    );
    expect(request.kind).toBe('msg');
    if (request.kind !== 'msg') return;
    expect(request.header.requestId).toBe(42);
    expect(Object.keys(request.body)[0]).toBe('insert');
    expect(request.body.documents).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect(request.moreToCome).toBe(false);
  });

  it('ignores the checksum trailer and reads moreToCome and exhaustAllowed', () => {
    const request = decodeRequest(
      opMsg(
        { delete: 'jobs', $db: 'docket' },
        {
          checksum: true,
          flags: OpMsgFlags.moreToCome | OpMsgFlags.exhaustAllowed,
          sequences: [{ identifier: 'deletes', documents: [{ q: {}, limit: 0 }] }],
        },
      ),
    );
    if (request.kind !== 'msg') throw new Error('expected OP_MSG');
    expect(request.body.deletes).toEqual([{ q: {}, limit: 0 }]);
    expect(request.moreToCome).toBe(true);
    expect(request.exhaustAllowed).toBe(true);
  });

  it('rejects unknown required flag bits, a missing body, and a field given twice', () => {
    expect(decodeError(opMsg({ ping: 1, $db: 'a' }, { flags: 1 << 3 })).code).toBe(40430);
    const duplicate = opMsg(
      { insert: 'jobs', documents: [], $db: 'a' },
      { sequences: [{ identifier: 'documents', documents: [{}] }] },
    );
    expect(decodeError(duplicate).message).toContain("duplicate field 'documents'");
    const noBody = Buffer.concat([header(21, 1, OpCode.msg), Buffer.alloc(4), Buffer.from([1])]);
    expect(decodeError(noBody).fatal).toBe(false);
  });

  it('reports invalid BSON as InvalidBSON (code 22)', () => {
    const message = opMsg({ ping: 1, $db: 'admin' });
    message.writeInt32LE(1_000, 21); // the body claims more bytes than the message holds
    expect(decodeError(message)).toMatchObject({ code: 22, fatal: false });
  });

  it('refuses OP_COMPRESSED with a clear, non-fatal error and unknown opcodes as fatal', () => {
    const compressed = Buffer.concat([header(25, 1, OpCode.compressed), Buffer.alloc(9)]);
    compressed.writeInt32LE(OpCode.msg, 16);
    expect(decodeError(compressed)).toMatchObject({ fatal: false });
    expect(decodeError(compressed).message).toContain('compressors');
    expect(decodeError(header(16, 1, 2002)).fatal).toBe(true);
  });
});

describe('OP_QUERY decoding', () => {
  it('reads the namespace and unwraps $query', () => {
    const request = decodeRequest(
      opQuery('admin.$cmd', {
        $query: { isMaster: 1, helloOk: true },
        $readPreference: { mode: 'primary' },
      }),
    );
    expect(request).toMatchObject({
      kind: 'query',
      fullCollectionName: 'admin.$cmd',
      query: { isMaster: 1, helloOk: true },
    });
  });
});

describe('BSON deserialisation contract', () => {
  it('keeps int64 as Long, binary as Binary, and turns int32 and double into numbers', () => {
    const cursorId = Long.fromString('9223372036854775807');
    const request = decodeRequest(
      opMsg({
        getMore: cursorId,
        collection: 'jobs',
        small: Long.fromNumber(5),
        i: new Int32(3),
        d: new Double(2.5),
        bin: new Binary(Buffer.from([1, 2]), 4),
        oid: new ObjectId('0123456789abcdef01234567'),
        $db: 'docket',
      }),
    );
    if (request.kind !== 'msg') throw new Error('expected OP_MSG');
    const { body } = request;
    expect(Long.isLong(body.getMore)).toBe(true);
    expect((body.getMore as Long).equals(cursorId)).toBe(true);
    expect(Long.isLong(body.small)).toBe(true);
    expect(body.i).toBe(3);
    expect(body.d).toBe(2.5);
    expect(body.bin).toBeInstanceOf(Binary);
    expect((body.bin as Binary).sub_type).toBe(4);
    expect(body.oid).toBeInstanceOf(ObjectId);
  });
});

describe('reply encoding', () => {
  it('answers with OP_MSG kind 0, responseTo the request, and moreToCome only when streaming', () => {
    const reply = encodeOpMsgReply(
      { n: Long.fromNumber(3), ok: 1, skipped: undefined },
      { requestId: 9, responseTo: 42 },
    );
    expect(readHeader(reply)).toEqual({
      messageLength: reply.length,
      requestId: 9,
      responseTo: 42,
      opCode: OpCode.msg,
    });
    expect(reply.readUInt32LE(16)).toBe(0);
    expect(reply[20]).toBe(0);
    const body = deserialize(reply.subarray(21), { promoteLongs: false });
    expect(body).toEqual({ n: Long.fromNumber(3), ok: 1 });

    const streamed = encodeOpMsgReply({ ok: 1 }, { requestId: 10, responseTo: 9 }, true);
    expect(streamed.readUInt32LE(16)).toBe(OpMsgFlags.moreToCome);
  });

  it('answers the legacy handshake with an OP_REPLY holding one document', () => {
    const reply = encodeOpReply({ ismaster: true, ok: 1 }, { requestId: 1, responseTo: 7 });
    expect(readHeader(reply)).toMatchObject({ responseTo: 7, opCode: OpCode.reply });
    expect(reply.readInt32LE(32)).toBe(1); // numberReturned
    expect(deserialize(reply.subarray(36))).toEqual({ ismaster: true, ok: 1 });
  });
});
