import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { CommandHandler } from './command-types';
import { CommandRouter } from './command-router';
import { createAdminCommands } from './commands/admin-commands';
import type { CursorRegistry } from './engine/cursor-registry';
import type { StandInStore } from './engine/stand-in-store';
import { StandInConnection } from './stand-in-connection';
import type { ResolvedStandInOptions } from './stand-in-options';
import { StandInState } from './stand-in-state';

/** What the wire server serves: the storage engine and its data commands. */
export interface StandInBackend {
  readonly store: StandInStore;
  /** Commands that read or write data; merged with the server's admin commands. */
  readonly dataCommands: Readonly<Record<string, CommandHandler>>;
}

/** The part of the store the TTL monitor needs, when the store has it. */
interface TtlCapableStore {
  expireTtl(now: Date): unknown;
}

/** How often idle cursors are looked for at most (mongod's clientCursorMonitorFrequencySecs). */
const MAX_CURSOR_REAP_INTERVAL_MS = 4_000;

/**
 * The stand-in's TCP server: accepts connections on the loopback interface, gives each a
 * connection id and a {@link StandInConnection}, and runs the TTL monitor. Commands are
 * synchronous and Node is single-threaded, so each command, once decoded, runs to its
 * reply without any other command or TTL pass interleaving.
 */
export class StandInWireServer {
  private readonly state: StandInState;
  private readonly router: CommandRouter;
  private readonly server: Server;
  private readonly connections = new Set<StandInConnection>();
  private ttlTimer: NodeJS.Timeout | undefined;
  private cursorReaper: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private lastRequestId = 0;

  constructor(
    private readonly options: ResolvedStandInOptions,
    private readonly backend: StandInBackend,
  ) {
    this.state = new StandInState(options.host, options.replicaSet);
    // A replica set keeps an oplog: the store records its changes at the member's times.
    const member = this.state.replicaSet;
    if (member) (backend.store as Partial<StandInStore>).recordChanges?.(member.clock);
    const cursors = (backend.store as Partial<StandInStore>).cursors;
    if (cursors) cursors.checkoutFailure = () => this.state.failPoints.matchCursorCheckout();
    this.router = new CommandRouter(
      [createAdminCommands(this.state), backend.dataCommands],
      this.state,
    );
    this.server = createServer((socket) => this.accept(socket));
    // As mongod ≥ 4.2, a member that steps down or becomes primary again keeps its clients'
    // connections (and their cursors) open: it answers the awaitable `hello`s of their
    // monitors at once instead, so that drivers learn the new state without waiting for
    // their next heartbeat. (Once the command that changed the state has answered.)
    this.state.replicaSet?.onStateChange((primary) => {
      // A primary that steps down aborts the transactions in progress; their next command
      // (a commit included) fails with 251 NoSuchTransaction, a TransientTransactionError.
      if (!primary) (backend.store as Partial<StandInStore>).transactions?.abortAll();
      setImmediate(() => {
        for (const connection of [...this.connections]) connection.topologyChanged();
      });
    });
  }

  private closeConnections(): void {
    for (const connection of [...this.connections]) connection.destroy();
  }

  /** The port listened on (0 before {@link start} resolves). */
  get port(): number {
    return this.state.port;
  }

  /**
   * Connection string for the official driver: the replica set by name in replica-set mode,
   * else this one server directly.
   */
  get uri(): string {
    const name = this.options.replicaSet;
    const query =
      name === undefined ? 'directConnection=true' : `replicaSet=${encodeURIComponent(name)}`;
    return `mongodb://${this.options.host}:${this.port}/?${query}`;
  }

  /** Connections currently open. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes held for clients: requests queued behind a wait and replies not yet read. */
  get backlogBytes(): number {
    let bytes = 0;
    for (const connection of this.connections) bytes += connection.backlogBytes;
    return bytes;
  }

  /** Connections that stopped reading until their clients catch up (back-pressure). */
  get pausedConnectionCount(): number {
    let paused = 0;
    for (const connection of this.connections) if (connection.readingPaused) paused += 1;
    return paused;
  }

  /**
   * Starts listening. Idempotent: later calls return the same promise.
   * @throws the listen error (for example EADDRINUSE), or Error when already stopped.
   */
  start(): Promise<void> {
    this.starting ??= this.listen();
    return this.starting;
  }

  /**
   * Stops listening, closes every open connection and the TTL monitor. Idempotent and
   * memoised; waits for an in-flight {@link start} first.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async listen(): Promise<void> {
    if (this.stopping) throw new Error('the stand-in was stopped before it started');
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.state.port = (this.server.address() as AddressInfo).port;
    this.startTtlMonitor();
    this.startCursorReaper();
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.ttlTimer !== undefined) clearInterval(this.ttlTimer);
    this.ttlTimer = undefined;
    if (this.cursorReaper !== undefined) clearInterval(this.cursorReaper);
    this.cursorReaper = undefined;
    this.state.replicaSet?.dispose();
    const closed = new Promise<void>((resolve) => {
      // Resolves once every connection is gone; an error only means it never listened.
      this.server.close(() => resolve());
    });
    this.closeConnections();
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const info = this.state.openConnection(`${socket.remoteAddress}:${socket.remotePort}`);
    const connection = new StandInConnection(
      socket,
      info,
      {
        router: this.router,
        state: this.state,
        store: this.backend.store,
        nextRequestId: () => this.nextRequestId(),
      },
      (closed) => {
        this.connections.delete(closed);
        this.state.closeConnection(closed.id);
        // Nothing else can reach the cursors it opened outside any session.
        this.cursorRegistry()?.killForConnection(closed.id);
      },
    );
    this.connections.add(connection);
  }

  private nextRequestId(): number {
    this.lastRequestId = this.lastRequestId >= 0x7fffffff ? 1 : this.lastRequestId + 1;
    return this.lastRequestId;
  }

  /** The store's cursors; a backend without any (a test's fake engine) has none to close. */
  private cursorRegistry(): CursorRegistry | undefined {
    return (this.backend.store as Partial<StandInStore>).cursors;
  }

  /**
   * Closes idle cursors and the cursors of timed-out sessions periodically, and forgets the
   * timed-out sessions, as mongod does.
   */
  private startCursorReaper(): void {
    const cursors = this.cursorRegistry();
    if (cursors === undefined) return;
    const sessions = (this.backend.store as Partial<StandInStore>).sessions;
    const { cursorTimeoutMs, sessionTimeoutMs } = this.options;
    const interval = Math.min(MAX_CURSOR_REAP_INTERVAL_MS, cursorTimeoutMs, sessionTimeoutMs);
    this.cursorReaper = setInterval(() => {
      cursors.reap(this.options);
      sessions?.expire(sessionTimeoutMs);
    }, interval);
    this.cursorReaper.unref();
  }

  /** Deletes expired documents periodically, as mongod's TTL monitor does (never exactly on time). */
  private startTtlMonitor(): void {
    const store = this.backend.store as unknown as Partial<TtlCapableStore>;
    const expireTtl = store.expireTtl;
    if (typeof expireTtl !== 'function') return;
    let reported = false;
    this.ttlTimer = setInterval(() => {
      try {
        expireTtl.call(store, new Date());
      } catch (error) {
        if (!reported) {
          reported = true;
          process.stderr.write(
            `docket stand-in: the TTL monitor failed (reported once): ${String(error)}\n`,
          );
        }
      }
    }, this.options.ttlMonitorIntervalMs);
    this.ttlTimer.unref();
  }
}
