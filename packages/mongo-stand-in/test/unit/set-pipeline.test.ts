import { Double, Long } from 'bson';
import { cloneDocument } from '../../src/engine/bson-clone';
import { compilePipeline } from '../../src/engine/pipeline-runner';
import { compileSetPipeline } from '../../src/engine/set-pipeline';
import { StandInHarness } from './stand-in-harness';

/**
 * The direct evaluation of `$set` update pipelines must give what mingo gives, or give up
 * and leave the document to mingo.
 */
type Document = Record<string, unknown>;

const NOW = new Date('2026-12-03T10:00:00.000Z');

/** A job queue's claim: state, lease owner and expiry, counters, a bounded history. */
const CLAIM = [
  {
    $set: {
      state: 'processing',
      leaseOwner: { $literal: '$server-1' },
      leaseExpiresAt: { $add: [{ $literal: NOW }, 30_000] },
      startedAt: { $literal: NOW },
      attempt: { $add: ['$attempt', 1] },
      fence: { $add: ['$fence', 1] },
      history: {
        $slice: [
          {
            $concatArrays: [
              { $ifNull: ['$history', []] },
              [{ $literal: { state: 'processing', at: NOW } }],
            ],
          },
          -3,
        ],
      },
    },
  },
];

function viaMingo(pipeline: Document[], document: Document): Document {
  return compilePipeline(pipeline)([cloneDocument(document)])[0];
}

describe('direct evaluation of $set pipelines', () => {
  const documents: Document[] = [
    { _id: 1, state: 'enqueued', attempt: 0, fence: 0 },
    { _id: 2, state: 'scheduled', attempt: 2, fence: 7, history: [{ state: 'enqueued' }] },
    {
      _id: 3,
      attempt: 1,
      fence: 1,
      history: [{ state: 'a' }, { state: 'b' }, { state: 'c' }, { state: 'd' }],
      payload: { nested: [1, { deep: true }] },
    },
  ];

  it.each(documents.map((document) => [document._id, document]))(
    'gives what mingo gives for a claim (document %s)',
    (_id, document) => {
      const direct = compileSetPipeline(CLAIM);
      expect(direct).toBeDefined();
      const out = direct!(document);
      expect(out).toEqual(viaMingo(CLAIM, document));
      expect(Object.keys(out!)).toEqual(Object.keys(viaMingo(CLAIM, document)));
    },
  );

  it('leaves its input untouched', () => {
    const document = cloneDocument(documents[1]);
    const before = cloneDocument(document);
    compileSetPipeline(CLAIM)!(document);
    expect(document).toEqual(before);
  });

  it('keeps a field named __proto__ as a field, never as the prototype', () => {
    const document: Document = { _id: 1, attempt: 0 };
    Object.defineProperty(document, '__proto__', {
      value: { polluted: true },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const out = compileSetPipeline([{ $set: { attempt: { $add: ['$attempt', 1] } } }])!(document)!;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: true });
    expect(out.attempt).toBe(1);
  });

  it('runs stages in order, a later one reading what an earlier one set', () => {
    const pipeline = [{ $set: { a: { $add: ['$a', 1] } } }, { $addFields: { b: '$a', c: 'x' } }];
    const document = { _id: 1, a: 1 };
    expect(compileSetPipeline(pipeline)!(document)).toEqual(viaMingo(pipeline, document));
  });

  it.each([
    ['a missing operand of $add', { _id: 1 }, [{ $set: { n: { $add: ['$n', 1] } } }]],
    ['a Long in $add', { _id: 1, n: Long.fromNumber(5) }, [{ $set: { n: { $add: ['$n', 1] } } }]],
    ['a Double in $add', { _id: 1, n: new Double(5) }, [{ $set: { n: { $add: ['$n', 1] } } }]],
    [
      'a string to concatenate',
      { _id: 1, h: 'x' },
      [{ $set: { h: { $concatArrays: ['$h', []] } } }],
    ],
    ['a missing field to set', { _id: 1 }, [{ $set: { copy: '$absent' } }]],
    ['a fractional millisecond', { _id: 1 }, [{ $set: { t: { $add: [{ $literal: NOW }, 0.5] } } }]],
  ])('gives up on %s', (_name, document, pipeline) => {
    expect(compileSetPipeline(pipeline)!(document)).toBeUndefined();
  });

  it.each([
    ['a dotted path', [{ $set: { 'a.b': 1 } }]],
    ['_id', [{ $set: { _id: 1 } }]],
    ['another stage', [{ $project: { a: 1 } }]],
    ['an unknown operator', [{ $set: { a: { $multiply: [2, 3] } } }]],
    ['a variable', [{ $set: { a: '$$ROOT' } }]],
    ['a nested document expression', [{ $set: { a: { b: 1, c: 2 } } }]],
    ['a three-argument $slice', [{ $set: { a: { $slice: ['$h', 1, 2] } } }]],
  ])('is not compiled for %s', (_name, pipeline) => {
    expect(compileSetPipeline(pipeline)).toBeUndefined();
  });

  it('leaves a Double untouched by the pipeline as a Double, where mingo made it a number', () => {
    const h = new StandInHarness();
    h.insert('c', [{ _id: 1, ratio: new Double(2), attempt: 0 }]);
    h.ok({
      update: 'c',
      updates: [{ q: {}, u: [{ $set: { attempt: { $add: ['$attempt', 1] } } }] }],
    });
    const [stored] = h.all('c');
    expect(stored.attempt).toBe(1);
    expect(stored.ratio).toBeInstanceOf(Double);
  });
});
