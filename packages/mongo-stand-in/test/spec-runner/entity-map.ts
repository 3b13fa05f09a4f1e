import { MongoClient, type Collection, type Db, type MongoClientOptions } from 'mongodb';
import { toDriverEntityOptions } from './driver-options';
import type { EntityDescription } from './unified-test-file';
import { SpecRunnerError } from './spec-runner.error';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** What an entity id names. */
export type Entity =
  | { readonly kind: 'client'; readonly value: MongoClient }
  | { readonly kind: 'database'; readonly value: Db }
  | { readonly kind: 'collection'; readonly value: Collection }
  /** A result saved with `saveResultAsEntity`. */
  | { readonly kind: 'value'; readonly value: unknown };

/** Client options every entity client gets, so that a dead server fails a test quickly. */
const CLIENT_DEFAULTS: MongoClientOptions = { serverSelectionTimeoutMS: 10_000 };

/**
 * The entities of one test: the clients, databases and collections of `createEntities`,
 * plus saved results. Never shared between tests; {@link EntityMap.close} closes its clients.
 */
export class EntityMap {
  private readonly entities = new Map<string, Entity>();

  private constructor(private readonly uri: string) {}

  /**
   * Creates the entities in order. Client `observeEvents` and friends are accepted and
   * ignored (this runner does not check `expectEvents`); entity types other than client,
   * database and collection throw {@link UnsupportedFeatureError}.
   */
  static create(descriptions: readonly EntityDescription[], uri: string): EntityMap {
    const map = new EntityMap(uri);
    try {
      for (const description of descriptions) map.add(description);
    } catch (error) {
      void map.close();
      throw error;
    }
    return map;
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

  /** Saves an operation's result (`saveResultAsEntity`); a name in use is an error. */
  save(id: string, value: unknown): void {
    if (value === undefined)
      throw new SpecRunnerError(`saveResultAsEntity "${id}": the operation returned nothing`);
    this.put(id, { kind: 'value', value });
  }

  /** Closes every client of the map; reports no error (a test's outcome is already known). */
  async close(): Promise<void> {
    const clients = [...this.entities.values()].filter((entity) => entity.kind === 'client');
    this.entities.clear();
    await Promise.allSettled(clients.map((entity) => (entity.value as MongoClient).close(true)));
  }

  private add(description: EntityDescription): void {
    const [type, ...others] = Object.keys(description);
    if (type === undefined || others.length > 0) {
      throw new SpecRunnerError(
        `an entity has exactly one type key, got ${JSON.stringify(Object.keys(description))}`,
      );
    }
    if (description.client) {
      const { id, uriOptions, serverApi } = description.client;
      const options: MongoClientOptions = { ...CLIENT_DEFAULTS, ...uriOptions };
      if (serverApi) options.serverApi = serverApi as MongoClientOptions['serverApi'];
      this.put(id, { kind: 'client', value: new MongoClient(this.uri, options) });
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
    } else {
      throw new UnsupportedFeatureError(`needs ${type} entities`);
    }
  }

  private put(id: string, entity: Entity): void {
    if (this.entities.has(id)) throw new SpecRunnerError(`entity "${id}" already exists`);
    this.entities.set(id, entity);
  }
}
