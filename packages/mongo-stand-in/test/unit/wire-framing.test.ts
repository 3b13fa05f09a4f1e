import { serialize, type Document } from 'bson';
import { MessageFramer, WireProtocolError, readHeader } from '../../src/wire';

/** An OP_MSG with one body section, as a driver would send it. */
function opMsg(requestId: number, body: Document): Buffer {
  const document = Buffer.from(serialize(body));
  const message = Buffer.alloc(21 + document.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(0, 8);
  message.writeInt32LE(2013, 12);
  message.writeUInt32LE(0, 16);
  message.writeUInt8(0, 20);
  document.copy(message, 21);
  return message;
}

describe('MessageFramer', () => {
  const ping = opMsg(1, { ping: 1, $db: 'admin' });
  const find = opMsg(2, { find: 'jobs', filter: { state: 'waiting' }, $db: 'docket' });

  it('returns a message split across many chunks only once it is complete', () => {
    const framer = new MessageFramer();
    const received: Buffer[] = [];
    // Byte by byte, so the length prefix itself is split too.
    for (let i = 0; i < ping.length; i += 1) {
      received.push(...framer.push(ping.subarray(i, i + 1)));
      if (i < ping.length - 1) expect(received).toHaveLength(0);
    }
    expect(received).toHaveLength(1);
    expect(received[0].equals(ping)).toBe(true);
    expect(framer.pendingBytes).toBe(0);
  });

  it('returns every message of a chunk that holds several, in order', () => {
    const framer = new MessageFramer();
    const messages = framer.push(Buffer.concat([ping, find]));
    expect(messages.map((m) => readHeader(m).requestId)).toEqual([1, 2]);
    expect(messages[1].equals(find)).toBe(true);
  });

  it('keeps the start of the next message when a chunk ends in the middle of it', () => {
    const framer = new MessageFramer();
    const both = Buffer.concat([ping, find]);
    const cut = ping.length + 7;
    expect(framer.push(both.subarray(0, cut)).map((m) => readHeader(m).requestId)).toEqual([1]);
    expect(framer.pendingBytes).toBe(7);
    const rest = framer.push(both.subarray(cut));
    expect(rest).toHaveLength(1);
    expect(rest[0].equals(find)).toBe(true);
  });

  it('handles a length prefix split across two chunks', () => {
    const framer = new MessageFramer();
    expect(framer.push(find.subarray(0, 2))).toEqual([]);
    expect(framer.push(find.subarray(2, 3))).toEqual([]);
    const messages = framer.push(find.subarray(3));
    expect(messages).toHaveLength(1);
    expect(messages[0].equals(find)).toBe(true);
  });

  it('rejects, as fatal, a length below the header size or above maxMessageSizeBytes', () => {
    const tooSmall = Buffer.alloc(16);
    tooSmall.writeInt32LE(15, 0);
    expect(() => new MessageFramer().push(tooSmall)).toThrow(WireProtocolError);

    const tooLarge = Buffer.alloc(4);
    tooLarge.writeInt32LE(48_000_001, 0);
    let caught: unknown;
    try {
      new MessageFramer().push(tooLarge);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WireProtocolError);
    expect((caught as WireProtocolError).fatal).toBe(true);
    expect((caught as WireProtocolError).message).toContain('48000000');
  });

  it('accepts a message of exactly maxMessageSizeBytes', () => {
    const framer = new MessageFramer(64);
    const header = Buffer.alloc(64);
    header.writeInt32LE(64, 0);
    expect(framer.push(header)).toHaveLength(1);
  });
});
