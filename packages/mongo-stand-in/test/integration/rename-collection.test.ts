/**
 * `renameCollection` through the official driver, answered as a standalone mongod 7.0
 * answers it: what moves with a renamed collection and what dies with it (its cursors), and
 * each refusal with mongod's code, code name and message.
 */
import { UUID, type Document } from 'mongodb';
import { refusal } from './driver-fixture';
import { collectionAdminFixture, DB, OTHER_DB } from './fixtures/collection-admin';

describe('renameCollection', () => {
  const { fixture, db, named, admin, seeded, collectionInfo, indexesOf, rename } =
    collectionAdminFixture();

  it('moves documents, indexes with their options and the UUID within a database', async () => {
    const source = await seeded();
    await source.createIndex({ n: 1 }, { unique: true });
    await source.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await source.createIndex({ k: 1 }, { partialFilterExpression: { k: { $exists: true } } });
    const indexes = await indexesOf(db(), source.collectionName);
    const { uuid } = (await collectionInfo(db(), source.collectionName))!.info;

    const renamed = await source.rename('renamed');

    expect(renamed.collectionName).toBe('renamed');
    expect(await renamed.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 1, at: new Date(0) },
      { _id: 2, n: 2, at: new Date(0) },
      { _id: 3, n: 3 },
    ]);
    expect(await indexesOf(db(), 'renamed')).toEqual(indexes);
    expect((await collectionInfo(db(), 'renamed'))!.info.uuid).toEqual(uuid);
    expect(await collectionInfo(db(), source.collectionName)).toBeUndefined();
    const duplicate = await refusal(named('renamed').insertOne({ _id: 4, n: 1 }));
    expect(duplicate.code).toBe(11000);
    expect(duplicate.message).toBe(
      'E11000 duplicate key error collection: rename.renamed index: n_1 dup key: { n: 1 }',
    );
  });

  it('keeps collection options (capped) and clears temp unless stayTemp', async () => {
    await db().createCollection('capped', { capped: true, size: 4096, max: 10 });
    await rename(`${DB}.capped`, `${DB}.moved`);
    expect((await collectionInfo(db(), 'moved'))!.options).toEqual({
      capped: true,
      size: 4096,
      max: 10,
    });

    await db().command({ create: 'scratch', temp: true });
    await rename(`${DB}.scratch`, `${DB}.kept`, { stayTemp: true });
    expect((await collectionInfo(db(), 'kept'))!.options).toEqual({ temp: true });
    await rename(`${DB}.kept`, `${DB}.cleared`);
    expect((await collectionInfo(db(), 'cleared'))!.options).toEqual({});
  });

  it('renames across databases on a standalone: the source database goes, the UUID changes', async () => {
    const source = await seeded();
    await source.createIndex({ n: 1 }, { unique: true, name: 'unique_n' });
    const { uuid } = (await collectionInfo(db(), source.collectionName))!.info;

    await expect(rename(source.namespace, `${OTHER_DB}.moved`)).resolves.toEqual({ ok: 1 });

    const other = fixture.client().db(OTHER_DB);
    expect(await other.collection('moved').countDocuments()).toBe(3);
    expect((await indexesOf(other, 'moved')).map((index) => index.name)).toEqual([
      '_id_',
      'unique_n',
    ]);
    expect((await collectionInfo(other, 'moved'))!.info.uuid).not.toEqual(uuid);
    const databases = await admin().command({ listDatabases: 1, nameOnly: true });
    expect(databases.databases.map((d: Document) => d.name)).not.toContain(DB);
  });

  it('replaces an existing target with dropTarget, and without it refuses (48) changing nothing', async () => {
    const source = await seeded();
    const target = named('target');
    await target.insertOne({ _id: 'old' });

    const exists = await refusal(source.rename('target'));
    expect([exists.code, exists.codeName, exists.message]).toEqual([
      48,
      'NamespaceExists',
      'target namespace exists',
    ]);
    expect(await source.countDocuments()).toBe(3);
    expect(await target.find().toArray()).toEqual([{ _id: 'old' }]);

    await source.rename('target', { dropTarget: true });
    expect(await target.countDocuments()).toBe(3);
    expect(await target.findOne({ _id: 'old' })).toBeNull();
  });

  it('is what Db.renameCollection sends', async () => {
    const source = await seeded();
    const renamed = await db().renameCollection(source.collectionName, 'byDb');
    expect(await renamed.countDocuments()).toBe(3);
  });

  it('refuses a missing source (26) with the messages of each of mongod’s paths', async () => {
    await seeded();
    const cases: Array<[string, string, string]> = [
      [`${DB}.missing`, `${DB}.x`, `Source collection ${DB}.missing does not exist`],
      [
        'rename_nodb.missing',
        'rename_nodb.x',
        'Database rename_nodb does not exist or is drop pending',
      ],
      [`${DB}.missing`, `${OTHER_DB}.x`, 'source namespace does not exist'],
    ];
    for (const [from, to, message] of cases) {
      const error = await refusal(rename(from, to));
      expect([error.code, error.codeName, error.message]).toEqual([
        26,
        'NamespaceNotFound',
        message,
      ]);
    }
  });

  it('refuses to rename a view (166) or onto a view (48)', async () => {
    const source = await seeded();
    await db().createCollection('view', { viewOn: source.collectionName, pipeline: [] });

    const fromView = await refusal(rename(`${DB}.view`, `${DB}.x`));
    expect([fromView.code, fromView.codeName, fromView.message]).toEqual([
      166,
      'CommandNotSupportedOnView',
      `cannot rename view: ${DB}.view`,
    ]);
    const ontoView = await refusal(source.rename('view', { dropTarget: true }));
    expect([ontoView.code, ontoView.codeName, ontoView.message]).toEqual([
      48,
      'NamespaceExists',
      `a view already exists with that name: ${DB}.view`,
    ]);
    expect(await source.countDocuments()).toBe(3);
  });

  it('leaves views on the old name naming it', async () => {
    const source = await seeded();
    await db().createCollection('view', { viewOn: source.collectionName, pipeline: [] });
    await source.rename('renamed');

    expect((await collectionInfo(db(), 'view'))!.options.viewOn).toBe(source.collectionName);
    expect(await db().collection('view').countDocuments()).toBe(0);
    await named(source.collectionName).insertOne({ _id: 9 });
    expect(await db().collection('view').find().toArray()).toEqual([{ _id: 9 }]);
  });

  it('kills the cursors open on the source: their getMore fails with QueryPlanKilled (175)', async () => {
    const source = await seeded();
    const uuid = (await collectionInfo(db(), source.collectionName))!.info.uuid;
    const withinDb = source.find({}, { batchSize: 1 });
    await withinDb.next();
    await source.rename('renamed');
    const renamed = await refusal(withinDb.toArray());
    expect([renamed.code, renamed.codeName, renamed.message]).toEqual([
      175,
      'QueryPlanKilled',
      `collection renamed from '${source.namespace}' to '${DB}.renamed'. UUID ${uuid.toHexString()}`,
    ]);

    const moving = db().collection('renamed');
    const acrossDbs = moving.find({}, { batchSize: 1 });
    await acrossDbs.next();
    await rename(`${DB}.renamed`, `${OTHER_DB}.moved`);
    const dropped = await refusal(acrossDbs.toArray());
    expect([dropped.code, dropped.message]).toEqual([
      175,
      `collection dropped. UUID ${uuid.toHexString()}`,
    ]);
  });

  it.each<[string, (source: string) => Document, number, string, string]>([
    [
      'itself',
      (source) => ({ to: source }),
      20,
      'IllegalOperation',
      "Can't rename a collection to itself",
    ],
    [
      'no collection',
      () => ({ to: `${DB}.` }),
      73,
      'InvalidNamespace',
      `Invalid target namespace: ${DB}.`,
    ],
    [
      'a bad database',
      () => ({ to: 'a/b.c' }),
      73,
      'InvalidNamespace',
      'Invalid target namespace: a/b.c',
    ],
    [
      'a $ in the collection',
      () => ({ to: `${DB}.a$b` }),
      20,
      'IllegalOperation',
      'error with target namespace: Invalid collection name: a$b',
    ],
    [
      'a system collection',
      () => ({ to: `${DB}.system.things` }),
      20,
      'IllegalOperation',
      `error with target namespace: Invalid system namespace: ${DB}.system.things`,
    ],
    [
      'system.views',
      () => ({ to: `${DB}.system.views` }),
      20,
      'IllegalOperation',
      `error with target namespace: cannot write to ${DB}.system.views`,
    ],
    [
      'system.js',
      () => ({ to: `${DB}.system.js` }),
      20,
      'IllegalOperation',
      'renaming system.js collection or renaming to system.js is not allowed',
    ],
    [
      'the oplog',
      () => ({ to: 'local.oplog.rs' }),
      20,
      'IllegalOperation',
      'If either the source or target of a rename is an oplog name, both must be',
    ],
    [
      'another database with an expected UUID',
      () => ({ to: `${OTHER_DB}.c`, collectionUUID: new UUID() }),
      72,
      'InvalidOptions',
      'Cannot provide an expected collection UUID when renaming between databases',
    ],
    [
      'another database with the UUID of the target to drop',
      () => ({ to: `${OTHER_DB}.c`, dropTarget: new UUID() }),
      72,
      'InvalidOptions',
      'Cannot provide an expected collection UUID when renaming between databases',
    ],
  ])('refuses a rename to %s, changing nothing', async (_case, fields, code, codeName, message) => {
    const source = await seeded();
    const command = { renameCollection: source.namespace, ...fields(source.namespace) };
    const error = await refusal(admin().command(command));
    expect([error.code, error.codeName, error.message]).toEqual([code, codeName, message]);
    expect(await source.countDocuments()).toBe(3);
  });

  it.each<[string, Document, number, string]>([
    [
      'a source that is no string',
      { renameCollection: 5, to: `${DB}.x` },
      2,
      'collection name has invalid type int',
    ],
    [
      'a source without a collection',
      { renameCollection: 'nodot', to: `${DB}.x` },
      73,
      "Invalid namespace specified 'nodot'",
    ],
    [
      'no target',
      { renameCollection: `${DB}.c` },
      40414,
      "BSON field 'renameCollection.to' is missing but a required field",
    ],
    [
      'a target that is no string',
      { renameCollection: `${DB}.c`, to: true },
      14,
      "BSON field 'renameCollection.to' is the wrong type 'bool', expected type 'string'",
    ],
    [
      'a numeric dropTarget',
      { renameCollection: `${DB}.c`, to: `${DB}.x`, dropTarget: 1 },
      14,
      "BSON field 'renameCollection.dropTarget' is the wrong type 'int', expected types '[bool, binData]'",
    ],
    [
      'an unknown field',
      { renameCollection: `${DB}.c`, to: `${DB}.x`, bogus: 1 },
      40415,
      "BSON field 'renameCollection.bogus' is an unknown field.",
    ],
  ])('refuses %s', async (_case, command, code, message) => {
    const error = await refusal(admin().command(command));
    expect([error.code, error.message]).toEqual([code, message]);
  });

  it('runs only against the admin database (13 Unauthorized)', async () => {
    const source = await seeded();
    const error = await refusal(
      db().command({ renameCollection: source.namespace, to: `${DB}.x` }),
    );
    expect([error.code, error.codeName, error.message]).toEqual([
      13,
      'Unauthorized',
      'renameCollection may only be run against the admin database.',
    ]);
    expect(await source.countDocuments()).toBe(3);
  });
});
