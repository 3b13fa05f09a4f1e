/**
 * `collMod` through the official driver, answered as a standalone mongod 7.0 answers it:
 * what it changes on an index (TTL, hidden, unique) or a view, and each refusal with
 * mongod's code, code name and message.
 */
import { MongoClient, type Collection, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';
import { refusal, type NumberedDocument } from './driver-fixture';
import { collectionAdminFixture, DB } from './fixtures/collection-admin';
import { waitFor } from './wait-for';

describe('collMod', () => {
  const { fixture, db, named, admin, collectionInfo, indexesOf } = collectionAdminFixture();

  describe('on collections, indexes and views', () => {
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
        'a capped size of 0',
        { collMod: 'capped', cappedSize: 0 },
        51024,
        'Location51024',
        "BSON field 'cappedSize' value must be >= 1, actual value '0'",
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
