/**
 * Time-series collections as an application's tests meet them: created, listed as mongod
 * 7.0 lists them, refusing documents without a date in the time field, and queried.
 */
import { refusal, standInPerFile } from './driver-fixture';

describe('time-series collections', () => {
  const fixture = standInPerFile('timeseries');

  const create = (name: string) =>
    fixture
      .client()
      .db('timeseries')
      .createCollection(name, {
        timeseries: { timeField: 'at', metaField: 'sensor', granularity: 'minutes' },
      });

  afterEach(async () => {
    await fixture
      .client()
      .db('timeseries')
      .collection('readings')
      .drop()
      .catch(() => undefined);
  });

  it('is listed with type timeseries and its options', async () => {
    await create('readings');
    const [listed] = await fixture
      .client()
      .db('timeseries')
      .listCollections({ name: 'readings' })
      .toArray();
    expect(listed).toEqual({
      name: 'readings',
      type: 'timeseries',
      options: {
        timeseries: {
          timeField: 'at',
          metaField: 'sensor',
          granularity: 'minutes',
          bucketMaxSpanSeconds: 86_400,
        },
      },
      info: { readOnly: false },
    });
  });

  it('stores and queries measurements', async () => {
    const readings = await create('readings');
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    await readings.insertMany([
      { at: at(1), sensor: { id: 'a' }, value: 1 },
      { at: at(2), sensor: { id: 'b' }, value: 2 },
      { at: at(3), sensor: { id: 'a' }, value: 3 },
    ]);
    const found = await readings
      .find({ 'sensor.id': 'a', at: { $gte: at(2) } }, { projection: { _id: 0 } })
      .toArray();
    expect(found).toEqual([{ at: at(3), sensor: { id: 'a' }, value: 3 }]);
    const [total] = await readings
      .aggregate([
        { $group: { _id: '$sensor.id', sum: { $sum: '$value' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(total).toEqual({ _id: 'a', sum: 4 });
  });

  it.each([
    ['without the time field', { value: 1 }],
    ['with a time field that is not a date', { at: '2026-01-01', value: 1 }],
  ])('refuses a document %s, as mongod does (2)', async (_what, document) => {
    const readings = await create('readings');
    const error = await refusal(readings.insertOne(document));
    expect(error.code).toBe(2);
    expect(error.message).toContain(
      "'at' must be present and contain a valid BSON UTC datetime value",
    );
    expect(await readings.countDocuments()).toBe(0);
  });

  it('refuses options without a time field (40414)', async () => {
    const error = await refusal(
      fixture
        .client()
        .db('timeseries')
        .createCollection('readings', { timeseries: { metaField: 'sensor' } as never }),
    );
    expect(error.code).toBe(40414);
  });
});
