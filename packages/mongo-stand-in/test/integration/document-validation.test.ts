/**
 * Collection validators (`$jsonSchema` and query operators), set by `createCollection` or
 * `collMod` and applied to every write as mongod 7.0 applies them: 121
 * DocumentValidationFailure with its `errInfo`, the `moderate` level, the `warn` action and
 * `bypassDocumentValidation`. `$jsonSchema` works in queries too.
 */
import { Long, MongoBulkWriteError, type Document } from 'mongodb';
import { refusal, standInPerFile } from './driver-fixture';

const DB = 'validation';

/** The documents these tests store: numbered, with any fields. */
type Row = Document & { _id: number };

const PERSON_SCHEMA = {
  bsonType: 'object',
  required: ['name', 'age'],
  properties: {
    name: { bsonType: 'string', minLength: 1 },
    age: { bsonType: 'int', minimum: 0 },
    tags: { bsonType: 'array', items: { enum: ['a', 'b'] } },
  },
};

describe('document validation', () => {
  const fixture = standInPerFile(DB);
  const db = () => fixture.client().db(DB);

  async function people(options: Document = {}, suffix = '') {
    const name = fixture.collection().collectionName + suffix;
    await db().createCollection(name, { validator: { $jsonSchema: PERSON_SCHEMA }, ...options });
    return db().collection<Row>(name);
  }

  it('refuses an insert the $jsonSchema refuses, with mongod errInfo', async () => {
    const collection = await people();
    await collection.insertOne({ _id: 1, name: 'Ada', age: 36 });
    const error = await refusal(collection.insertOne({ _id: 2, name: 'Bob', age: '7' }));
    expect([error.code, error.message]).toEqual([121, 'Document failed validation']);
    expect(error.errInfo).toEqual({
      failingDocumentId: 2,
      details: {
        operatorName: '$jsonSchema',
        schemaRulesNotSatisfied: [
          {
            operatorName: 'properties',
            propertiesNotSatisfied: [
              {
                propertyName: 'age',
                details: [
                  {
                    operatorName: 'bsonType',
                    specifiedAs: { bsonType: 'int' },
                    reason: 'type did not match',
                    consideredValue: '7',
                    consideredType: 'string',
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    const missing = await refusal(collection.insertOne({ _id: 3, name: 'Cy' }));
    expect(missing.errInfo?.details.schemaRulesNotSatisfied).toEqual([
      {
        operatorName: 'required',
        specifiedAs: { required: ['name', 'age'] },
        missingProperties: ['age'],
      },
    ]);
    expect(await collection.countDocuments()).toBe(1);
  });

  it('applies to updates, replacements, upserts, findAndModify and bulk writes', async () => {
    const collection = await people();
    await collection.insertOne({ _id: 1, name: 'Ada', age: 36 });
    const refused = [
      () => collection.updateOne({ _id: 1 }, { $set: { age: -1 } }),
      () => collection.replaceOne({ _id: 1 }, { name: 'Ada' }),
      () => collection.updateOne({ _id: 2 }, { $set: { name: '' } }, { upsert: true }),
      () => collection.findOneAndUpdate({ _id: 1 }, { $set: { tags: ['z'] } }),
    ];
    for (const call of refused) expect((await refusal(call())).code).toBe(121);
    const command = await refusal(collection.findOneAndReplace({ _id: 1 }, { name: 'Ada' }));
    expect([command.codeName, command.errInfo?.failingDocumentId]).toEqual([
      'DocumentValidationFailure',
      1,
    ]);
    const bulk = await collection
      .bulkWrite(
        [
          { insertOne: { document: { _id: 3, name: 'Cy', age: 3 } } },
          { updateOne: { filter: { _id: 1 }, update: { $unset: { name: '' } } } },
        ],
        { ordered: false },
      )
      .catch((error: unknown) => error);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    const { writeErrors } = bulk as MongoBulkWriteError;
    expect([writeErrors].flat().map((e) => [e.index, e.code])).toEqual([[1, 121]]);
    expect(await collection.find().toArray()).toEqual([
      { _id: 1, name: 'Ada', age: 36 },
      { _id: 3, name: 'Cy', age: 3 },
    ]);
  });

  it('applies to what $out and $merge write, unless the aggregate bypasses it', async () => {
    const collection = await people();
    await collection.insertOne({ _id: 1, name: 'Ada', age: 36 });
    const source = db().collection<Row>(`${collection.collectionName}_source`);
    await source.insertOne({ _id: 2, name: 'Bob' });
    for (const writer of [
      { $out: collection.collectionName },
      { $merge: collection.collectionName },
    ]) {
      expect((await refusal(source.aggregate([writer]).toArray())).code).toBe(121);
      // $out is all or nothing: the target keeps its documents.
      expect(await collection.find().toArray()).toEqual([{ _id: 1, name: 'Ada', age: 36 }]);
    }
    await source
      .aggregate([{ $merge: collection.collectionName }], { bypassDocumentValidation: true })
      .toArray();
    expect(await collection.countDocuments()).toBe(2);
    await source
      .aggregate([{ $out: collection.collectionName }], { bypassDocumentValidation: true })
      .toArray();
    expect(await collection.find().toArray()).toEqual([{ _id: 2, name: 'Bob' }]);
  });

  it('lets bypassDocumentValidation through, and warn-level validators accept', async () => {
    const collection = await people();
    await collection.insertOne({ _id: 1, age: 'old' }, { bypassDocumentValidation: true });
    await collection.updateOne({ _id: 1 }, { $set: { x: 1 } }, { bypassDocumentValidation: true });
    const warned = await people({ validationAction: 'warn' }, '_warned');
    await warned.insertOne({ _id: 1 });
    expect(await warned.countDocuments()).toBe(1);
  });

  it('under moderate, lets documents that already failed be updated, never made invalid', async () => {
    const collection = db().collection<Row>(fixture.collection().collectionName);
    await collection.insertMany([
      { _id: 1, qty: -5 },
      { _id: 2, qty: 5 },
    ]);
    await db().command({
      collMod: collection.collectionName,
      validator: { qty: { $gte: 0 } },
      validationLevel: 'moderate',
    });
    await collection.updateOne({ _id: 1 }, { $inc: { qty: -1 } });
    const error = await refusal(collection.updateOne({ _id: 2 }, { $set: { qty: -1 } }));
    expect(error.code).toBe(121);
    expect(error.errInfo).toEqual({
      failingDocumentId: 2,
      details: {
        operatorName: '$gte',
        specifiedAs: { qty: { $gte: 0 } },
        reason: 'comparison failed',
        consideredValue: -1,
      },
    });
    const [info] = await db().listCollections({ name: collection.collectionName }).toArray();
    expect((info as Document).options).toEqual({
      validator: { qty: { $gte: 0 } },
      validationLevel: 'moderate',
    });
    await db().command({ collMod: collection.collectionName, validationLevel: 'off' });
    await collection.updateOne({ _id: 2 }, { $set: { qty: -1 } });
  });

  it('refuses a malformed validator when it is set, as mongod does', async () => {
    const name = fixture.collection().collectionName;
    const cases: Array<[Document, number]> = [
      [{ $jsonSchema: { bsonType: 'object', nope: 1 } }, 9],
      [{ $jsonSchema: { $ref: '#/definitions/a' } }, 9],
      [{ a: { $bogus: 1 } }, 2],
      [{ $where: 'true' }, 2],
    ];
    for (const [validator, code] of cases) {
      expect((await refusal(db().createCollection(name, { validator }))).code).toBe(code);
    }
    const level = await refusal(db().createCollection(name, { validationLevel: 'lenient' }));
    expect(level.code).toBe(2);
    expect(await db().listCollections({ name }).toArray()).toEqual([]);
  });

  it('answers find({ $jsonSchema }) with the same evaluator', async () => {
    const collection = fixture.collection();
    await collection.insertMany([
      { _id: 1, name: 'Ada', age: 36 },
      { _id: 2, name: 'Bob', age: 3.5 },
      { _id: 3, name: 'Cy', age: 1, tags: ['a', 'c'] },
    ]);
    const found = await collection.find({ $jsonSchema: PERSON_SCHEMA }).toArray();
    expect(found.map((document) => document._id)).toEqual([1]);
    const none = await collection.find({ $nor: [{ $jsonSchema: PERSON_SCHEMA }] }).toArray();
    expect(none.map((document) => document._id)).toEqual([2, 3]);
    const malformed = await refusal(collection.find({ $jsonSchema: { minimum: 'a' } }).toArray());
    expect(malformed.code).toBe(9);
  });

  // A keyword about one type lets values of other types through, as JSON Schema says.
  it.each([
    [
      'anyOf of types',
      { a: { anyOf: [{ bsonType: 'long' }, { bsonType: 'string', pattern: '^x' }] } },
      [2, 3],
    ],
    ['oneOf', { a: { oneOf: [{ bsonType: 'number' }, { minimum: 2 }] } }, [1, 3, 4, 5, 6, 7, 8]],
    ['not', { a: { not: { bsonType: 'string' } } }, [1, 2, 4, 5, 7]],
    ['enum, numbers of any type', { a: { enum: [1, 'xa'] } }, [1, 3]],
    [
      'string lengths in code points',
      { a: { bsonType: 'string', minLength: 2, maxLength: 2 } },
      [3, 6, 8],
    ],
    [
      'array length and unique items',
      { a: { bsonType: 'array', minItems: 2, uniqueItems: true } },
      [5],
    ],
    [
      'items by position',
      { a: { items: [{ bsonType: 'int' }], additionalItems: false } },
      [1, 2, 3, 4, 6, 8],
    ],
    [
      'exclusive bounds and multiples',
      { a: { minimum: 1, exclusiveMinimum: true, multipleOf: 2 } },
      [2, 3, 4, 5, 6, 7, 8],
    ],
  ])('follows MongoDB $jsonSchema rules: %s', async (_what, properties, expected) => {
    const collection = fixture.collection();
    await collection.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: Long.fromNumber(2) },
      { _id: 3, a: 'xa' },
      { _id: 4, a: [7] },
      { _id: 5, a: [1, 2] },
      { _id: 6, a: '😀é' },
      { _id: 7, a: [3, 3] },
      { _id: 8, a: 'ya' },
    ]);
    const schema = { required: ['a'], properties };
    const found = await collection.find({ $jsonSchema: schema }).toArray();
    expect(found.map((document) => document._id)).toEqual(expected);
  });
});
