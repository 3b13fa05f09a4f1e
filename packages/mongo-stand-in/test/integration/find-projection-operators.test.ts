/**
 * The projection operators ODM-backed applications send in finds (`$slice`, the positional
 * `<array>.$`, `$elemMatch`), answered as mongod 7.0 answers them, with `_id` first.
 */
import { refusal, standInPerFile } from './driver-fixture';

describe('find projection operators', () => {
  const fixture = standInPerFile('projection');

  const post = {
    _id: 1,
    title: 'first',
    draft: false,
    tags: [1, 2, 3, 4, 5],
    comments: [
      { by: 'ann', votes: 1, meta: { flagged: false } },
      { by: 'bob', votes: 2, meta: { flagged: true } },
      { by: 'cid', votes: 3, meta: { flagged: false } },
    ],
  };

  beforeEach(async () => {
    await fixture.collection().insertOne(structuredClone(post));
  });

  const findOne = (filter: object, projection: object) =>
    fixture.collection().findOne(filter, { projection });

  describe('$slice', () => {
    it('alone keeps every other field, as an exclusion does', async () => {
      await expect(findOne({}, { tags: { $slice: 2 } })).resolves.toEqual({
        ...post,
        tags: [1, 2],
      });
    });

    it('beside an inclusion is included itself, with _id first', async () => {
      const found = await findOne({}, { title: 1, tags: { $slice: 2 } });
      expect(found).toEqual({ _id: 1, title: 'first', tags: [1, 2] });
      expect(Object.keys(found!)).toEqual(['_id', 'title', 'tags']);
    });

    it('beside an exclusion slices and excludes', async () => {
      const { draft: _draft, ...rest } = post;
      await expect(findOne({}, { draft: 0, tags: { $slice: [1, 2] } })).resolves.toEqual({
        ...rest,
        tags: [2, 3],
      });
    });

    it.each([
      [-2, [4, 5]],
      [
        [-3, 2],
        [3, 4],
      ],
      [
        [-9, 2],
        [1, 2],
      ],
      [
        [3, 9],
        [4, 5],
      ],
    ])('%j gives %j', async (slice, expected) => {
      await expect(findOne({}, { _id: 0, tags: { $slice: slice } })).resolves.toEqual({
        ...(({ _id, ...rest }) => rest)(post),
        tags: expected,
      });
    });

    it('refuses a limit that is not positive, as mongod does (28724)', async () => {
      const error = await refusal(findOne({}, { tags: { $slice: [1, 0] } }));
      expect(error.code).toBe(28724);
    });

    it('leaves the stored array whole', async () => {
      await findOne({}, { comments: { $slice: 1 } });
      await expect(findOne({}, { comments: 1 })).resolves.toEqual({
        _id: 1,
        comments: post.comments,
      });
    });
  });

  describe('positional <array>.$', () => {
    it.each([
      ['a dotted condition', { 'comments.votes': 2 }, 'comments', [post.comments[1]]],
      [
        'an $elemMatch',
        { comments: { $elemMatch: { votes: { $gte: 2 }, by: { $ne: 'bob' } } } },
        'comments',
        [post.comments[2]],
      ],
      ['an equality on the array', { tags: 4 }, 'tags', [4]],
      ['a range on the array', { tags: { $gt: 2 } }, 'tags', [3]],
    ])('returns the element %s matched', async (_what, filter, field, expected) => {
      await expect(findOne(filter, { [`${field}.$`]: 1 })).resolves.toEqual({
        _id: 1,
        [field]: expected,
      });
    });

    it('keeps the inclusions beside it', async () => {
      await expect(findOne({ tags: 3 }, { title: 1, 'tags.$': 1 })).resolves.toEqual({
        _id: 1,
        title: 'first',
        tags: [3],
      });
    });

    it('fails as mongod does when the query has no condition on the array (51246)', async () => {
      const error = await refusal(findOne({ title: 'first' }, { 'tags.$': 1 }));
      expect(error.code).toBe(51246);
    });

    it('works in findOneAndUpdate, from its query', async () => {
      const found = await fixture
        .collection()
        .findOneAndUpdate(
          { 'comments.by': 'cid' },
          { $set: { seen: true } },
          { projection: { 'comments.$': 1 } },
        );
      expect(found).toEqual({ _id: 1, comments: [post.comments[2]] });
    });
  });

  describe('$elemMatch', () => {
    it.each([
      ['$in', { by: { $in: ['bob', 'cid'] } }, post.comments[1]],
      ['$gte and $ne', { votes: { $gte: 2 }, by: { $ne: 'bob' } }, post.comments[2]],
      ['$lt', { votes: { $lt: 2 } }, post.comments[0]],
      ['a nested document field', { 'meta.flagged': true }, post.comments[1]],
      ['a nested document', { meta: { flagged: true } }, post.comments[1]],
    ])('with %s returns the first matching element', async (_what, condition, expected) => {
      await expect(findOne({}, { comments: { $elemMatch: condition } })).resolves.toEqual({
        _id: 1,
        comments: [expected],
      });
    });

    it('omits the field when no element matches', async () => {
      await expect(
        findOne({}, { title: 1, comments: { $elemMatch: { votes: { $lt: 0 } } } }),
      ).resolves.toEqual({ _id: 1, title: 'first' });
    });
  });
});
