/**
 * Regular expressions run in linear time (RE2) wherever the stand-in evaluates them: a
 * catastrophically backtracking pattern cannot block the stand-in, and so every test sharing
 * it; what RE2 cannot run is refused with mongod's invalid-regex codes.
 */
import { BSONRegExp, MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';

/** `^(a+)+$` backtracks through every split of the `a`s before failing on the `!`. */
const EVIL_PATTERN = '^(a+)+$';
const EVIL_INPUT = `${'a'.repeat(28)}!`;
/** A backtracking engine needs seconds for EVIL_INPUT; RE2 needs microseconds. */
const FAST_MS = 500;

describe('regular expressions on RE2', () => {
  let server: StandInServer;
  let client: MongoClient;
  let texts: Collection<{ _id: number } & Document>;

  beforeAll(async () => {
    server = await startStandIn();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    texts = client.db('linear-regex').collection('texts');
    await texts.insertMany([
      { _id: 1, s: EVIL_INPUT, tags: [EVIL_INPUT] },
      { _id: 2, s: 'a\nb', tags: ['x'] },
      { _id: 3, s: 'AB', tags: ['y'] },
      { _id: 4, s: 'x😀yz', tags: ['z'] },
    ]);
  });

  afterAll(async () => {
    await client?.db('linear-regex').dropDatabase();
    await client?.close();
    await server?.stop();
  });

  const timed = async <T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await run();
    return { result, ms: performance.now() - started };
  };

  const evilSites: ReadonlyArray<[string, () => Promise<unknown>]> = [
    ['find $regex', () => texts.find({ s: { $regex: EVIL_PATTERN } }).toArray()],
    ['find with a regex value', () => texts.find({ s: new RegExp(EVIL_PATTERN) }).toArray()],
    ['find $in', () => texts.find({ s: { $in: [new RegExp(EVIL_PATTERN)] } }).toArray()],
    ['find $nin', () => texts.find({ s: { $nin: [new RegExp(EVIL_PATTERN)] } }).toArray()],
    ['find $all', () => texts.find({ tags: { $all: [new RegExp(EVIL_PATTERN)] } }).toArray()],
    ['find $not', () => texts.find({ s: { $not: new RegExp(EVIL_PATTERN) } }).toArray()],
    [
      'find $elemMatch',
      () => texts.find({ tags: { $elemMatch: { $regex: EVIL_PATTERN } } }).toArray(),
    ],
    ['count', () => texts.countDocuments({ s: { $regex: EVIL_PATTERN } })],
    [
      'aggregate $match',
      () => texts.aggregate([{ $match: { s: { $regex: EVIL_PATTERN } } }]).toArray(),
    ],
    [
      '$regexMatch',
      () =>
        texts
          .aggregate([{ $project: { m: { $regexMatch: { input: '$s', regex: EVIL_PATTERN } } } }])
          .toArray(),
    ],
    [
      '$regexFind',
      () =>
        texts
          .aggregate([{ $project: { m: { $regexFind: { input: '$s', regex: EVIL_PATTERN } } } }])
          .toArray(),
    ],
    [
      '$regexFindAll',
      () =>
        texts
          .aggregate([{ $project: { m: { $regexFindAll: { input: '$s', regex: EVIL_PATTERN } } } }])
          .toArray(),
    ],
    [
      'updateMany filter',
      () => texts.updateMany({ s: { $regex: EVIL_PATTERN } }, { $set: { seen: true } }),
    ],
    ['deleteMany filter', () => texts.deleteMany({ s: { $regex: EVIL_PATTERN } })],
  ];

  it.each(evilSites)('answers a backtracking pattern at once: %s', async (_site, run) => {
    const { ms } = await timed(run);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('still matches what the pattern describes', async () => {
    await texts.insertOne({ _id: 5, s: 'aaaa' });
    try {
      const found = await texts.find({ s: { $regex: EVIL_PATTERN } }).toArray();
      expect(found.map((document) => document._id)).toEqual([5]);
    } finally {
      await texts.deleteOne({ _id: 5 });
    }
  });

  it('keeps the options mongod supports: i, m, s and x', async () => {
    const ids = async (filter: Document): Promise<unknown[]> =>
      (await texts.find(filter, { sort: { _id: 1 } }).toArray()).map((document) => document._id);
    await expect(ids({ s: { $regex: '^ab$', $options: 'i' } })).resolves.toEqual([3]);
    await expect(ids({ s: { $regex: '^b', $options: 'm' } })).resolves.toEqual([2]);
    await expect(ids({ s: { $regex: '^b' } })).resolves.toEqual([]);
    await expect(ids({ s: { $regex: '^a.b$', $options: 's' } })).resolves.toEqual([2]);
    await expect(ids({ s: { $regex: '^a.b$' } })).resolves.toEqual([]);
    await expect(
      ids({ s: { $regex: '^ a # the first letter\n b $', $options: 'ix' } }),
    ).resolves.toEqual([3]);
    await expect(ids({ s: /^ab$/i })).resolves.toEqual([3]);
    // RE2 (like mongod's PCRE) knows POSIX classes, which JavaScript reads as a set of characters.
    await expect(ids({ s: { $regex: '^[[:upper:]]+$' } })).resolves.toEqual([3]);
  });

  it('accepts the PCRE syntax RE2 shares and JavaScript lacks: inline flags, named groups', async () => {
    const ids = async (filter: Document): Promise<unknown[]> =>
      (await texts.find(filter, { sort: { _id: 1 } }).toArray()).map((document) => document._id);
    await expect(ids({ s: { $regex: '(?i)^ab$' } })).resolves.toEqual([3]);
    await expect(ids({ s: { $in: [/x/, new BSONRegExp('(?i)^a(?P<rest>b)$')] } })).resolves.toEqual(
      [3, 4],
    );
    await expect(ids({ s: { $not: new BSONRegExp('(?s)^.+$') } })).resolves.toEqual([]);
    const [found] = await texts
      .aggregate([
        { $match: { _id: 3 } },
        { $project: { m: { $regexMatch: { input: '$s', regex: '(?i)^ab$' } } } },
      ])
      .toArray();
    expect(found).toEqual({ _id: 3, m: true });
  });

  it('refuses backreferences and lookaround in a query with 51091, saying why', async () => {
    for (const pattern of ['(a)\\1', 'a(?=b)', '(?<=a)b', '(?>a)', 'a++']) {
      const refused = await texts
        .find({ s: { $regex: pattern } })
        .toArray()
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(MongoServerError);
      expect(refused).toMatchObject({ code: 51091 });
      expect((refused as Error).message).toMatch(/Regular expression is invalid: .*RE2/);
    }
  });

  it('refuses invalid options with 51108', async () => {
    await expect(texts.find({ s: { $regex: 'a', $options: 'g' } }).toArray()).rejects.toMatchObject(
      { code: 51108 },
    );
  });

  it('evaluates $regexFind and $regexFindAll as mongod does (code point indexes, null captures)', async () => {
    const [result] = await texts
      .aggregate([
        { $match: { _id: 4 } },
        {
          $project: {
            _id: 0,
            first: { $regexFind: { input: '$s', regex: '(y)|(z)' } },
            all: { $regexFindAll: { input: '$s', regex: '(y)|(z)' } },
            match: { $regexMatch: { input: '$s', regex: 'Y', options: 'i' } },
            none: { $regexFind: { input: null, regex: 'y' } },
          },
        },
      ])
      .toArray();
    expect(result).toEqual({
      first: { match: 'y', idx: 2, captures: ['y', null] },
      all: [
        { match: 'y', idx: 2, captures: ['y', null] },
        { match: 'z', idx: 3, captures: [null, 'z'] },
      ],
      match: true,
      none: null,
    });
  });

  it('refuses what RE2 cannot run in the expressions with 51111, and bad arguments with their codes', async () => {
    const project = (expression: Document): Promise<Document[]> =>
      texts.aggregate([{ $project: { m: expression } }]).toArray();
    await expect(project({ $regexMatch: { input: '$s', regex: '(a)\\1' } })).rejects.toMatchObject({
      code: 51111,
    });
    await expect(project({ $regexFind: { input: '$s', regex: 'a(?!b)' } })).rejects.toMatchObject({
      code: 51111,
    });
    await expect(project({ $regexMatch: { input: '$s', regex: 1 } })).rejects.toMatchObject({
      code: 51105,
    });
    await expect(
      project({ $regexMatch: { input: '$s', regex: 'a', options: 'q' } }),
    ).rejects.toMatchObject({ code: 51108 });
    await expect(
      project({ $regexMatch: { input: '$s', regex: /a/i, options: 's' } }),
    ).rejects.toMatchObject({ code: 51107 });
  });
});
