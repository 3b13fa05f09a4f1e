import { Binary } from 'bson';
import type { Collection } from 'mongodb';
import { EntityMap } from '../../spec-runner/entity-map';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';
import { UnsupportedFeatureError } from '../../spec-runner/unsupported-feature.error';

// Clients are created but never connect: nothing here sends a command.
const target = {
  uri: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100',
  topology: 'single',
} as const;

const entities = [
  { client: { id: 'client0', observeEvents: ['commandStartedEvent'] } },
  { database: { id: 'database0', client: 'client0', databaseName: 'db' } },
  { collection: { id: 'collection0', database: 'database0', collectionName: 'coll' } },
  { session: { id: 'session0', client: 'client0', sessionOptions: { causalConsistency: false } } },
];

function collectionOf(map: EntityMap): Collection {
  const entity = map.find('collection0');
  if (entity?.kind !== 'collection') throw new Error('no collection0');
  return entity.value;
}

describe('EntityMap', () => {
  let map: EntityMap | undefined;
  afterEach(async () => {
    await map?.close();
    map = undefined;
  });

  it('creates sessions with their lsid and client, and finds them by name', () => {
    map = EntityMap.create(entities, target);
    const session = map.session('session0');
    expect(session.supports.causalConsistency).toBe(false);
    const lsid = map.sessionLsid('session0');
    expect(lsid.id).toBeInstanceOf(Binary);
    expect(map.sessionEntity('session0').session.client).toBe('client0');
    expect(() => map?.session('client0')).toThrow(/no session entity named "client0"/);
    expect(map.eventLog('client0').observed('command')).toEqual([]);
  });

  it('saves change streams, collections and values as the entities they are', async () => {
    map = EntityMap.create(entities, target);
    const collection = collectionOf(map);
    map.save('stream', collection.watch([]));
    map.save('copy', collection);
    map.save('number', 3);
    expect(map.find('stream')?.kind).toBe('changeStream');
    expect(map.find('copy')?.kind).toBe('collection');
    expect(map.find('number')).toEqual({ kind: 'value', value: 3 });
    expect(() => map?.save('number', 4)).toThrow(/entity "number" already exists/);
    expect(() => map?.save('nothing', undefined)).toThrow(SpecRunnerError);
  });

  it('ends its sessions and closes its change streams on close', async () => {
    map = EntityMap.create(entities, target);
    const session = map.session('session0');
    const collection = collectionOf(map);
    const stream = collection.watch([]);
    map.save('stream', stream);
    await map.close();
    expect(session.hasEnded).toBe(true);
    expect(stream.closed).toBe(true);
  });

  it('adds entities later (createEntities), refusing names in use', () => {
    map = EntityMap.create(entities, target);
    map.addAll([{ session: { id: 'session1', client: 'client0' } }]);
    expect(map.sessionLsid('session1')).not.toEqual(map.sessionLsid('session0'));
    expect(() => map?.addAll([{ session: { id: 'session1', client: 'client0' } }])).toThrow(
      /entity "session1" already exists/,
    );
  });

  it('makes other entity types a skip', () => {
    expect(() => EntityMap.create([{ bucket: { id: 'b', database: 'd' } }], target)).toThrow(
      UnsupportedFeatureError,
    );
  });
});
