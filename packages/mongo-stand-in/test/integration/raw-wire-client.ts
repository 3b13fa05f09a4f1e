import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { deserialize, serialize, type Document } from 'bson';
import { MessageFramer } from '../../src/wire';

/** Encodes an OP_MSG with one body section. */
export function opMsg(requestId: number, body: Document, flags = 0): Buffer {
  const document = Buffer.from(serialize(body));
  const message = Buffer.alloc(21 + document.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(2013, 12);
  message.writeUInt32LE(flags, 16);
  document.copy(message, 21);
  return message;
}

/**
 * A client speaking OP_MSG over a plain socket: commands without the `lsid` the driver always
 * adds, and clients that send without reading.
 */
export class RawWireClient {
  private readonly framer = new MessageFramer();
  private readonly waiting = new Map<number, (reply: Document) => void>();
  private lastRequestId = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const message of this.framer.push(chunk)) {
        const responseTo = message.readInt32LE(8);
        this.waiting.get(responseTo)?.(deserialize(message.subarray(21), { promoteLongs: false }));
        this.waiting.delete(responseTo);
      }
    });
  }

  static async connect(port: number): Promise<RawWireClient> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await once(socket, 'connect');
    return new RawWireClient(socket);
  }

  /** Sends one command and resolves with its reply. */
  command(body: Document): Promise<Document> {
    this.lastRequestId += 1;
    const requestId = this.lastRequestId;
    const reply = new Promise<Document>((resolve) => this.waiting.set(requestId, resolve));
    this.socket.write(opMsg(requestId, body));
    return reply;
  }

  /** Closes the socket and resolves once the close is complete. */
  async close(): Promise<void> {
    if (this.socket.closed) return;
    const closed = once(this.socket, 'close');
    this.socket.destroy();
    await closed;
  }
}
