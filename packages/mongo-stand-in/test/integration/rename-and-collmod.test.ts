/**
 * `renameCollection` and `collMod` through the official driver, answered as a standalone
 * mongod 7.0 answers them: what moves with a renamed collection and what dies with it
 * (its cursors), what collMod changes on an index (TTL, hidden, unique) or a view, and each
 * refusal with mongod's code, code name and message.
 */
import { MongoClient, UUID, type Collection, type Db, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';
import { refusal, standInPerFile, type NumberedDocument } from './driver-fixture';
import { waitFor } from './wait-for';

const DB = 'rename';
const OTHER_DB = 'rename_other';

describe('renameCollection and collMod', () => {
  const fixture = standInPerFile(DB);
  const db = (): Db => fixture.client().db(DB);
  /** A collection of `db` with any `_id`s. */
  const named = (name: string, database = db()) =>
    database.collection<Document & { _id: number | string }>(name);
  const admin = (): Db => fixture.client().db('admin');

  afterEach(async () => {
    await db().dropDatabase();
    await fixture.client().db(OTHER_DB).dropDatabase();
  });

  /** The test's collection with three documents. */
  async function seeded(): Promise<Collection<NumberedDocument>> {
    const collection = fixture.collection();
    await collection.insertMany([
      { _id: 1, n: 1, at: new Date(0) },
      { _id: 2, n: 2, at: new Date(0) },
      { _id: 3, n: 3 },
    ]);
    return collection;
  }

  async function collectionInfo(database: Db, name: string): Promise<Document | undefined> {
    const [info] = await database.listCollections({ name }).toArray();
    return info;
  }

  async function indexesOf(database: Db, name: string): Promise<Document[]> {
    return database.collection(name).listIndexes().toArray();
  }

  const rename = (from: string, to: string, options: Document = {}) =>
    admin().command({ renameCollection: from, to, ...options });

  describe('renameCollection', () => {
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
    ])(
      'refuses a rename to %s, changing nothing',
      async (_case, fields, code, codeName, message) => {
        const source = await seeded();
        const command = { renameCollection: source.namespace, ...fields(source.namespace) };
        const error = await refusal(admin().command(command));
        expect([error.code, error.codeName, error.message]).toEqual([code, codeName, message]);
        expect(await source.countDocuments()).toBe(3);
      },
    );

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
  describe('collMod', () => {
    /** The test's collection with ten numbered documents and an index on `n`. */
    async function indexed(): Promise<Collection<NumberedDocument>> {
      const collection = fixture.collection();
      await collection.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, n: i })));
      await collection.createIndex({ n: 1 });
      return collection;
    }

    const collMod = (name: string, fields: Document = {}) =>
      db().command({ collMod: name, ...fields });

    const winningStages = async (collection: Collection<NumberedDocument>, filter: Document) =>
      JSON.stringify((await collection.find(filter).explain()).queryPlanner.winningPlan);

    it('hides an index from the planner and from hints, and lists it as hidden until unhidden', async () => {
      const collection = await indexed();
      expect(await winningStages(collection, { n: 2 })).toContain('IXSCAN');

      await expect(
        collMod(collection.collectionName, { index: { name: 'n_1', hidden: true } }),
      ).resolves.toEqual({
        hidden_old: false,
        hidden_new: true,
        ok: 1,
      });
      expect(await winningStages(collection, { n: 2 })).not.toContain('IXSCAN');
      expect((await indexesOf(db(), collection.collectionName))[1]).toEqual({
        v: 2,
        key: { n: 1 },
        name: 'n_1',
        hidden: true,
      });
      for (const hint of ['n_1', { n: 1 }]) {
        const error = await refusal(collection.find({ n: 2 }, { hint }).toArray());
        expect([error.code, error.codeName, error.message]).toEqual([
          2,
          'BadValue',
          'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
        ]);
      }
      // Hiding a hidden index is a no-op, answered without old and new values.
      await expect(
        collMod(collection.collectionName, { index: { keyPattern: { n: 1 }, hidden: true } }),
      ).resolves.toEqual({ ok: 1 });

      await expect(
        collMod(collection.collectionName, { index: { name: 'n_1', hidden: false } }),
      ).resolves.toEqual({
        hidden_old: true,
        hidden_new: false,
        ok: 1,
      });
      expect((await indexesOf(db(), collection.collectionName))[1]).toEqual({
        v: 2,
        key: { n: 1 },
        name: 'n_1',
      });
      expect(await collection.find({ n: 2 }, { hint: 'n_1' }).toArray()).toEqual([
        { _id: 2, n: 2 },
      ]);
      expect(await winningStages(collection, { n: 2 })).toContain('IXSCAN');
    });

    it('keeps a hidden unique index enforcing uniqueness, and lists no hidden: false', async () => {
      const collection = await indexed();
      await collection.createIndex({ u: 1 }, { unique: true, sparse: true, hidden: false });
      expect((await indexesOf(db(), collection.collectionName))[2]).toEqual({
        v: 2,
        key: { u: 1 },
        name: 'u_1',
        unique: true,
        sparse: true,
      });
      await collMod(collection.collectionName, { index: { name: 'u_1', hidden: true } });
      await collection.insertOne({ _id: 20, u: 'x' });
      const duplicate = await refusal(collection.insertOne({ _id: 21, u: 'x' }));
      expect(duplicate.code).toBe(11000);
    });

    it('converts an index to unique in two steps: prepareUnique refuses new duplicates, unique needs none left', async () => {
      const collection = await indexed();
      await collection.insertOne({ _id: 10, n: 1 });
      const name = collection.collectionName;

      const unprepared = await refusal(collMod(name, { index: { name: 'n_1', unique: true } }));
      expect([unprepared.code, unprepared.codeName, unprepared.message]).toEqual([
        72,
        'InvalidOptions',
        "Cannot make index unique with 'prepareUnique=false'. Run collMod to set it first.",
      ]);
      await expect(collMod(name, { index: { name: 'n_1', prepareUnique: true } })).resolves.toEqual(
        {
          prepareUnique_old: false,
          prepareUnique_new: true,
          ok: 1,
        },
      );
      expect((await indexesOf(db(), name))[1]).toEqual({
        v: 2,
        key: { n: 1 },
        name: 'n_1',
        prepareUnique: true,
      });
      const newDuplicate = await refusal(collection.insertOne({ _id: 11, n: 2 }));
      expect(newDuplicate.message).toBe(
        `E11000 duplicate key error collection: ${DB}.${name} index: n_1 dup key: { n: 2 }`,
      );
      // The duplicates from before stay, and may be updated as long as their key stays.
      await expect(collection.updateOne({ _id: 10 }, { $set: { x: 1 } })).resolves.toMatchObject({
        modifiedCount: 1,
      });

      for (const dryRun of [true, false]) {
        const error = await refusal(
          collMod(name, { index: { name: 'n_1', unique: true }, dryRun }),
        );
        expect([error.code, error.codeName, error.message]).toEqual([
          359,
          'CannotConvertIndexToUnique',
          'Cannot convert the index to unique. Please resolve conflicting documents before running collMod again.',
        ]);
        expect(error.errorResponse.violations).toEqual([{ ids: [1, 10] }]);
      }
      expect((await indexesOf(db(), name))[1].unique).toBeUndefined();

      await collection.deleteOne({ _id: 10 });
      await expect(
        collMod(name, { index: { name: 'n_1', unique: true }, dryRun: true }),
      ).resolves.toEqual({ ok: 1 });
      expect((await indexesOf(db(), name))[1].unique).toBeUndefined();
      await expect(collMod(name, { index: { name: 'n_1', unique: true } })).resolves.toEqual({
        unique_new: true,
        ok: 1,
      });
      expect((await indexesOf(db(), name))[1]).toEqual({
        v: 2,
        key: { n: 1 },
        name: 'n_1',
        unique: true,
      });
      expect((await refusal(collection.insertOne({ _id: 12, n: 3 }))).code).toBe(11000);

      await expect(
        collMod(name, { index: { name: 'n_1', forceNonUnique: true } }),
      ).resolves.toEqual({
        forceNonUnique_new: true,
        ok: 1,
      });
      await expect(collection.insertOne({ _id: 12, n: 3 })).resolves.toMatchObject({
        insertedId: 12,
      });
    });

    it('modifies a view: its pipeline, what it reads, never into a cycle', async () => {
      const collection = await indexed();
      const other = named('other');
      await other.insertMany([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 5 },
      ]);
      await db().createCollection('view', {
        viewOn: collection.collectionName,
        pipeline: [{ $match: { n: { $lt: 2 } } }],
      });
      const view = named('view');

      await expect(collMod('view', { pipeline: [{ $match: { n: { $gt: 7 } } }] })).resolves.toEqual(
        { ok: 1 },
      );
      expect(await view.find().toArray()).toEqual([
        { _id: 8, n: 8 },
        { _id: 9, n: 9 },
      ]);
      await expect(
        collMod('view', { viewOn: 'other', pipeline: [{ $match: { n: 5 } }] }),
      ).resolves.toEqual({ ok: 1 });
      expect(await view.find().toArray()).toEqual([{ _id: 'b', n: 5 }]);
      expect((await collectionInfo(db(), 'view'))!.options).toEqual({
        viewOn: 'other',
        pipeline: [{ $match: { n: 5 } }],
      });

      await db().createCollection('onView', { viewOn: 'view', pipeline: [] });
      const cycle = await refusal(collMod('view', { viewOn: 'onView' }));
      expect([cycle.code, cycle.codeName]).toEqual([93, 'GraphContainsCycle']);
      expect(cycle.message).toMatch(/^View cycle detected: /);
      expect((await collectionInfo(db(), 'view'))!.options.viewOn).toBe('other');
    });

    it('stores changeStreamPreAndPostImages, as a standalone does, outside admin, local and config', async () => {
      const collection = await indexed();
      const name = collection.collectionName;
      await expect(
        collMod(name, { changeStreamPreAndPostImages: { enabled: true } }),
      ).resolves.toEqual({ ok: 1 });
      expect((await collectionInfo(db(), name))!.options).toEqual({
        changeStreamPreAndPostImages: { enabled: true },
      });
      await collMod(name, { changeStreamPreAndPostImages: { enabled: false } });
      expect((await collectionInfo(db(), name))!.options).toEqual({});

      const error = await refusal(
        admin().command({ collMod: 'anything', changeStreamPreAndPostImages: { enabled: true } }),
      );
      expect([error.code, error.codeName, error.message]).toEqual([
        72,
        'InvalidOptions',
        'changeStreamPreAndPostImages collection option is not supported on the admin database',
      ]);
    });

    it.each<[string, Document, number, string, string]>([
      [
        'a missing collection',
        { collMod: 'missing' },
        26,
        'NamespaceNotFound',
        'ns does not exist',
      ],
      [
        'a unique conversion on a missing collection',
        { collMod: 'missing', index: { name: 'n_1', unique: true } },
        26,
        'NamespaceNotFound',
        `ns does not exist for unique index conversion: ${DB}.missing`,
      ],
      [
        'a unique conversion on a view',
        { collMod: 'view', index: { name: 'n_1', unique: true } },
        166,
        'CommandNotSupportedOnView',
        `Namespace ${DB}.view is a view, not a collection`,
      ],
      [
        'an index of a view',
        { collMod: 'view', index: { name: 'n_1', hidden: true } },
        72,
        'InvalidOptions',
        'option not supported on a view: index',
      ],
      [
        'a validator of a view',
        { collMod: 'view', validator: {} },
        72,
        'InvalidOptions',
        'option not supported on a view: validator',
      ],
      [
        'a pipeline of a collection',
        { pipeline: [] },
        72,
        'InvalidOptions',
        'option only supported on a view: pipeline',
      ],
      [
        'viewOn of a collection',
        { viewOn: 'other' },
        72,
        'InvalidOptions',
        'option only supported on a view: viewOn',
      ],
      [
        'an empty viewOn',
        { collMod: 'view', viewOn: '' },
        2,
        'BadValue',
        "'viewOn' cannot be empty",
      ],
      [
        'both an index name and key pattern',
        { index: { name: 'n_1', keyPattern: { n: 1 }, hidden: true } },
        72,
        'InvalidOptions',
        'Cannot specify both key pattern and name.',
      ],
      [
        'no index name nor key pattern',
        { index: { hidden: true } },
        72,
        'InvalidOptions',
        'Must specify either index name or key pattern.',
      ],
      [
        'an index modification changing nothing',
        { index: { name: 'n_1' } },
        72,
        'InvalidOptions',
        'no expireAfterSeconds, hidden, unique, or prepareUnique field',
      ],
      [
        'a missing index name',
        { index: { name: 'nope', hidden: true } },
        27,
        'IndexNotFound',
        `cannot find index nope for ns ${DB}.c`,
      ],
      [
        'a missing index key pattern',
        { index: { keyPattern: { nope: 1 }, hidden: true } },
        27,
        'IndexNotFound',
        `cannot find index { nope: 1 } for ns ${DB}.c`,
      ],
      [
        'a TTL on a compound index',
        { index: { name: 'n_1_k_1', expireAfterSeconds: 60 } },
        72,
        'InvalidOptions',
        'TTL indexes are single-field indexes, compound indexes do not support TTL',
      ],
      [
        'a TTL on _id',
        { index: { name: '_id_', expireAfterSeconds: 60 } },
        72,
        'InvalidOptions',
        'the _id field does not support TTL indexes',
      ],
      [
        'a negative TTL',
        { index: { name: 'n_1', expireAfterSeconds: -1 } },
        72,
        'InvalidOptions',
        "TTL index 'expireAfterSeconds' option cannot be less than 0",
      ],
      [
        'a fractional TTL',
        { index: { name: 'n_1', expireAfterSeconds: 1.5 } },
        9,
        'FailedToParse',
        'Expected an integer: expireAfterSeconds: 1.5',
      ],
      [
        'a TTL on a capped collection',
        { collMod: 'capped', index: { name: 'n_1', expireAfterSeconds: 60 } },
        72,
        'InvalidOptions',
        'TTL indexes are not supported for capped collections.',
      ],
      [
        'hiding _id',
        { index: { name: '_id_', hidden: true } },
        2,
        'BadValue',
        "can't hide _id index",
      ],
      [
        'unique: false',
        { index: { name: 'n_1', unique: false } },
        2,
        'BadValue',
        'Cannot make index non-unique',
      ],
      [
        'unique with forceNonUnique',
        { index: { name: 'n_1', unique: true, forceNonUnique: true } },
        72,
        'InvalidOptions',
        "collMod does not support 'unique' and 'forceNonUnique' options at the same time",
      ],
      [
        'prepareUnique with another modification',
        { index: { name: 'n_1', prepareUnique: true, hidden: true } },
        72,
        'InvalidOptions',
        'prepareUnique cannot be combined with any other modification.',
      ],
      [
        'expireAfterSeconds of a collection not clustered',
        { expireAfterSeconds: 60 },
        72,
        'InvalidOptions',
        "'expireAfterSeconds' option is only supported on collections clustered by _id",
      ],
      [
        'timeseries of a collection',
        { timeseries: { granularity: 'hours' } },
        72,
        'InvalidOptions',
        'option only supported on a time-series collection: timeseries',
      ],
      [
        'a capped size of a collection not capped',
        { cappedSize: 8192 },
        72,
        'InvalidOptions',
        'Collection must be capped.',
      ],
      [
        'a capped size, which the stand-in cannot honour',
        { collMod: 'capped', cappedSize: 8192 },
        238,
        'NotImplemented',
        'the stand-in does not cap collections: it cannot resize one',
      ],
      [
        'a validator, which the stand-in cannot enforce',
        { validator: { n: { $type: 'int' } } },
        238,
        'NotImplemented',
        'the stand-in does not validate documents: collMod.validator would be silently ignored',
      ],
      [
        'a validation level, which the stand-in cannot enforce',
        { validationLevel: 'off' },
        238,
        'NotImplemented',
        'the stand-in does not validate documents: collMod.validationLevel would be silently ignored',
      ],
      [
        'a validation level that is none',
        { validationLevel: 'lenient' },
        2,
        'BadValue',
        "Enumeration value 'lenient' for field 'collMod.validationLevel' is not a valid value.",
      ],
      [
        'a dry run of nothing',
        { dryRun: true },
        72,
        'InvalidOptions',
        'dry run mode requires an valid index modification.',
      ],
      [
        'a dry run of no unique conversion',
        { index: { name: 'n_1', hidden: true }, dryRun: true },
        72,
        'InvalidOptions',
        'dry run mode requires an index modification with unique: true.',
      ],
      [
        'a dry run of more than a unique conversion',
        { index: { name: 'k_1', unique: true, expireAfterSeconds: 60 }, dryRun: true },
        72,
        'InvalidOptions',
        'unique: true cannot be combined with any other modification in dry run mode.',
      ],
      [
        'an unknown field',
        { bogus: 1 },
        40415,
        'Location40415',
        "BSON field 'collMod.bogus' is an unknown field.",
      ],
      [
        'an unknown index field',
        { index: { name: 'n_1', bogus: 1 } },
        40415,
        'Location40415',
        "BSON field 'collMod.index.bogus' is an unknown field.",
      ],
      [
        'an index that is no object',
        { index: 'n_1' },
        14,
        'TypeMismatch',
        "BSON field 'collMod.index' is the wrong type 'string', expected type 'object'",
      ],
      [
        'changeStreamPreAndPostImages without enabled',
        { changeStreamPreAndPostImages: {} },
        40414,
        'Location40414',
        "BSON field 'changeStreamPreAndPostImages.enabled' is missing but a required field",
      ],
    ])('refuses %s, changing nothing', async (_case, fields, code, codeName, message) => {
      const collection = db().collection('c');
      await collection.insertMany([
        { n: 1, k: 1 },
        { n: 2, k: 2 },
      ]);
      await collection.createIndex({ n: 1 });
      await collection.createIndex({ n: 1, k: 1 });
      await collection.createIndex({ k: 1 }, { unique: true });
      await db().createCollection('view', { viewOn: 'c', pipeline: [] });
      await db().createCollection('capped', { capped: true, size: 4096 });
      await db().collection('capped').createIndex({ n: 1 });
      const before = {
        indexes: await indexesOf(db(), 'c'),
        collections: await db().listCollections().toArray(),
      };

      const error = await refusal(db().command({ collMod: 'c', ...fields }));

      expect([error.code, error.codeName, error.message]).toEqual([code, codeName, message]);
      expect({
        indexes: await indexesOf(db(), 'c'),
        collections: await db().listCollections().toArray(),
      }).toEqual(before);
    });

    it('refuses an index key pattern matching two indexes (181)', async () => {
      const collection = await indexed();
      await collection.createIndex(
        { k: 1 },
        { name: 'k_small', partialFilterExpression: { n: { $lt: 5 } } },
      );
      await collection.createIndex(
        { k: 1 },
        { name: 'k_large', partialFilterExpression: { n: { $gte: 5 } } },
      );
      const error = await refusal(
        collMod(collection.collectionName, { index: { keyPattern: { k: 1 }, hidden: true } }),
      );
      expect([error.code, error.codeName]).toEqual([181, 'AmbiguousIndexKeyPattern']);
      expect(error.message).toMatch(
        /^index keyPattern \{ k: 1 \} matches 2 indexes, must use index name\. Conflicting indexes:/,
      );
    });
  });

  describe('collMod and the TTL monitor', () => {
    let server: StandInServer;
    let client: MongoClient;

    beforeAll(async () => {
      server = await startStandIn({ ttlMonitorIntervalMs: 20 });
      client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
      await client.connect();
    });

    afterAll(async () => {
      await client?.close();
      await server?.stop();
    });

    const hourAgo = () => new Date(Date.now() - 3_600_000);

    it('shortens a TTL, answering the old and new values, and the monitor expires by the new one', async () => {
      const events = client.db('ttl').collection<{ _id: number; at: Date }>('events');
      await events.insertMany([
        { _id: 1, at: hourAgo() },
        { _id: 2, at: hourAgo() },
      ]);
      await events.createIndex({ at: 1 }, { expireAfterSeconds: 86_400 });

      await expect(
        client
          .db('ttl')
          .command({ collMod: 'events', index: { keyPattern: { at: 1 }, expireAfterSeconds: 60 } }),
      ).resolves.toEqual({ expireAfterSeconds_old: 86_400, expireAfterSeconds_new: 60, ok: 1 });

      expect((await events.listIndexes().toArray())[1].expireAfterSeconds).toBe(60);
      await waitFor(
        'the monitor to expire both documents',
        async () => (await events.countDocuments()) === 0,
      );
    });

    it('makes a plain index a TTL index (no old value), even when hidden', async () => {
      const events = client.db('ttl').collection<{ _id: number; at: Date }>('plain');
      await events.insertMany([
        { _id: 1, at: hourAgo() },
        { _id: 2, at: new Date(Date.now() + 3_600_000) },
      ]);
      await events.createIndex({ at: 1 }, { hidden: true });

      await expect(
        client
          .db('ttl')
          .command({ collMod: 'plain', index: { name: 'at_1', expireAfterSeconds: 60 } }),
      ).resolves.toEqual({ expireAfterSeconds_new: 60, ok: 1 });

      await waitFor(
        'the monitor to expire the past document',
        async () => (await events.countDocuments()) === 1,
      );
      expect(await events.find().toArray()).toEqual([{ _id: 2, at: expect.any(Date) }]);
    });
  });
});
