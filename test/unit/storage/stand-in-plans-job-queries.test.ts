import type { Document } from 'mongodb';
import { JOB_INDEXES } from '../../../src/storage/mongo/job-indexes';
import { EXPIRED_LEASE_FILTER } from '../../../src/storage/mongo/lease-time';
import { CollectionState } from '../../../packages/mongo-stand-in/src/engine/collection-state';
import {
  planQuery,
  type IndexScanPlan,
  type QueryPlan,
} from '../../../packages/mongo-stand-in/src/engine/query-planner';
import { parseSortSpec } from '../../../packages/mongo-stand-in/src/engine/sort-documents';
import { StandInHarness } from '../../../packages/mongo-stand-in/test/unit/stand-in-harness';

const NOW = new Date('2025-01-01T00:00:00Z');
const STATES = ['enqueued', 'scheduled', 'processing', 'succeeded', 'failed', 'awaiting'];

function job(i: number): Document {
  return {
    _id: `job-${i}`,
    queue: `q${i % 4}`,
    state: STATES[i % STATES.length],
    priority: i % 3,
    dueAt: new Date(NOW.getTime() + ((i % 7) - 3) * 60_000),
    type: `t${i % 2}`,
    leaseExpiresAt: i % 6 === 2 ? new Date(NOW.getTime() - (i % 5) * 1000) : null,
    ...(i % 10 === 0 ? { activeUniqueKey: `key-${i}` } : {}),
    ...(i % 8 === 0 ? { parentId: `job-${i - 1}` } : {}),
    ...(i % 9 === 0 ? { hasContinuations: true } : {}),
  };
}

function jobs(count = 240): CollectionState {
  const collection = new CollectionState('test', 'jobs');
  for (const index of JOB_INDEXES) collection.createIndex({ ...index });
  for (let i = 0; i < count; i++) collection.insert(job(i));
  return collection;
}

function indexPlan(plan: QueryPlan): IndexScanPlan {
  if (plan.kind !== 'index') throw new Error(`expected an index plan, got ${plan.kind}`);
  return plan;
}

const CLAIM_FILTER = {
  queue: 'q1',
  state: { $in: ['enqueued', 'scheduled'] },
  dueAt: { $lte: NOW },
  type: { $in: ['t0', 't1'] },
};
const CLAIM_SORT = parseSortSpec({ priority: -1, dueAt: 1 });

describe('query planner', () => {
  it('serves the claim from the claim index, in its order, merging the two states', () => {
    const plan = indexPlan(planQuery(jobs(), CLAIM_FILTER, CLAIM_SORT));
    expect(plan.index.spec.name).toBe('claim');
    expect(plan.bounds).toEqual([{ points: ['q1'] }, { points: ['enqueued', 'scheduled'] }]);
    expect(plan.residual).toEqual([
      [3, { range: { rank: 10, high: { value: NOW, inclusive: true } } }],
    ]);
    expect(plan.order).toEqual({
      direction: 1,
      keyPositions: [2, 3],
      keyDirections: [-1, 1],
      regroup: false,
    });
  });

  it('serves the lease sweep (expiry compared with $$NOW) from the lease index', () => {
    const plan = indexPlan(planQuery(jobs(), EXPIRED_LEASE_FILTER));
    expect(plan.index.spec.name).toBe('lease');
    expect(plan.bounds).toEqual([{ points: ['processing'] }]);
    expect(plan.order).toBeUndefined();
  });

  it('serves the recurring ticker in index order, and reversed sorts walking backwards', () => {
    const collection = new CollectionState('test', 'recurring');
    collection.createIndex({ key: { paused: 1, nextRunAt: 1 }, name: 'due' });
    for (let i = 0; i < 50; i++) {
      collection.insert({ _id: i, paused: i % 5 === 0, nextRunAt: new Date(NOW.getTime() + i) });
    }
    const filter = { paused: false, nextRunAt: { $lte: NOW } };
    const forward = indexPlan(planQuery(collection, filter, parseSortSpec({ nextRunAt: 1 })));
    expect(forward.index.spec.name).toBe('due');
    expect(forward.order).toMatchObject({ direction: 1, regroup: false });
    const backward = indexPlan(planQuery(collection, filter, parseSortSpec({ nextRunAt: -1 })));
    // Walking backwards reverses ties too: each run of equal keys is put back in natural order.
    expect(backward.order).toMatchObject({ direction: -1, regroup: true });
    const mixed = indexPlan(planQuery(collection, filter, parseSortSpec({ nextRunAt: 1, _id: 1 })));
    expect(mixed.order).toBeUndefined();
  });

  it('serves dashboard listings from compound indexes ending with _id', () => {
    const collection = jobs();
    collection.createIndex({ key: { state: 1, finishedAt: -1, _id: -1 }, name: 'finished' });
    const plan = indexPlan(
      planQuery(collection, { state: 'failed' }, parseSortSpec({ finishedAt: -1, _id: -1 })),
    );
    expect(plan.index.spec.name).toBe('finished');
    expect(plan.order).toMatchObject({ direction: 1, regroup: false });
  });

  it('looks up _id values, $in on _id and $or clauses that each pin _id in the _id map', () => {
    const collection = jobs();
    expect(planQuery(collection, { _id: 'job-1', state: 'x' })).toEqual({
      kind: 'ids',
      values: ['job-1'],
    });
    expect(planQuery(collection, { _id: { $in: ['job-2', 'job-1'] } })).toEqual({
      kind: 'ids',
      values: ['job-1', 'job-2'],
    });
    const or = {
      state: 'processing',
      $or: [
        { _id: 'job-2', fence: 1 },
        { _id: 'job-8', fence: 3 },
      ],
    };
    expect(planQuery(collection, or)).toEqual({ kind: 'ids', values: ['job-2', 'job-8'] });
    const open = { ...or, $or: [...or.$or, { fence: 4 }] };
    expect(planQuery(collection, open).kind).not.toBe('ids');
  });

  it('uses partial indexes only when the query implies their filter', () => {
    const collection = jobs();
    const name = (filter: Document): string | undefined => {
      const plan = planQuery(collection, filter);
      return plan.kind === 'index' ? plan.index.spec.name : plan.kind;
    };
    expect(name({ activeUniqueKey: 'key-10' })).toBe('unique-key');
    expect(name({ activeUniqueKey: null })).toBe('collscan'); // null matches missing keys
    expect(name({ parentId: 'job-7', state: 'awaiting' })).toBe('continuations');
    expect(name({ parentId: 7 })).toBe('collscan'); // not a string: outside the index
    expect(
      name({
        hasContinuations: true,
        continuationsResolved: { $ne: true },
        state: { $in: ['succeeded', 'failed'] },
      }),
    ).toBe('unresolved-parents');
  });

  it('falls back to a scan for multikey, sparse and unselective indexes', () => {
    const collection = jobs();
    expect(planQuery(collection, CLAIM_FILTER, CLAIM_SORT).kind).toBe('index');
    collection.insert({ ...job(1), _id: 'array', state: ['enqueued'] });
    const plan = planQuery(collection, CLAIM_FILTER, CLAIM_SORT);
    expect(plan.kind === 'index' && plan.index.spec.name).not.toBe('claim');

    const sparse = new CollectionState('test', 'sparse');
    sparse.createIndex({ key: { x: 1 }, name: 'x', sparse: true });
    for (let i = 0; i < 40; i++) sparse.insert(i % 2 ? { _id: i, x: i } : { _id: i });
    expect(planQuery(sparse, { x: 5 }).kind).toBe('index');
    expect(planQuery(sparse, { x: null }).kind).toBe('collscan'); // misses the absent ones
    expect(planQuery(sparse, { x: { $in: [5, null] } }).kind).toBe('collscan');

    // Most of the collection in range and no order to give: a scan is cheaper.
    expect(planQuery(jobs(), { queue: { $in: ['q0', 'q1', 'q2'] } }).kind).toBe('collscan');
    // With an order to give, the index still saves the sort.
    expect(
      planQuery(jobs(), { queue: { $in: ['q0', 'q1', 'q2'] } }, parseSortSpec({ state: 1 })).kind,
    ).toBe('index');
  });
});

describe('findAndModify through the planner', () => {
  it('claims by priority, then due time, then natural order', () => {
    const harness = new StandInHarness();
    harness.ok({ createIndexes: 'jobs', indexes: JOB_INDEXES.map((index) => ({ ...index })) });
    const due = new Date(NOW.getTime() - 1000);
    const documents = [
      { _id: 'low', priority: 0, dueAt: due },
      { _id: 'later', priority: 5, dueAt: NOW },
      { _id: 'tie-1', priority: 5, dueAt: due },
      { _id: 'future', priority: 9, dueAt: new Date(NOW.getTime() + 1000) },
      { _id: 'tie-2', priority: 5, dueAt: due },
    ].map((document, i) => ({
      queue: 'q',
      state: i % 2 ? 'scheduled' : 'enqueued',
      type: 't',
      ...document,
    }));
    harness.insert('jobs', documents);
    const claimed: unknown[] = [];
    for (;;) {
      const reply = harness.ok({
        findAndModify: 'jobs',
        query: { ...CLAIM_FILTER, queue: 'q', type: { $in: ['t'] } },
        sort: { priority: -1, dueAt: 1 },
        update: { $set: { state: 'processing' } },
      });
      if (reply.value === null) break;
      claimed.push(reply.value._id);
    }
    expect(claimed).toEqual(['tie-1', 'tie-2', 'later', 'low']);
  });
});

describe('explain', () => {
  function seeded(): StandInHarness {
    const harness = new StandInHarness();
    harness.ok({ createIndexes: 'jobs', indexes: JOB_INDEXES.map((index) => ({ ...index })) });
    harness.insert(
      'jobs',
      Array.from({ length: 120 }, (_, i) => job(i)),
    );
    return harness;
  }

  it('names the claim index for the claim findAndModify', () => {
    const reply = seeded().ok({
      explain: {
        findAndModify: 'jobs',
        query: { ...CLAIM_FILTER, queue: { $in: ['q1'] } },
        sort: { priority: -1, dueAt: 1 },
        update: { $set: { state: 'processing' } },
      },
      verbosity: 'queryPlanner',
    });
    const plan = reply.queryPlanner.winningPlan;
    expect(JSON.stringify(plan)).toContain('"indexName":"claim"');
    expect(plan.stage).toBe('UPDATE');
    expect(plan.inputStage.stage).toBe('FETCH');
    expect(plan.inputStage.inputStage.stage).toBe('SORT_MERGE');
    expect(plan.inputStage.inputStage.inputStages[0]).toMatchObject({
      stage: 'IXSCAN',
      keyPattern: { queue: 1, state: 1, priority: -1, dueAt: 1 },
      direction: 'forward',
      indexBounds: {
        queue: ['["q1", "q1"]'],
        state: ['["enqueued", "enqueued"]'],
        priority: ['[MaxKey, MinKey]'],
        dueAt: ['[MinKey, MaxKey]'],
      },
    });
    expect(reply.queryPlanner.namespace).toBe('test.jobs');
  });

  it('describes scans, sorts, counts and writes', () => {
    const harness = seeded();
    const winning = (explained: Document): Document =>
      harness.ok({ explain: explained }).queryPlanner.winningPlan;
    expect(winning({ find: 'jobs', filter: { type: 't1' }, sort: { dueAt: 1 }, limit: 2 })).toEqual(
      {
        stage: 'LIMIT',
        limitAmount: 2,
        inputStage: {
          stage: 'SORT',
          sortPattern: { dueAt: 1 },
          limitAmount: 2,
          inputStage: { stage: 'COLLSCAN', filter: { type: 't1' }, direction: 'forward' },
        },
      },
    );
    const sweep = winning({
      update: 'jobs',
      updates: [
        { q: { state: 'processing', leaseExpiresAt: { $lt: NOW } }, u: { $set: {} }, multi: true },
      ],
    });
    expect(sweep.stage).toBe('UPDATE');
    expect(sweep.inputStage.inputStage).toMatchObject({
      indexName: 'lease',
      indexBounds: {
        state: ['["processing", "processing"]'],
        leaseExpiresAt: [`[new Date(-9223372036854775808), new Date(${NOW.getTime()}))`],
      },
    });
    expect(winning({ count: 'jobs', query: { _id: 'job-1' } })).toMatchObject({
      stage: 'COUNT',
      inputStage: { stage: 'FETCH', inputStage: { indexName: '_id_' } },
    });
    expect(winning({ find: 'missing', filter: { a: 1 } })).toEqual({ stage: 'EOF' });
    expect(harness.run({ explain: { insert: 'jobs', documents: [] } })).toMatchObject({
      ok: 0,
      code: 59,
    });
  });
});

describe('aggregate with a leading $match', () => {
  it('starts from the indexed candidates and returns what a scan would', () => {
    const harness = new StandInHarness();
    harness.insert(
      'plain',
      Array.from({ length: 120 }, (_, i) => job(i)),
    );
    harness.ok({ createIndexes: 'jobs', indexes: JOB_INDEXES.map((index) => ({ ...index })) });
    harness.insert(
      'jobs',
      Array.from({ length: 120 }, (_, i) => job(i)),
    );
    const pipeline = [
      { $match: { state: 'processing', leaseExpiresAt: { $lt: NOW } } },
      { $project: { _id: 1, leaseExpiresAt: 1 } },
    ];
    const run = (collection: string): Document[] =>
      harness.ok({ aggregate: collection, pipeline, cursor: {} }).cursor.firstBatch;
    const expected = run('plain');
    expect(expected.length).toBeGreaterThan(3);
    expect(run('jobs')).toEqual(expected);
  });
});
