import { connect, createServer, type Server, type Socket } from 'node:net';

/** A client connection and its connection to the server. */
interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A TCP proxy between workers and MongoDB that injects network faults on command: resets of
 * every open connection, stalls (nothing passes either way, connections stay open), and
 * refusals (the port is closed: new connections are refused, open ones reset).
 */
export class TcpFaultProxy {
  private readonly pairs = new Set<Pair>();
  private stalled = false;
  private server: Server;
  private listenPort = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = this.createListener();
  }

  /** Starts a proxy on a free loopback port in front of `host:port`. */
  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(target.host, target.port);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  /** A connection string to the server through this proxy (one server, directly). */
  get uri(): string {
    return `mongodb://127.0.0.1:${this.listenPort}/?directConnection=true`;
  }

  /** Resets every open connection (the peers see ECONNRESET); returns how many. */
  reset(): number {
    const count = this.pairs.size;
    for (const pair of [...this.pairs]) this.drop(pair);
    return count;
  }

  /** Lets nothing through, either way, for `ms`: requests and replies wait, connections stay. */
  async stall(ms: number): Promise<void> {
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.stalled = false;
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  /** Closes the port for `ms` (connecting is refused) and resets open connections. */
  async refuse(ms: number): Promise<void> {
    // close() stops accepting at once, and calls back once the open connections are gone.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.reset();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.server = this.createListener();
    await this.listen(this.listenPort);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.reset();
    await closed;
  }

  private createListener(): Server {
    return createServer((client) => this.accept(client));
  }

  private async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address !== null && typeof address === 'object') this.listenPort = address.port;
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    if (this.stalled) {
      client.pause();
      upstream.pause();
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => this.drop(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  }

  /** Resets the client side (ECONNRESET for the driver) and closes the server side. */
  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    try {
      if (!pair.client.destroyed) pair.client.resetAndDestroy();
    } catch {
      pair.client.destroy();
    }
    if (!pair.upstream.destroyed) pair.upstream.destroy();
  }
}
