import { Decimal128, Long, MaxKey, MinKey, ObjectId } from 'bson';
import { canonicalKey } from '../../src/engine/canonical-key';
import { CollectionState } from '../../src/engine/collection-state';
import { findMatches, runPlan } from '../../src/engine/find-matches';
import { compileFilter } from '../../src/engine/query-matcher';
import { planQuery } from '../../src/engine/query-planner';
import type { SortSpec } from '../../src/engine/sort-documents';

type Document = Record<string, unknown>;

/** A small deterministic PRNG (mulberry32), so that a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATE = new Date('2024-01-01T00:00:00Z');
/** Values of mixed types, with numbers equal across representations and near-duplicates. */
const SCALARS: unknown[] = [
  0,
  1,
  2,
  2.5,
  -1,
  Long.fromNumber(1),
  Long.fromNumber(3),
  Decimal128.fromString('2'),
  Number.NaN,
  'a',
  'b',
  'ab',
  '',
  true,
  false,
  null,
  DATE,
  new Date(DATE.getTime() + 1000),
  new Date(DATE.getTime() - 1000),
  new ObjectId('65a000000000000000000001'),
  { x: 1 },
  { x: 1, y: 2 },
  new MinKey(),
  new MaxKey(),
];
const FIELDS = ['a', 'b', 'c', 'd.e'];

interface Generator {
  readonly next: () => number;
  readonly arrays: boolean;
}

function pick<T>(g: Generator, items: readonly T[]): T {
  return items[Math.floor(g.next() * items.length)];
}

function value(g: Generator): unknown {
  if (g.arrays && g.next() < 0.08) return [pick(g, SCALARS), pick(g, SCALARS)];
  return pick(g, SCALARS);
}

function randomDocument(g: Generator, id: number): Document {
  const document: Document = { _id: id };
  for (const field of ['a', 'b', 'c']) {
    if (g.next() < 0.85) document[field] = value(g);
  }
  const roll = g.next();
  if (roll < 0.6) document.d = { e: value(g) };
  else if (roll < 0.7) document.d = pick(g, SCALARS);
  return document;
}

function condition(g: Generator): unknown {
  const roll = g.next();
  const operand = pick(g, SCALARS);
  if (roll < 0.3) return operand;
  if (roll < 0.45) return { $in: [pick(g, SCALARS), pick(g, SCALARS), pick(g, SCALARS)] };
  if (roll < 0.8) {
    const operators = ['$gt', '$gte', '$lt', '$lte'];
    const first = pick(g, operators);
    const range: Document = { [first]: operand };
    if (g.next() < 0.4) range[pick(g, operators)] = pick(g, SCALARS);
    return range;
  }
  if (roll < 0.87) return { $ne: operand };
  if (roll < 0.93) return { $exists: g.next() < 0.5 };
  return { $eq: operand };
}

function randomFilter(g: Generator, size: number): Document {
  const filter: Document = {};
  const count = 1 + Math.floor(g.next() * 3);
  for (let i = 0; i < count; i++) filter[pick(g, FIELDS)] = condition(g);
  const roll = g.next();
  if (roll < 0.1) return { $and: [filter, { [pick(g, FIELDS)]: condition(g) }] };
  if (roll < 0.18) {
    const ids = [0, 1, 2].map(() => Math.floor(g.next() * size));
    return { ...filter, _id: { $in: ids } };
  }
  if (roll < 0.24) {
    const clauses = [0, 1, 2].map(() => ({ _id: Math.floor(g.next() * size), a: condition(g) }));
    return { $or: clauses, b: condition(g) };
  }
  if (roll < 0.34) {
    // A general $or (the shape of Agenda's claim): each clause on indexed or unindexed fields.
    const clauses = [0, 1].map(() => ({
      [pick(g, FIELDS)]: condition(g),
      [pick(g, FIELDS)]: condition(g),
    }));
    return { ...filter, $or: clauses };
  }
  return filter;
}

function randomSort(g: Generator): SortSpec | undefined {
  const roll = g.next();
  if (roll < 0.3) return undefined;
  const paths = roll < 0.6 ? ['a', 'b'] : roll < 0.8 ? ['b', 'c', 'a'] : [pick(g, FIELDS)];
  const length = 1 + Math.floor(g.next() * paths.length);
  const flip = g.next() < 0.5 ? -1 : 1;
  return paths
    .slice(0, length)
    .map((path) => [path, (g.next() < 0.8 ? flip : -flip) as 1 | -1] as const);
}

const INDEXES: Document[] = [
  { key: { a: 1 }, name: 'a' },
  { key: { a: 1, b: -1 }, name: 'a_b' },
  { key: { b: 1, c: 1, a: -1 }, name: 'b_c_a' },
  { key: { 'd.e': 1, a: 1 }, name: 'de_a' },
  { key: { c: -1 }, name: 'c_sparse', sparse: true },
  { key: { c: 1, b: 1 }, name: 'c_b_partial', partialFilterExpression: { c: { $gt: 0 } } },
  { key: { b: 1 }, name: 'b_partial', partialFilterExpression: { b: { $type: 'string' } } },
  // Partial filters on fields outside the key: an update of those fields alone moves a
  // document in or out of the index.
  { key: { c: 1 }, name: 'c_if_a', partialFilterExpression: { a: { $type: 'number' } } },
  {
    key: { a: -1 },
    name: 'a_if_de_or_b',
    partialFilterExpression: { $or: [{ 'd.e': { $exists: true } }, { b: true }] },
  },
];

/**
 * An update of the stored document: one field set to a new value or removed, or nothing
 * changed (a copy), so that most indexes keep their keys and some do not.
 */
function partialUpdate(g: Generator, stored: Document): Document {
  const document = { ...stored };
  const roll = g.next();
  if (roll < 0.15) return document;
  const field = pick(g, ['a', 'b', 'c', 'd', 'd.e']);
  if (roll < 0.25) {
    delete document[field.split('.')[0]];
  } else if (field === 'd.e') {
    const d = document.d;
    document.d = {
      ...(d !== null && typeof d === 'object' && !Array.isArray(d) ? d : {}),
      e: value(g),
    };
  } else {
    document[field] = value(g);
  }
  return document;
}

/** Each index's entries as `key id` strings, in index order. */
function indexContents(collection: CollectionState): Record<string, string[]> {
  const contents: Record<string, string[]> = {};
  for (const index of collection.secondaryIndexes()) {
    const start = index.lowerBound(() => false);
    const end = index.lowerBound(() => true);
    contents[index.spec.name] = index.sliceBetween(start, end).map((e) => `${e.key} ${e.id}`);
  }
  return contents;
}

/** Two collections holding the same documents in the same natural order, one indexed. */
function twins(g: Generator, size: number): [CollectionState, CollectionState] {
  const indexed = new CollectionState('test', 'indexed');
  const plain = new CollectionState('test', 'plain');
  for (const index of INDEXES) indexed.createIndex(index);
  const write = (action: (collection: CollectionState) => void): void => {
    try {
      action(indexed);
    } catch {
      return; // parallel arrays in a compound index: refused, and left out of both
    }
    action(plain);
  };
  for (let id = 0; id < size; id++) {
    const document = randomDocument(g, id);
    write((collection) => collection.insert(document));
  }
  // Updates and deletes keep the index order consistent with the documents.
  for (let i = 0; i < size / 2; i++) {
    const id = Math.floor(g.next() * size);
    const idKey = canonicalKey(id);
    if (!plain.get(idKey)) continue;
    if (g.next() < 0.3) {
      write((collection) => collection.remove(idKey));
      if (g.next() < 0.5) {
        const document = randomDocument(g, id);
        write((collection) => collection.insert(document));
      }
    } else {
      const document = g.next() < 0.5 ? partialUpdate(g, plain.get(idKey)!) : randomDocument(g, id);
      write((collection) => collection.replace(idKey, document));
    }
  }
  // The indexes an update left as they were hold what indexing the documents afresh gives.
  const rebuilt = new CollectionState('test', 'rebuilt');
  for (const index of INDEXES) rebuilt.createIndex(index);
  for (const document of indexed.all()) rebuilt.insert(document);
  expect(indexContents(indexed)).toEqual(indexContents(rebuilt));
  return [indexed, plain];
}

const ids = (documents: Document[]): unknown[] => documents.map((document) => document._id);

describe('indexed candidate selection is equivalent to a collection scan', () => {
  const cases: Array<[string, boolean]> = [
    ['scalar fields', false],
    ['some array fields (multikey fallback)', true],
  ];
  it.each(cases)('random documents, filters and sorts: %s', (_, arrays) => {
    let indexedPlans = 0;
    let orderedPlans = 0;
    let sortedOrPlans = 0;
    let queries = 0;
    for (let seed = 1; seed <= 13; seed++) {
      const g: Generator = { next: random(seed * (arrays ? 7919 : 1)), arrays };
      // The last seed is large enough for the index to span several chunks.
      const size = seed === 13 ? 3000 : 40 + Math.floor(g.next() * 160);
      const [indexed, plain] = twins(g, size);
      for (let q = 0; q < (seed === 13 ? 60 : 150); q++) {
        const filter = randomFilter(g, size);
        const sort = randomSort(g);
        const limit = pick(g, [0, 0, 1, 3]);
        const plan = planQuery(indexed, filter, sort);
        if (plan.kind !== 'collscan') indexedPlans += 1;
        if (plan.kind === 'index' && plan.order) orderedPlans += 1;
        if (plan.kind === 'sorted-or') sortedOrPlans += 1;
        queries += 1;
        const scan = runPlan(plain, { kind: 'collscan' }, compileFilter(filter), limit, sort);
        const expected = ids(scan);
        const actual = ids(findMatches(indexed, filter, limit, sort));
        if (canonicalKey(actual) !== canonicalKey(expected)) {
          throw new Error(
            `seed ${seed}, query ${q}: ${JSON.stringify({ filter, sort, limit, plan: plan.kind })}\n` +
              `expected ${JSON.stringify(expected)}\nreceived ${JSON.stringify(actual)}`,
          );
        }
      }
    }
    // The comparison is only worth something if the indexes were really used.
    if (!arrays) {
      expect(indexedPlans).toBeGreaterThan(queries / 4);
      expect(orderedPlans).toBeGreaterThan(queries / 20);
      expect(sortedOrPlans).toBeGreaterThan(0);
    }
  });
});

describe("Agenda's claim query, as mongod plans it", () => {
  const NOW = new Date('2026-01-01T00:00:00Z');
  const agendaJobs = (finished: number, due: number): CollectionState => {
    const jobs = new CollectionState('test', 'agendaJobs');
    // The index Agenda's MongoBackend creates on connect.
    jobs.createIndex({
      key: { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 },
      name: 'findAndLockNextJobIndex',
    });
    let id = 0;
    // Finished one-off jobs: no next run, no lock. They sort first in the index.
    for (let i = 0; i < finished; i++)
      jobs.insert({ _id: id++, name: 'noop', nextRunAt: null, priority: 0, lockedAt: null });
    for (let i = 0; i < due; i++) {
      const nextRunAt = new Date(NOW.getTime() - 60_000 + Math.floor(i / 100));
      jobs.insert({ _id: id++, name: 'noop', nextRunAt, priority: 0, lockedAt: null });
    }
    return jobs;
  };
  const claim = {
    name: 'noop',
    disabled: { $ne: true },
    $or: [
      { lockedAt: { $eq: null }, nextRunAt: { $lte: NOW } },
      { lockedAt: { $lte: new Date(NOW.getTime() - 600_000) } },
    ],
  };
  const sort: SortSpec = [
    ['nextRunAt', 1],
    ['priority', -1],
  ];

  /** How many index entries and documents `run` reads. */
  function reads(jobs: CollectionState, run: () => void): { entries: number; documents: number } {
    const counts = { entries: 0, documents: 0 };
    const [index] = [...jobs.secondaryIndexes()];
    const between = index.entriesBetween.bind(index);
    const get = jobs.get.bind(jobs);
    const entries = jest.spyOn(index, 'entriesBetween').mockImplementation(function* (...args) {
      for (const entry of between(...args)) {
        counts.entries += 1;
        yield entry;
      }
    });
    const documents = jest.spyOn(jobs, 'get').mockImplementation((idKey) => {
      counts.documents += 1;
      return get(idKey);
    });
    try {
      run();
    } finally {
      entries.mockRestore();
      documents.mockRestore();
    }
    return counts;
  }

  it('merges one ordered scan per clause, skipping the finished jobs, instead of walking them', () => {
    const jobs = agendaJobs(20_000, 500);
    expect(planQuery(jobs, claim, sort).kind).toBe('sorted-or');
    let found: Document[] = [];
    const counts = reads(jobs, () => (found = findMatches(jobs, claim, 1, sort)));
    expect(found.map((job) => job._id)).toEqual([20_000]);
    // The finished jobs (nextRunAt null, lockedAt null) lie before the first clause's range.
    // The second clause finds no expired lock: its walk seeks past each run of equal
    // (nextRunAt, priority) after a few entries, the finished jobs' run and the 5 of the due
    // ones, instead of reading all 20,500 entries.
    expect(counts.documents).toBeLessThan(5);
    expect(counts.entries).toBeLessThan(300);
  });

  it('finds the same jobs, in the same order, as a collection scan', () => {
    const jobs = agendaJobs(300, 300);
    // Some locks expired, some held, some jobs disabled: every clause has work to do.
    for (let id = 0; id < 600; id += 7) {
      const job = jobs.get(canonicalKey(id))!;
      const lockedAt = new Date(NOW.getTime() - (id % 2 === 0 ? 3_600_000 : 1_000));
      jobs.replace(canonicalKey(id), { ...job, lockedAt, disabled: id % 5 === 0 });
    }
    const scan = runPlan(jobs, { kind: 'collscan' }, compileFilter(claim), 0, sort);
    expect(ids(findMatches(jobs, claim, 0, sort))).toEqual(ids(scan));
    expect(ids(findMatches(jobs, claim, 5, sort))).toEqual(ids(scan).slice(0, 5));
  });
});
