import { HEADER_SIZE, MAX_MESSAGE_SIZE_BYTES } from './wire-protocol';
import { WireProtocolError } from './wire-protocol.error';

/**
 * Cuts a TCP byte stream into whole wire messages. TCP gives no message boundaries: one
 * `data` event may hold part of a message, or several messages, or the end of one and the
 * start of the next. The framer buffers until the length prefix (the first int32 of the
 * header) is satisfied and hands out each complete message, header included, in order.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the message being assembled, once its 4-byte prefix has arrived. */
  private expected: number | undefined;

  constructor(private readonly maxMessageSize: number = MAX_MESSAGE_SIZE_BYTES) {}

  /** Bytes received but not yet returned as part of a whole message. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Adds received bytes and returns every message they complete (possibly none).
   * @throws {@link WireProtocolError} (fatal) when a length prefix is below the header
   * size or above the maximum message size; the stream cannot be resynchronised after that.
   */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const messages: Buffer[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        this.expected = this.readLengthPrefix();
      }
      if (this.buffered < this.expected) break;
      messages.push(this.take(this.expected));
      this.expected = undefined;
    }
    return messages;
  }

  private readLengthPrefix(): number {
    const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.coalesce();
    const length = head.readInt32LE(0);
    if (length < HEADER_SIZE || length > this.maxMessageSize) {
      throw new WireProtocolError(
        `message length ${length} is invalid: min ${HEADER_SIZE}, max ${this.maxMessageSize}`,
        10334,
        'BSONObjectTooLarge',
        true,
      );
    }
    return length;
  }

  /** Removes and returns the first `size` buffered bytes. */
  private take(size: number): Buffer {
    const first = this.chunks[0].length >= size ? this.chunks[0] : this.coalesce();
    const message = first.subarray(0, size);
    const rest = first.subarray(size);
    this.chunks[0] = rest;
    if (rest.length === 0) this.chunks.shift();
    this.buffered -= size;
    return message;
  }

  /** Joins every buffered chunk into one (only when a header or message spans chunks). */
  private coalesce(): Buffer {
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }
}
