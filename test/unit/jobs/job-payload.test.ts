import { BSON, Binary, Decimal128, Long, ObjectId, Timestamp } from 'mongodb';
import { Transform, Type } from 'class-transformer';
import { NonSerializablePayloadError } from '../../../src/errors';
import { fromStoredPayload, Job, toStoredPayload, type IJob } from '../../../src/jobs';

const JOB_TYPE = 'payload-test.job';

class LineItem {
  sku = '';
  quantity = 0;
  get label(): string {
    return `${this.quantity} × ${this.sku}`;
  }
}

class Address {
  city = '';
  @Type(() => Date)
  since?: Date;
}

@Job('payload-test.order')
class PlaceOrderJob implements IJob {
  orderId = new ObjectId();
  total = Decimal128.fromString('0');
  @Type(() => LineItem)
  items: LineItem[] = [];
  @Type(() => Address)
  address = new Address();
  placedAt = new Date(0);
  attachment = Buffer.alloc(0);
  bytes = new Uint8Array(0);
  sequence = 0n;
  ratio = 0;
  tags: string[] = [];
  notes: string | null = null;
  extra?: string;
  meta: Record<string, unknown> = {};

  describe(): string {
    return `order ${this.orderId.toHexString()}`;
  }
}

/** Through BSON as MongoDB would store and return it. */
function throughBson(stored: Record<string, unknown>): Record<string, unknown> {
  return BSON.deserialize(BSON.serialize({ payload: stored }), { promoteLongs: false })
    .payload as Record<string, unknown>;
}

function pathOf(job: object): NonSerializablePayloadError {
  try {
    toStoredPayload(job, JOB_TYPE);
  } catch (error) {
    expect(error).toBeInstanceOf(NonSerializablePayloadError);
    return error as NonSerializablePayloadError;
  }
  throw new Error('expected NonSerializablePayloadError');
}

describe('toStoredPayload → BSON → fromStoredPayload', () => {
  it('rebuilds a real instance with nested classes, Dates, Buffers, bigints and BSON values', () => {
    const job = new PlaceOrderJob();
    job.items = [Object.assign(new LineItem(), { sku: 'A-1', quantity: 2 })];
    job.address = Object.assign(new Address(), {
      city: 'Lyon',
      since: new Date('2020-05-06T07:08:09.010Z'),
    });
    job.placedAt = new Date('2024-01-02T03:04:05.678Z');
    job.attachment = Buffer.from('hello');
    job.bytes = new Uint8Array([1, 2, 3]);
    job.sequence = 9_007_199_254_740_993n;
    job.total = Decimal128.fromString('12.34');
    job.ratio = -0.5;
    job.tags = ['a', 'b'];
    job.meta = { nested: { deep: [1, { x: 'y', owners: [job.orderId] }] }, 'with space': true };

    const stored = toStoredPayload(job, JOB_TYPE);
    expect(stored.sequence).toBeInstanceOf(Long);
    expect(stored).not.toHaveProperty('extra');
    expect(Object.getPrototypeOf(stored.items)).toBe(Array.prototype);
    expect(Object.getPrototypeOf((stored.items as object[])[0])).toBe(Object.prototype);
    expect(stored).not.toHaveProperty('label');

    const loaded = fromStoredPayload(PlaceOrderJob, throughBson(stored));
    expect(loaded).toBeInstanceOf(PlaceOrderJob);
    expect(loaded.describe()).toBe(`order ${job.orderId.toHexString()}`);
    expect(loaded.orderId).toBeInstanceOf(ObjectId);
    expect(loaded.orderId.equals(job.orderId)).toBe(true);
    expect(loaded.total).toBeInstanceOf(Decimal128);
    expect(loaded.total.toString()).toBe('12.34');
    expect(loaded.items[0]).toBeInstanceOf(LineItem);
    expect(loaded.items[0].label).toBe('2 × A-1');
    expect(loaded.address).toBeInstanceOf(Address);
    expect(loaded.address.since).toEqual(new Date('2020-05-06T07:08:09.010Z'));
    expect(loaded.placedAt).toBeInstanceOf(Date);
    expect(loaded.placedAt.toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect(Buffer.isBuffer(loaded.attachment)).toBe(true);
    expect(loaded.attachment.toString()).toBe('hello');
    expect([...loaded.bytes]).toEqual([1, 2, 3]);
    expect(loaded.sequence).toBe(9_007_199_254_740_993n);
    expect(loaded.ratio).toBe(-0.5);
    expect(loaded.tags).toEqual(['a', 'b']);
    expect(loaded.notes).toBeNull();
    expect(loaded.extra).toBeUndefined();
    expect(loaded.meta).toEqual({
      nested: { deep: [1, { x: 'y', owners: [job.orderId] }] },
      'with space': true,
    });
    const [, deep] = (loaded.meta.nested as { deep: [number, { owners: ObjectId[] }] }).deep;
    expect(deep.owners[0]).toBeInstanceOf(ObjectId);
  });

  it.each<[string, bigint]>([
    ['zero', 0n],
    ['int64 max', 2n ** 63n - 1n],
    ['int64 min', -(2n ** 63n)],
    ['beyond doubles', -9_007_199_254_740_993n],
  ])('round-trips the bigint %s', (_label, value) => {
    @Job(`payload-test.bigint.${_label.replace(/\W/g, '-')}`)
    class CounterJob implements IJob {
      count = value;
      counts = [value];
    }
    const loaded = fromStoredPayload(
      CounterJob,
      throughBson(toStoredPayload(new CounterJob(), JOB_TYPE)),
    );
    expect(loaded.count).toBe(value);
    expect(loaded.counts).toEqual([value]);
  });

  it('keeps NaN, Infinity and -Infinity', () => {
    @Job('payload-test.numbers')
    class NumbersJob implements IJob {
      values = [NaN, Infinity, -Infinity, 1.5];
    }
    const loaded = fromStoredPayload(
      NumbersJob,
      throughBson(toStoredPayload(new NumbersJob(), JOB_TYPE)),
    );
    expect(loaded.values).toEqual([NaN, Infinity, -Infinity, 1.5]);
  });

  it('turns undefined array elements and holes into null, and drops undefined properties', () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    const sparse = [1, , undefined, 3];
    expect(toStoredPayload({ list: sparse, gone: undefined, kept: null }, JOB_TYPE)).toEqual({
      list: [1, null, null, 3],
      kept: null,
    });
  });

  it('copies shared (non-circular) references', () => {
    const shared = { id: 1 };
    expect(toStoredPayload({ a: shared, b: [shared, shared] }, JOB_TYPE)).toEqual({
      a: { id: 1 },
      b: [{ id: 1 }, { id: 1 }],
    });
  });

  it('refuses an own __proto__ key without touching any prototype', () => {
    const job = JSON.parse('{"when": "now", "__proto__": {"polluted": true}}') as object;
    expect(pathOf(job).path).toBe('payload.__proto__');
    expect(Object.keys(job)).toEqual(['when', '__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('converts Int32 and Double wrappers read with promoteValues: false', () => {
    @Job('payload-test.wrapped')
    class WrappedJob implements IJob {
      small = 0;
      real = 0;
      data = Buffer.alloc(0);
    }
    const raw = BSON.deserialize(BSON.serialize({ small: 7, real: 2.5, data: Buffer.from('z') }), {
      promoteValues: false,
    });
    const loaded = fromStoredPayload(WrappedJob, raw);
    expect(loaded).toEqual(
      Object.assign(new WrappedJob(), { small: 7, real: 2.5, data: Buffer.from('z') }),
    );
  });

  it('returns Binary values as Buffers', () => {
    @Job('payload-test.binary')
    class BinaryJob implements IJob {
      data: unknown = null;
    }
    const loaded = fromStoredPayload(BinaryJob, { data: new Binary(Buffer.from('abc')) });
    expect(Buffer.isBuffer(loaded.data)).toBe(true);
    expect((loaded.data as Buffer).toString()).toBe('abc');
  });
});

describe('documents and instances are ordinary objects', () => {
  it('stores plain objects whose properties are ordinary data properties', () => {
    const stored = toStoredPayload({ a: 1, nested: { b: [2] } }, JOB_TYPE);
    const ordinary = (value: unknown) => ({
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(Object.getOwnPropertyDescriptor(stored, 'a')).toEqual(ordinary(1));
    expect(Object.getOwnPropertyDescriptor(stored.nested, 'b')).toEqual(ordinary([2]));
  });

  it('loads a job whose nested plain objects can be changed like any other', () => {
    @Job('payload-test.mutable')
    class MutableJob implements IJob {
      meta: Record<string, unknown> = {};
    }
    const loaded = fromStoredPayload(MutableJob, { meta: { a: 1, id: new ObjectId() } });
    loaded.meta.a = 2;
    delete loaded.meta.id;
    expect(loaded.meta).toEqual({ a: 2 });
  });
});

describe('BSON values in payloads', () => {
  it('stores bson Long and Binary values as given, and reads them back as bigint and Buffer', () => {
    @Job('payload-test.bson-values')
    class BsonValuesJob implements IJob {
      count: unknown = null;
      data: unknown = null;
      list: unknown[] = [];
    }
    const count = Long.fromString('-9007199254740993');
    const data = new Binary(Buffer.from('hello world').subarray(6), Binary.SUBTYPE_USER_DEFINED);
    const job = Object.assign(new BsonValuesJob(), {
      count,
      data,
      list: [Long.fromNumber(7), new Binary(Buffer.from('ab'))],
    });
    const stored = toStoredPayload(job, JOB_TYPE);
    expect(stored.count).toBe(count);
    expect(stored.data).toBe(data);
    expect((stored.list as unknown[])[0]).toBeInstanceOf(Long);
    expect((stored.list as unknown[])[1]).toBeInstanceOf(Binary);

    for (const loaded of [
      fromStoredPayload(BsonValuesJob, stored),
      fromStoredPayload(BsonValuesJob, throughBson(stored)),
    ]) {
      expect(loaded.count).toBe(-9_007_199_254_740_993n);
      expect(Buffer.isBuffer(loaded.data)).toBe(true);
      expect((loaded.data as Buffer).toString()).toBe('world');
      expect(loaded.list[0]).toBe(7n);
      expect((loaded.list[1] as Buffer).toString()).toBe('ab');
    }
  });

  it('puts BSON values back inside the Maps and Sets that class-transformer builds', () => {
    @Job('payload-test.collections')
    class CollectionsJob implements IJob {
      @Type(() => ObjectId)
      owners: Map<string, ObjectId> = new Map();
      @Type(() => Decimal128)
      amounts: Set<Decimal128> = new Set();
    }
    const [a, b] = [new ObjectId(), new ObjectId()];
    const loaded = fromStoredPayload(
      CollectionsJob,
      throughBson({
        owners: { first: a, second: b },
        amounts: [Decimal128.fromString('1.5')],
      }),
    );
    expect(loaded.owners).toBeInstanceOf(Map);
    expect([...loaded.owners.keys()]).toEqual(['first', 'second']);
    expect(loaded.owners.get('first')).toBeInstanceOf(ObjectId);
    expect(loaded.owners.get('first')?.equals(a)).toBe(true);
    expect(loaded.owners.get('second')?.equals(b)).toBe(true);
    expect(loaded.amounts).toBeInstanceOf(Set);
    const [amount] = [...loaded.amounts];
    expect(amount).toBeInstanceOf(Decimal128);
    expect(amount.toString()).toBe('1.5');
  });

  it('loads a job class holding read-only fields and frozen values beside BSON values', () => {
    const settings = Object.freeze({ retries: 2 });
    const order = Object.freeze([1, 2]);
    @Job('payload-test.read-only')
    class ReadOnlyJob implements IJob {
      @Type(() => ObjectId)
      id?: ObjectId;
      readonly kind!: string;
      settings = settings;
      order = order;
      @Type(() => ObjectId)
      owners: Map<string, ObjectId> = new Map();
      @Type(() => ObjectId)
      ids: Set<ObjectId> = new Set();
      constructor() {
        Object.defineProperty(this, 'kind', { value: 'fixed', enumerable: true, writable: false });
      }
    }
    const [id, owner, member] = [new ObjectId(), new ObjectId(), new ObjectId()];
    const loaded = fromStoredPayload(ReadOnlyJob, {
      id,
      owners: { a: owner, b: 'not an id' },
      ids: [member, 'not an id'],
    });
    expect(loaded.kind).toBe('fixed');
    expect(loaded.settings).toBe(settings);
    expect(loaded.order).toBe(order);
    expect(loaded.id?.equals(id)).toBe(true);
    expect(loaded.owners.get('a')?.equals(owner)).toBe(true);
    expect(loaded.owners.get('b')).toBe('not an id');
    expect([...loaded.ids][0].equals(member)).toBe(true);
    expect([...loaded.ids][1]).toBe('not an id');
  });

  it('leaves symbols of its own in the payload alone', () => {
    @Job('payload-test.symbols')
    class SymbolsJob implements IJob {
      @Type(() => ObjectId)
      id = new ObjectId();
      @Transform(() => OWN)
      marker: symbol = OWN;
    }
    const OWN = Symbol('own');
    const loaded = fromStoredPayload(SymbolsJob, { id: new ObjectId(), marker: 'x' });
    expect(loaded.marker).toBe(OWN);
    expect(loaded.id).toBeInstanceOf(ObjectId);
  });
});

describe('toStoredPayload refusals', () => {
  const circular: Record<string, unknown> = { a: { b: {} } };
  (circular.a as { b: Record<string, unknown> }).b.back = circular.a;
  const selfArray: unknown[] = [];
  selfArray.push(selfArray);
  const symbolKey = Symbol('secret');

  it.each<[string, object, string, string]>([
    ['a function', { callback: () => 1 }, 'payload.callback', 'functions cannot be stored'],
    [
      'a function deep in an array',
      { items: [{}, {}, { callback: function named() {} }] },
      'payload.items[2].callback',
      'functions cannot be stored',
    ],
    ['a class as a value', { type: PlaceOrderJob }, 'payload.type', 'functions cannot be stored'],
    ['a symbol value', { kind: Symbol('k') }, 'payload.kind', 'symbols cannot be stored'],
    [
      'a symbol key',
      { nested: { [symbolKey]: 1 } },
      'payload.nested[Symbol(secret)]',
      'symbol keys cannot be stored',
    ],
    ['a circular object', circular, 'payload.a.b.back', 'circular reference to payload.a'],
    [
      'a circular array',
      { list: selfArray },
      'payload.list[0]',
      'circular reference to payload.list',
    ],
    ['a Map', { m: new Map() }, 'payload.m', 'Map cannot be stored; use an object or array'],
    ['a Set', { s: [new Set()] }, 'payload.s[0]', 'Set cannot be stored; use an array'],
    [
      'a WeakMap',
      { w: new WeakMap() },
      'payload.w',
      'WeakMap cannot be stored; use an object or array',
    ],
    ['a WeakSet', { w: new WeakSet() }, 'payload.w', 'WeakSet cannot be stored; use an array'],
    ['a WeakRef', { w: new WeakRef({}) }, 'payload.w', 'WeakRef cannot be stored'],
    [
      'a Promise',
      { p: Promise.resolve(1) },
      'payload.p',
      'Promise cannot be stored; await it before creating the job',
    ],
    ['a RegExp', { r: /x/ }, 'payload.r', 'RegExp cannot be stored; store its source as a string'],
    [
      'an Error',
      { e: new TypeError('x') },
      'payload.e',
      'Error cannot be stored; store its message as a string',
    ],
    [
      'an ArrayBuffer',
      { b: new ArrayBuffer(2) },
      'payload.b',
      'ArrayBuffer cannot be stored; use a Buffer or Uint8Array',
    ],
    [
      'an Int32Array',
      { b: new Int32Array(2) },
      'payload.b',
      'Int32Array cannot be stored; use a Buffer or Uint8Array',
    ],
    [
      'a boxed string',
      { s: new String('x') },
      'payload.s',
      'boxed String cannot be stored; use a string primitive',
    ],
    ['an invalid Date', { at: new Date(NaN) }, 'payload.at', 'invalid Dates cannot be stored'],
    [
      'a bigint above int64',
      { n: 2n ** 63n },
      'payload.n',
      'BigInt outside the 64-bit range cannot be stored',
    ],
    [
      'a bigint below int64',
      { n: [-(2n ** 63n) - 1n] },
      'payload.n[0]',
      'BigInt outside the 64-bit range cannot be stored',
    ],
    [
      'another BSON type',
      { t: new Timestamp({ t: 1, i: 1 }) },
      'payload.t',
      'BSON Timestamp values cannot be stored in a job payload',
    ],
    [
      'a $ key',
      { filter: { $where: 'x' } },
      'payload.filter.$where',
      "keys starting with '$' cannot be stored",
    ],
    [
      'a dotted key',
      { map: { 'a.b': 1 } },
      'payload.map["a.b"]',
      "keys containing '.' cannot be stored",
    ],
    [
      'a NUL in a key',
      { map: { 'a\0b': 1 } },
      'payload.map["a\\u0000b"]',
      'keys containing a NUL character cannot be stored',
    ],
  ])('refuses %s', (_label, job, path, reason) => {
    const error = pathOf(job);
    expect(error.path).toBe(path);
    expect(error.reason).toBe(reason);
    expect(error.jobType).toBe(JOB_TYPE);
    expect(error.message).toBe(
      `Job '${JOB_TYPE}' payload is not serialisable at ${path}: ${reason}`,
    );
    // Nothing threw underneath: no cause, not even an undefined one.
    expect('cause' in error).toBe(false);
  });
});
