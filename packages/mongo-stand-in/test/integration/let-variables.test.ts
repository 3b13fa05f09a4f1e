/**
 * A command's `let` parameters (MongoDB 5.0+): find, aggregate, update, delete and
 * findAndModify define constants that `$expr` filters, update pipelines and aggregation
 * stages read as `$$name`. Until they were implemented the stand-in accepted `let` and
 * answered every `$$name` with "Use of undefined variable".
 */
import { refusal, standInPerFile } from './driver-fixture';

describe('let variables', () => {
  const fixture = standInPerFile('let_variables');

  beforeEach(async () => {
    await fixture.collection().insertMany([
      { _id: 1, x: 'a' },
      { _id: 2, x: 'b' },
      // JSON.parse makes `__proto__` an own field, as a stored document has it.
      JSON.parse('{ "_id": 3, "x": "c", "__proto__": "own" }') as { _id: number },
    ]);
  });

  it('are read by a find filter, with the compiled filter not reused for other values', async () => {
    const items = fixture.collection();
    const filter = { $expr: { $eq: ['$_id', '$$id'] } };
    expect(await items.find(filter, { let: { id: 2 } }).toArray()).toEqual([{ _id: 2, x: 'b' }]);
    expect(await items.find(filter, { let: { id: 1 } }).toArray()).toEqual([{ _id: 1, x: 'a' }]);
  });

  it('are evaluated once, as expressions, before the command reads a document', async () => {
    const [row] = await fixture
      .client()
      .db('let_variables')
      .aggregate(
        [{ $documents: [{}] }, { $project: { sum: '$$sum', text: '$$text', now: '$$at' } }],
        { let: { sum: { $add: [1, 2] }, text: { $toUpper: 'abc' }, at: '$$NOW' } },
      )
      .toArray();
    expect(row).toEqual({ sum: 3, text: 'ABC', now: expect.any(Date) });
  });

  it('are read by aggregation stages and by $match', async () => {
    const rows = await fixture
      .collection()
      .aggregate(
        [
          { $match: { $expr: { $gte: ['$_id', '$$from'] } } },
          { $project: { _id: 1, tag: { $concat: ['$x', '$$suffix'] } } },
        ],
        { let: { from: 2, suffix: '!' } },
      )
      .toArray();
    expect(rows).toEqual([
      { _id: 2, tag: 'b!' },
      { _id: 3, tag: 'c!' },
    ]);
  });

  it('are read by update filters and update pipelines', async () => {
    const items = fixture.collection();
    const result = await items.updateMany(
      { $expr: { $lte: ['$_id', '$$upTo'] } },
      [{ $set: { y: '$$value' } }],
      { let: { upTo: 2, value: 'set' } },
    );
    expect(result.modifiedCount).toBe(2);
    expect(await items.find({ y: 'set' }).project({ _id: 1 }).toArray()).toEqual([
      { _id: 1 },
      { _id: 2 },
    ]);
  });

  it('are read by delete filters', async () => {
    const items = fixture.collection();
    const result = await items.deleteOne(
      { $expr: { $eq: ['$x', '$$victim'] } },
      { let: { victim: 'b' } },
    );
    expect(result.deletedCount).toBe(1);
    expect(await items.countDocuments()).toBe(2);
  });

  it('are read by findAndModify, in its filter and its pipeline', async () => {
    const updated = await fixture
      .collection()
      .findOneAndUpdate({ $expr: { $eq: ['$_id', '$$id'] } }, [{ $set: { x: '$$next' } }], {
        let: { id: 1, next: 'z' },
        returnDocument: 'after',
      });
    expect(updated).toEqual({ _id: 1, x: 'z' });
  });

  it('read a field named like a prototype property as an own field', async () => {
    const rows = await fixture
      .collection()
      .find({ $expr: { $eq: ['$__proto__', '$$value'] } }, { let: { value: 'own' } })
      .toArray();
    expect(rows.map((row) => row._id)).toEqual([3]);
  });

  it.each([
    ['Upper', 16867],
    ['_under', 16867],
    ['has-dash', 16868],
    ['', 16866],
  ])('refuses the variable name %j with %i', async (name, code) => {
    const error = await refusal(
      fixture
        .collection()
        .find({ $expr: { $eq: ['$_id', 1] } }, { let: { [name]: 1 } })
        .toArray(),
    );
    expect(error.code).toBe(code);
  });

  it('fails a command that reads a variable it did not define, as mongod does', async () => {
    const error = await refusal(
      fixture
        .collection()
        .find({ $expr: { $eq: ['$_id', '$$missing'] } }, { let: { other: 1 } })
        .toArray(),
    );
    expect(error).toMatchObject({ code: 17276, errmsg: 'Use of undefined variable: missing' });
  });
});
