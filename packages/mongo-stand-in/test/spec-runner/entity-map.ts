import type { Document } from 'bson';
import { ChangeStream, Collection, Db, MongoClient, type ClientSession } from 'mongodb';
import { ClientEventLog } from './client-event-log';
import { setSnapshotTime } from './driver-internals';
import { toClientOptions } from './client-options';
import { toDriverEntityOptions } from './driver-options';
import { SpecRunnerError } from './spec-runner.error';
import { storeEvents } from './stored-events';
import type { Topology } from './target-server';
import { toSessionOptions } from './session-options';
import type {
  ClientEntityDescription,
  EntityDescription,
  SessionEntityDescription,
} from './unified-test-file';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** What an entity id names. */
export type Entity =
  | { readonly kind: 'client'; readonly value: MongoClient }
  | { readonly kind: 'database'; readonly value: Db }
  | { readonly kind: 'collection'; readonly value: Collection }
  | { readonly kind: 'session'; readonly value: ClientSession; readonly session: SessionEntity }
  /** Created by `createChangeStream` and saved with `saveResultAsEntity`. */
  | { readonly kind: 'changeStream'; readonly value: ChangeStream }
  /** A result saved with `saveResultAsEntity`, or an event list (`storeEventsAsEntities`). */
  | { readonly kind: 'value'; readonly value: unknown };

/** What the runner keeps of a session entity besides the driver's session. */
export interface SessionEntity {
  /** The id of the client entity it was started from. */
  readonly client: string;
  /**
   * Its logical session id (`{ id: <UUID> }`), read when the session is created: the
   * format's `$$sessionLsid` still names it after `endSession`.
   */
  readonly lsid: Document;
}

/** Where the entity clients connect, and what is there. */
export interface EntityTarget {
  readonly uri: string;
  readonly topology: Topology;
}

/**
 * The entities of one test: the clients, databases, collections and sessions of
 * `createEntities`, plus saved results (change streams among them). Never shared between
 * tests; {@link EntityMap.close} ends its sessions, closes its change streams and clients.
 */
export class EntityMap {
  private readonly entities = new Map<string, Entity>();
  private readonly eventLogs = new Map<string, ClientEventLog>();
  /** Stops the listeners of `storeEventsAsEntities`. */
  private readonly eventStores: (() => void)[] = [];

  private constructor(private readonly target: EntityTarget) {}

  /**
   * Creates the entities in order, each client with the event log its `observeEvents`
   * asks for. Entity types other than client, database, collection and session throw
   * {@link UnsupportedFeatureError}.
   */
  static create(descriptions: readonly EntityDescription[], target: EntityTarget): EntityMap {
    const map = new EntityMap(target);
    try {
      map.addAll(descriptions);
    } catch (error) {
      void map.close();
      throw error;
    }
    return map;
  }

  /** Creates more entities (the `createEntities` operation); names must be new. */
  addAll(descriptions: readonly EntityDescription[]): void {
    for (const description of descriptions) this.add(description);
  }

  /** The entity named `id`, or `undefined`. */
  find(id: string): Entity | undefined {
    return this.entities.get(id);
  }

  /** The value of the entity named `id` (for `$$matchesEntity`), or `undefined`. */
  value(id: string): unknown {
    return this.entities.get(id)?.value;
  }

  client(id: string): MongoClient {
    const entity = this.entities.get(id);
    if (entity?.kind !== 'client') throw new SpecRunnerError(`no client entity named "${id}"`);
    return entity.value;
  }

  /** The driver session of session entity `id`; throws when `id` names none. */
  session(id: string): ClientSession {
    return this.sessionEntity(id).value;
  }

  /** The session entity named `id`, with what the runner keeps of it. */
  sessionEntity(id: string): Extract<Entity, { kind: 'session' }> {
    const entity = this.entities.get(id);
    if (entity?.kind !== 'session') throw new SpecRunnerError(`no session entity named "${id}"`);
    return entity;
  }

  /** The logical session id of session entity `id` (`$$sessionLsid`). */
  sessionLsid(id: string): Document {
    return this.sessionEntity(id).session.lsid;
  }

  /** The events client `id` observed (an empty log when it observes none). */
  eventLog(id: string): ClientEventLog {
    this.client(id);
    const log = this.eventLogs.get(id);
    if (!log) throw new SpecRunnerError(`client "${id}" has no event log`);
    return log;
  }

  /**
   * Saves an operation's result (`saveResultAsEntity`) as the entity it is: a change
   * stream, a collection (`createCollection`), a database, or a plain value. A name in use
   * is an error.
   */
  save(id: string, value: unknown): void {
    if (value === undefined)
      throw new SpecRunnerError(`saveResultAsEntity "${id}": the operation returned nothing`);
    if (value instanceof ChangeStream) this.put(id, { kind: 'changeStream', value });
    else if (value instanceof Collection) this.put(id, { kind: 'collection', value });
    else if (value instanceof Db) this.put(id, { kind: 'database', value });
    else this.put(id, { kind: 'value', value });
  }

  /**
   * Stops every client's event listeners, so that what the runner does after the
   * operations (disabling fail points, ending sessions) is not observed. Idempotent.
   */
  stopObserving(): void {
    for (const log of this.eventLogs.values()) log.stop();
    for (const stop of this.eventStores.splice(0)) stop();
  }

  /**
   * Ends every session (aborting its transaction, if any), closes every change stream,
   * then every client, as the format requires at the end of a test. Reports no error: the
   * test's outcome is already known.
   */
  async close(): Promise<void> {
    this.stopObserving();
    const entities = [...this.entities.values()];
    this.entities.clear();
    const sessions = entities.flatMap((entity) =>
      entity.kind === 'session' ? [entity.value] : [],
    );
    await Promise.allSettled(sessions.map((session) => session.endSession()));
    const streams = entities.flatMap((entity) =>
      entity.kind === 'changeStream' ? [entity.value] : [],
    );
    await Promise.allSettled(streams.map((stream) => stream.close()));
    const clients = entities.flatMap((entity) => (entity.kind === 'client' ? [entity.value] : []));
    await Promise.allSettled(clients.map((client) => client.close(true)));
  }

  private add(description: EntityDescription): void {
    const [type, ...others] = Object.keys(description);
    if (type === undefined || others.length > 0) {
      throw new SpecRunnerError(
        `an entity has exactly one type key, got ${JSON.stringify(Object.keys(description))}`,
      );
    }
    if (description.client) {
      this.addClient(description.client);
    } else if (description.database) {
      const { id, client, databaseName, databaseOptions } = description.database;
      const db = this.client(client).db(databaseName, toDriverEntityOptions(databaseOptions));
      this.put(id, { kind: 'database', value: db });
    } else if (description.collection) {
      const { id, database, collectionName, collectionOptions } = description.collection;
      const entity = this.entities.get(database);
      if (entity?.kind !== 'database')
        throw new SpecRunnerError(`no database entity named "${database}"`);
      const collection = entity.value.collection(
        collectionName,
        toDriverEntityOptions(collectionOptions),
      );
      this.put(id, { kind: 'collection', value: collection });
    } else if (description.session) {
      this.addSession(description.session);
    } else {
      throw new UnsupportedFeatureError(`needs ${type} entities`);
    }
  }

  private addClient(description: ClientEntityDescription): void {
    const client = new MongoClient(this.target.uri, toClientOptions(description, this.target));
    this.put(description.id, { kind: 'client', value: client });
    // Listeners go on before any operation can run, so no event is missed.
    this.eventLogs.set(description.id, new ClientEventLog(client, description));
    for (const entity of description.storeEventsAsEntities ?? []) {
      this.eventStores.push(
        storeEvents(client, entity, (id, list) => this.put(id, { kind: 'value', value: list })),
      );
    }
  }

  private addSession({ id, client, sessionOptions }: SessionEntityDescription): void {
    const session = this.client(client).startSession(toSessionOptions(sessionOptions, id));
    const savedTime: unknown = sessionOptions?.snapshotTime;
    if (savedTime !== undefined) {
      if (typeof savedTime !== 'string') {
        throw new SpecRunnerError(`session "${id}": snapshotTime must name an entity`);
      }
      setSnapshotTime(session, this.value(savedTime));
    }
    // An explicit session has its server session, and so its lsid, from the start.
    const lsid = session.id;
    if (!lsid) throw new SpecRunnerError(`session "${id}" has no logical session id`);
    this.put(id, { kind: 'session', value: session, session: { client, lsid } });
  }

  private put(id: string, entity: Entity): void {
    if (this.entities.has(id)) throw new SpecRunnerError(`entity "${id}" already exists`);
    this.entities.set(id, entity);
  }
}
