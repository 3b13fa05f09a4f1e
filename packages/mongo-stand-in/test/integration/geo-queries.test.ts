/**
 * Geo indexes and queries through the official driver, answered as a standalone mongod 7.0
 * answers them on small data: `$geoWithin`, `$geoIntersects`, `$near`/`$nearSphere` in
 * meters, radians or plane units, the `$geoNear` stage, and the refusals (16755 for a
 * document a 2dsphere index cannot hold, 291 for a near query without a geo index).
 */
import type { Collection } from 'mongodb';
import { refusal, standInPerFile, type NumberedDocument } from './driver-fixture';

const point = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
const TIMES_SQUARE = point(-73.9855, 40.758);

const PLACES: NumberedDocument[] = [
  { _id: 1, name: 'Central Park', kind: 'park', loc: point(-73.9654, 40.7829) },
  { _id: 2, name: 'Times Square', kind: 'square', loc: TIMES_SQUARE },
  { _id: 3, name: 'Brooklyn Bridge', kind: 'bridge', loc: point(-73.9969, 40.7061) },
  { _id: 4, name: 'Statue of Liberty', kind: 'monument', loc: point(-74.0445, 40.6892) },
  { _id: 5, name: 'JFK', kind: 'airport', loc: point(-73.7781, 40.6413) },
];

/** Lower Manhattan, as a closed ring. */
const MANHATTAN = {
  type: 'Polygon',
  coordinates: [
    [
      [-74.02, 40.7],
      [-73.95, 40.7],
      [-73.95, 40.8],
      [-74.02, 40.8],
      [-74.02, 40.7],
    ],
  ],
};

describe('geo queries', () => {
  const fixture = standInPerFile('stand_in_geo_queries');
  const idsOf = (documents: NumberedDocument[]) => documents.map((doc) => doc._id);

  async function places(index = true): Promise<Collection<NumberedDocument>> {
    const collection = fixture.collection();
    await collection.insertMany(PLACES);
    if (index) await collection.createIndex({ loc: '2dsphere' });
    return collection;
  }

  async function plane(): Promise<Collection<NumberedDocument>> {
    const collection = fixture.collection();
    await collection.insertMany([
      { _id: 1, pos: [3, 4] },
      { _id: 2, pos: [0, 0] },
      { _id: 3, pos: [1, 1] },
      { _id: 4, pos: [10, 10] },
    ]);
    await collection.createIndex({ pos: '2d' }, { min: -50, max: 50, bits: 20 });
    return collection;
  }

  describe('indexes', () => {
    it('lists 2dsphere with version 3 and 2d with its options', async () => {
      const collection = fixture.collection();
      await collection.createIndex({ loc: '2dsphere', kind: 1 });
      await collection.createIndex({ pos: '2d' }, { min: -50, max: 50, bits: 20 });
      const [, sphere, flat] = await collection.listIndexes().toArray();
      expect(sphere).toEqual({
        v: 2,
        key: { loc: '2dsphere', kind: 1 },
        name: 'loc_2dsphere_kind_1',
        '2dsphereIndexVersion': 3,
      });
      expect(flat).toEqual({
        v: 2,
        key: { pos: '2d' },
        name: 'pos_2d',
        min: -50,
        max: 50,
        bits: 20,
      });
    });

    it('refuses a 2d field after the first and bits out of range (67)', async () => {
      const collection = fixture.collection();
      expect((await refusal(collection.createIndex({ a: 1, pos: '2d' }))).code).toBe(67);
      expect((await refusal(collection.createIndex({ pos: '2d' }, { bits: 40 }))).code).toBe(67);
    });

    it('refuses a document whose indexed field is no geometry: 16755', async () => {
      const collection = await places();
      const bad = await refusal(
        collection.insertOne({ _id: 6, loc: { type: 'Point', coordinates: [200, 10] } }),
      );
      expect(bad.code).toBe(16755);
      expect(bad.message).toContain("Can't extract geo keys");
      const open = await refusal(
        collection.insertOne({
          _id: 7,
          loc: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            ],
          },
        }),
      );
      expect(open.code).toBe(16755);
      expect((await refusal(collection.insertOne({ _id: 8, loc: 'here' }))).code).toBe(16755);
      await collection.insertOne({ _id: 9, name: 'nowhere' });
      expect(await collection.countDocuments()).toBe(6);
      const update = await refusal(collection.updateOne({ _id: 1 }, { $set: { loc: ['a', 'b'] } }));
      expect(update.code).toBe(16755);
      const moved = await refusal(collection.updateOne({ _id: 1 }, { $set: { loc: [0, 100] } }));
      expect(moved.code).toBe(16755);
      expect((await collection.findOne({ _id: 1 }))?.loc).toEqual(PLACES[0].loc);
    });

    it('refuses to build a 2dsphere index over a document without a geometry', async () => {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 1, loc: { type: 'Point', coordinates: ['a', 'b'] } });
      expect((await refusal(collection.createIndex({ loc: '2dsphere' }))).code).toBe(16755);
    });
  });

  describe('$geoWithin and $geoIntersects', () => {
    it('finds the points within a GeoJSON polygon, with or without an index', async () => {
      for (const index of [true, false]) {
        const collection = await places(index);
        const found = await collection
          .find({ loc: { $geoWithin: { $geometry: MANHATTAN } } })
          .toArray();
        expect(idsOf(found)).toEqual([1, 2, 3]);
        await collection.drop();
      }
    });

    it('filters in an aggregation $match too', async () => {
      const collection = await places();
      const results = await collection
        .aggregate([{ $match: { loc: { $geoWithin: { $geometry: MANHATTAN } } } }, { $count: 'n' }])
        .toArray();
      expect(results).toEqual([{ n: 3 }]);
    });

    it('finds the points within a sphere of a radius in radians ($centerSphere)', async () => {
      const collection = await places();
      const fiveKm = 5_000 / 6_378_100;
      const found = await collection
        .find({ loc: { $geoWithin: { $centerSphere: [[-73.9855, 40.758], fiveKm] } } })
        .toArray();
      expect(idsOf(found)).toEqual([1, 2]);
    });

    it('finds legacy pairs within $box, $polygon and $center on a plane', async () => {
      const collection = await plane();
      const within = async (shape: Record<string, unknown>) =>
        idsOf(await collection.find({ pos: { $geoWithin: shape } }).toArray());
      expect(
        await within({
          $box: [
            [0, 0],
            [2, 2],
          ],
        }),
      ).toEqual([2, 3]);
      const square = [
        [-1, -1],
        [5, -1],
        [5, 5],
        [-1, 5],
      ];
      expect(await within({ $polygon: square })).toEqual([1, 2, 3]);
      const triangle = [
        [-1, -1],
        [6, -1],
        [-1, 6],
      ];
      expect(await within({ $polygon: triangle })).toEqual([2, 3]);
      expect(await within({ $center: [[0, 0], 5] })).toEqual([1, 2, 3]);
    });

    it('finds the areas a point or a line intersects', async () => {
      const collection = fixture.collection();
      await collection.insertMany([
        { _id: 1, area: MANHATTAN },
        { _id: 2, area: point(-73.9, 40.75) },
        {
          _id: 3,
          area: {
            type: 'LineString',
            coordinates: [
              [-73.8, 40.6],
              [-73.7, 40.7],
            ],
          },
        },
      ]);
      await collection.createIndex({ area: '2dsphere' });
      const intersecting = async (geometry: Record<string, unknown>) =>
        idsOf(
          await collection.find({ area: { $geoIntersects: { $geometry: geometry } } }).toArray(),
        );
      expect(await intersecting(TIMES_SQUARE)).toEqual([1]);
      expect(
        await intersecting({
          type: 'LineString',
          coordinates: [
            [-74.0, 40.75],
            [-73.9, 40.75],
          ],
        }),
      ).toEqual([1, 2]);
      const east = {
        type: 'Polygon',
        coordinates: [
          [
            [-73.92, 40.6],
            [-73.75, 40.6],
            [-73.75, 40.78],
            [-73.92, 40.78],
            [-73.92, 40.6],
          ],
        ],
      };
      expect(await intersecting(east)).toEqual([2, 3]);
    });

    it('refuses an unknown shape with BadValue', async () => {
      const collection = await places();
      const error = await refusal(
        collection.find({ loc: { $geoWithin: { $triangle: [] } } }).toArray(),
      );
      expect(error.code).toBe(2);
    });
  });

  describe('$near and $nearSphere', () => {
    it('sorts by distance in meters within $minDistance and $maxDistance', async () => {
      const collection = await places();
      const near = (options: Record<string, number>) =>
        collection
          .find({ loc: { $near: { $geometry: TIMES_SQUARE, ...options } } })
          .toArray()
          .then(idsOf);
      expect(await near({})).toEqual([2, 1, 3, 4, 5]);
      expect(await near({ $maxDistance: 6_500 })).toEqual([2, 1, 3]);
      expect(await near({ $minDistance: 1_000, $maxDistance: 10_000 })).toEqual([1, 3, 4]);
    });

    it('combines with the rest of the filter and a limit', async () => {
      const collection = await places();
      const found = await collection
        .find({ kind: { $ne: 'park' }, loc: { $nearSphere: { $geometry: TIMES_SQUARE } } })
        .limit(2)
        .toArray();
      expect(idsOf(found)).toEqual([2, 3]);
    });

    it('measures legacy pairs on a plane with a 2d index, in radians with $nearSphere', async () => {
      const collection = await plane();
      const near = await collection.find({ pos: { $near: [0, 0], $maxDistance: 5 } }).toArray();
      expect(idsOf(near)).toEqual([2, 3, 1]);
      const sphere = await collection
        .find({ pos: { $nearSphere: [0, 0], $maxDistance: 0.03 } })
        .toArray();
      expect(idsOf(sphere)).toEqual([2, 3]);
    });

    it('is explained as a GEO_NEAR stage naming its index', async () => {
      const collection = await places();
      const explained = await collection
        .find({ loc: { $near: { $geometry: TIMES_SQUARE } } })
        .explain();
      expect(explained.queryPlanner.winningPlan).toMatchObject({
        stage: 'GEO_NEAR_2DSPHERE',
        indexName: 'loc_2dsphere',
      });
    });

    it('is refused where it cannot rank: under $or, in countDocuments (2)', async () => {
      const collection = await places();
      const near = { loc: { $near: { $geometry: TIMES_SQUARE } } };
      const nested = await refusal(collection.find({ $or: [near, { _id: 1 }] }).toArray());
      expect(nested.code).toBe(2);
      const counted = await refusal(collection.countDocuments(near));
      expect(counted.code).toBe(2);
      expect(counted.message).toContain('not allowed in this context');
    });

    it('needs a geo index: 291', async () => {
      const collection = await places(false);
      const error = await refusal(
        collection.find({ loc: { $near: { $geometry: TIMES_SQUARE } } }).toArray(),
      );
      expect(error.code).toBe(291);
      expect(error.message).toContain('unable to find index for $geoNear query');
    });
  });

  describe('$geoNear', () => {
    it('adds the distance and location, nearest first, within the query and range', async () => {
      const collection = await places();
      const results = await collection
        .aggregate([
          {
            $geoNear: {
              near: TIMES_SQUARE,
              distanceField: 'dist.meters',
              includeLocs: 'dist.location',
              maxDistance: 10_000,
              query: { kind: { $ne: 'square' } },
              spherical: true,
            },
          },
          { $project: { name: 1, dist: 1 } },
        ])
        .toArray();
      expect(idsOf(results as NumberedDocument[])).toEqual([1, 3, 4]);
      expect(results[0].dist.location).toEqual(PLACES[0].loc);
      expect(results[0].dist.meters).toBeGreaterThan(2_500);
      expect(results[0].dist.meters).toBeLessThan(3_500);
      expect(results[1].dist.meters).toBeGreaterThan(results[0].dist.meters);
    });

    it('measures legacy pairs on a 2d index in plane units, by key', async () => {
      const collection = await plane();
      const results = await collection
        .aggregate([{ $geoNear: { near: [0, 0], distanceField: 'd', key: 'pos', minDistance: 1 } }])
        .toArray();
      expect(results.map((doc) => [doc._id, doc.d])).toEqual([
        [3, Math.SQRT2],
        [1, 5],
        [4, Math.hypot(10, 10)],
      ]);
    });

    it('needs a geo index (291) and to be the first stage (40603)', async () => {
      const bare = await places(false);
      const missing = await refusal(
        bare.aggregate([{ $geoNear: { near: TIMES_SQUARE, distanceField: 'd' } }]).toArray(),
      );
      expect(missing.code).toBe(291);
      await bare.createIndex({ loc: '2dsphere' });
      const late = await refusal(
        bare
          .aggregate([{ $match: {} }, { $geoNear: { near: TIMES_SQUARE, distanceField: 'd' } }])
          .toArray(),
      );
      expect(late.code).toBe(40603);
    });
  });
});
