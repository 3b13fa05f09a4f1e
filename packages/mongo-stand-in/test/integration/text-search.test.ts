/**
 * Text indexes and `$text` through the official driver, answered as a standalone mongod 7.0
 * answers them: how the index is listed, which documents a search finds (words, stems, stop
 * words, phrases, negations, folding), their order by score, and each refusal with mongod's
 * code. Scores themselves are approximations of mongod's and are only compared.
 */
import type { Collection } from 'mongodb';
import { refusal, standInPerFile, type NumberedDocument } from './driver-fixture';

const ARTICLES: NumberedDocument[] = [
  { _id: 1, title: 'Coffee shop opens', body: 'A new coffee shop opened downtown.' },
  { _id: 2, title: 'Tea and cakes', body: 'The tea room serves cakes and coffee.' },
  { _id: 3, title: 'Running shoes', body: 'Runners run in new shoes every season.' },
  { _id: 4, title: 'Café culture', body: 'Crème brûlée at the CAFÉ.' },
  { _id: 5, title: 'Shopping', body: 'The shop sells coffee mugs, coffee beans and coffee.' },
];

describe('text search', () => {
  const fixture = standInPerFile('stand_in_text_search');

  async function articles(): Promise<Collection<NumberedDocument>> {
    const collection = fixture.collection();
    await collection.insertMany(ARTICLES);
    await collection.createIndex({ title: 'text', body: 'text' });
    return collection;
  }

  const ids = async (collection: Collection<NumberedDocument>, search: string) =>
    (await collection.find({ $text: { $search: search } }).toArray()).map((doc) => doc._id).sort();

  describe('text indexes', () => {
    it('lists a text index as mongod 7.0 stores it', async () => {
      const collection = fixture.collection();
      await collection.createIndex(
        { title: 'text', body: 'text' },
        { weights: { title: 10 }, default_language: 'english', name: 'search' },
      );
      const indexes = await collection.listIndexes().toArray();
      expect(indexes[1]).toEqual({
        v: 2,
        key: { _fts: 'text', _ftsx: 1 },
        name: 'search',
        weights: { body: 1, title: 10 },
        default_language: 'english',
        language_override: 'language',
        textIndexVersion: 3,
      });
    });

    it('keeps the ascending fields of a compound text index around the text fields', async () => {
      const collection = fixture.collection();
      await collection.createIndex({ category: 1, title: 'text', year: -1 });
      const [, index] = await collection.listIndexes().toArray();
      expect(index.key).toEqual({ category: 1, _fts: 'text', _ftsx: 1, year: -1 });
      expect(index.name).toBe('category_1_title_text_year_-1');
      expect(index.weights).toEqual({ title: 1 });
    });

    it('accepts the same text index again and refuses a second one with 85', async () => {
      const collection = fixture.collection();
      await collection.createIndex({ title: 'text' });
      await expect(collection.createIndex({ title: 'text' })).resolves.toBe('title_text');
      const other = await refusal(collection.createIndex({ body: 'text' }));
      expect(other.code).toBe(85);
      expect(other.codeName).toBe('IndexOptionsConflict');
      const compound = await refusal(collection.createIndex({ kind: 1, body: 'text' }));
      expect(compound.code).toBe(85);
      expect(compound.message).toContain('only one text index');
    });

    it('refuses an unknown default language and a weight out of range', async () => {
      const collection = fixture.collection();
      const language = await refusal(
        collection.createIndex({ title: 'text' }, { default_language: 'klingon' }),
      );
      expect(language.code).toBe(17262);
      const weight = await refusal(
        collection.createIndex({ title: 'text' }, { weights: { title: 0 } }),
      );
      expect(weight.code).toBe(67);
    });

    it('refuses a document whose language override is unknown: 17262', async () => {
      const collection = await articles();
      const error = await refusal(
        collection.insertOne({ _id: 9, title: 'x', language: 'klingon' }),
      );
      expect(error.code).toBe(17262);
      await collection.insertOne({ _id: 10, title: 'las tiendas', language: 'spanish' });
      const spanish = await collection
        .find({ $text: { $search: 'tiendas', $language: 'es' } })
        .toArray();
      expect(spanish.map((doc) => doc._id)).toEqual([10]);
    });
  });

  describe('$text', () => {
    it('needs a text index: 27 IndexNotFound', async () => {
      const collection = fixture.collection();
      await collection.insertMany(ARTICLES);
      const error = await refusal(collection.find({ $text: { $search: 'coffee' } }).toArray());
      expect(error.code).toBe(27);
      expect(error.codeName).toBe('IndexNotFound');
      expect(error.message).toBe('text index required for $text query');
    });

    it('finds any of the words, stemmed, case and diacritics folded', async () => {
      const collection = await articles();
      expect(await ids(collection, 'coffee')).toEqual([1, 2, 5]);
      expect(await ids(collection, 'tea shoes')).toEqual([2, 3]);
      expect(await ids(collection, 'running')).toEqual([3]);
      expect(await ids(collection, 'shops')).toEqual([1, 5]);
      expect(await ids(collection, 'cafe CREME')).toEqual([4]);
    });

    it('ignores stop words: a search of stop words alone finds nothing', async () => {
      const collection = await articles();
      expect(await ids(collection, 'the and at')).toEqual([]);
      expect(await ids(collection, 'the tea')).toEqual([2]);
    });

    it('requires every quoted phrase and excludes negated words', async () => {
      const collection = await articles();
      expect(await ids(collection, '"coffee shop"')).toEqual([1]);
      expect(await ids(collection, 'coffee -shop')).toEqual([2]);
      expect(await ids(collection, '"coffee" "cakes"')).toEqual([2]);
      expect(await ids(collection, 'coffee -"new coffee"')).toEqual([2, 5]);
    });

    it('is case and diacritic sensitive when asked', async () => {
      const collection = await articles();
      const find = (search: string, options: Record<string, boolean>) =>
        collection
          .find({ $text: { $search: search, ...options } })
          .toArray()
          .then((docs) => docs.map((doc) => doc._id));
      expect(await find('CAFÉ', { $caseSensitive: true })).toEqual([4]);
      expect(await find('cafe', { $caseSensitive: true })).toEqual([]);
      expect(await find('cafe', { $diacriticSensitive: true })).toEqual([]);
      expect(await find('café', { $diacriticSensitive: true })).toEqual([4]);
    });

    it('combines with the rest of the filter, at the top level or in $and', async () => {
      const collection = await articles();
      const found = await collection
        .find({ $and: [{ $text: { $search: 'coffee' } }, { _id: { $gt: 1 } }] })
        .toArray();
      expect(found.map((doc) => doc._id)).toEqual([2, 5]);
      expect(await collection.countDocuments({ $text: { $search: 'coffee' } })).toBe(3);
    });

    it('projects and sorts by textScore, the most frequent and weighty matches first', async () => {
      const collection = await articles();
      const found = await collection
        .find(
          { $text: { $search: 'coffee' } },
          { projection: { title: 1, score: { $meta: 'textScore' } } },
        )
        .sort({ score: { $meta: 'textScore' } })
        .toArray();
      // `coffee` is a third of 1's title and a fifth of its body; three times in 5's longer
      // body (repeats count less and less); once in 2's.
      expect(found.map((doc) => doc._id)).toEqual([1, 5, 2]);
      expect(Object.keys(found[0]).sort()).toEqual(['_id', 'score', 'title']);
      expect(found[0].score).toBeGreaterThan(found[1].score);
      expect(found[1].score).toBeGreaterThan(found[2].score);
      expect(found[2].score).toBeGreaterThan(0);
    });

    it('lets field weights decide the order', async () => {
      const collection = fixture.collection();
      await collection.insertMany([
        { _id: 1, title: 'garden', body: 'tools' },
        { _id: 2, title: 'tools', body: 'garden' },
      ]);
      await collection.createIndex({ title: 'text', body: 'text' }, { weights: { title: 5 } });
      const found = await collection
        .find({ $text: { $search: 'garden' } })
        .sort({ score: { $meta: 'textScore' } })
        .toArray();
      expect(found).toEqual([
        { _id: 1, title: 'garden', body: 'tools' },
        { _id: 2, title: 'tools', body: 'garden' },
      ]);
    });

    it('needs equality on the leading fields of a compound text index: 291 otherwise', async () => {
      const collection = fixture.collection();
      await collection.insertMany([
        { _id: 1, shop: 'a', title: 'coffee beans' },
        { _id: 2, shop: 'b', title: 'coffee cups' },
      ]);
      await collection.createIndex({ shop: 1, title: 'text' });
      const found = await collection.find({ shop: 'b', $text: { $search: 'coffee' } }).toArray();
      expect(found.map((doc) => doc._id)).toEqual([2]);
      const open = await refusal(
        collection.find({ shop: { $in: ['a', 'b'] }, $text: { $search: 'coffee' } }).toArray(),
      );
      expect(open.code).toBe(291);
    });

    it('is explained as a TEXT_MATCH over the scan of the rest of the filter', async () => {
      const collection = await articles();
      const explained = await collection.find({ $text: { $search: 'coffee' }, _id: 5 }).explain();
      expect(explained.queryPlanner.winningPlan).toMatchObject({
        stage: 'TEXT_MATCH',
        indexName: 'title_text_body_text',
        inputStage: { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: '_id_' } },
      });
    });

    it('runs as the first $match of an aggregation, with textScore in later stages', async () => {
      const collection = await articles();
      const results = await collection
        .aggregate([
          { $match: { $text: { $search: 'coffee shop' } } },
          { $sort: { score: { $meta: 'textScore' } } },
          { $project: { _id: 1, score: { $meta: 'textScore' } } },
        ])
        .toArray();
      // 5's title `Shopping` is all `shop`, which lifts it above 1.
      expect(results.map((doc) => doc._id)).toEqual([5, 1, 2]);
      expect(results.every((doc) => typeof doc.score === 'number')).toBe(true);
      const plain = await collection
        .aggregate([{ $match: { $text: { $search: 'tea' } } }])
        .toArray();
      expect(plain).toEqual([ARTICLES[1]]);
    });

    it('refuses $text in a later $match with 17313', async () => {
      const collection = await articles();
      const error = await refusal(
        collection
          .aggregate([{ $match: { _id: 1 } }, { $match: { $text: { $search: 'coffee' } } }])
          .toArray(),
      );
      expect(error.code).toBe(17313);
    });
  });
});
