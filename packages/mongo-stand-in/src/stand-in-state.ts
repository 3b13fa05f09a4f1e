import { Long, ObjectId, type Document } from 'bson';
import { FailPointRegistry } from './fail-points';
import { ReplicaSetMember } from './replica-set-member';

/** What the stand-in knows about one client connection. */
export interface ConnectionInfo {
  readonly id: number;
  /** `host:port` of the client, as `whatsmyuri` reports it. */
  readonly remote: string;
  readonly openedAt: Date;
  /** The `client` document of the connection's first `hello` (driver, os, application). */
  clientMetadata: Document | undefined;
}

/** mongod's `serverStatus.opcounters`, counted as mongod counts them. */
export interface Opcounters {
  /** Documents inserted (one per document of an `insert` command). */
  insert: number;
  /** `find` commands. */
  query: number;
  /** Update statements (one per entry of an `update` command). */
  update: number;
  /** Delete statements (one per entry of a `delete` command). */
  delete: number;
  /** `getMore` commands. */
  getmore: number;
  /** Every other command. */
  command: number;
}

/**
 * Process-level facts of one stand-in that the admin commands report: identity for
 * `topologyVersion`, uptime, connections and operation counters, fail points.
 */
export class StandInState {
  readonly startedAt = new Date();
  /** `topologyVersion.processId`: changes with every stand-in, as with every mongod start. */
  readonly processId = new ObjectId();
  /** `topologyVersion.counter`: a standalone's never changes; a member's with each step-down and election. */
  topologyCounter = Long.fromNumber(0);
  readonly connections = new Map<number, ConnectionInfo>();
  readonly opcounters: Opcounters = {
    insert: 0,
    query: 0,
    update: 0,
    delete: 0,
    getmore: 0,
    command: 0,
  };
  readonly failPoints = new FailPointRegistry();
  private connectionsCreated = 0;
  private listeningPort = 0;

  /** The replica set this stand-in is the primary of, in replica-set mode. */
  readonly replicaSet: ReplicaSetMember | undefined;

  constructor(
    readonly host: string,
    replicaSetName?: string,
  ) {
    this.replicaSet =
      replicaSetName === undefined
        ? undefined
        : new ReplicaSetMember(replicaSetName, () => `${this.host}:${this.port}`);
    this.replicaSet?.onStateChange(() => {
      this.topologyCounter = this.topologyCounter.add(1);
    });
  }

  /** The port the stand-in listens on (0 until it listens). */
  get port(): number {
    return this.listeningPort;
  }

  set port(port: number) {
    this.listeningPort = port;
  }

  /** Connections accepted since start, open or not. */
  get totalConnectionsCreated(): number {
    return this.connectionsCreated;
  }

  /** Records a new connection and gives it the next connection id (from 1, like mongod). */
  openConnection(remote: string): ConnectionInfo {
    this.connectionsCreated += 1;
    const info: ConnectionInfo = {
      id: this.connectionsCreated,
      remote,
      openedAt: new Date(),
      clientMetadata: undefined,
    };
    this.connections.set(info.id, info);
    return info;
  }

  closeConnection(id: number): void {
    this.connections.delete(id);
  }

  /** The `topologyVersion` document of `hello` replies. */
  topologyVersion(): Document {
    return { processId: this.processId, counter: this.topologyCounter };
  }

  /** Counts one command the way mongod's opcounters do. */
  countOperation(commandName: string, command: Document): void {
    const counters = this.opcounters;
    switch (commandName) {
      case 'insert':
        counters.insert += Array.isArray(command.documents) ? command.documents.length : 0;
        break;
      case 'update':
        counters.update += Array.isArray(command.updates) ? command.updates.length : 0;
        break;
      case 'delete':
        counters.delete += Array.isArray(command.deletes) ? command.deletes.length : 0;
        break;
      case 'find':
        counters.query += 1;
        break;
      case 'getMore':
        counters.getmore += 1;
        break;
      default:
        counters.command += 1;
    }
  }
}
