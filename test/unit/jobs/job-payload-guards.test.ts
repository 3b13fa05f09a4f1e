import { Allow, IsString } from 'class-validator';
import { BSON, Long, ObjectId } from 'mongodb';
import { NonSerializablePayloadError } from '../../../src/errors';
import {
  fromStoredPayload,
  Job,
  MAX_ARRAY_LENGTH,
  MAX_PAYLOAD_DEPTH,
  toStoredPayload,
  type IJob,
} from '../../../src/jobs';

/*
 * What toStoredPayload refuses beyond values MongoDB cannot hold: keys that change how the
 * payload is read back (constructor, __proto__, prototype, _bsontype), nesting MongoDB
 * refuses, and reads that throw (getters, Proxy traps).
 */

const JOB_TYPE = 'payload-guards.job';

function refusal(job: object): NonSerializablePayloadError {
  try {
    toStoredPayload(job, JOB_TYPE);
  } catch (error) {
    expect(error).toBeInstanceOf(NonSerializablePayloadError);
    return error as NonSerializablePayloadError;
  }
  throw new Error('expected NonSerializablePayloadError');
}

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = level % 2 === 0 ? { d: value } : [value];
  return value;
}

class PosingAsLong {
  get _bsontype(): string {
    return 'Long';
  }
}

const revoked = Proxy.revocable({}, {});
revoked.revoke();

describe('toStoredPayload refuses keys that change how a payload is read back', () => {
  it.each<[string, object, string, RegExp]>([
    ['constructor at the root', { constructor: 'x' }, 'payload.constructor', /class/],
    ['constructor: null', { constructor: null }, 'payload.constructor', /class/],
    ['a nested constructor', { a: [{ constructor: {} }] }, 'payload.a[0].constructor', /class/],
    [
      'an own __proto__',
      JSON.parse('{"a": {"__proto__": {"admin": true}}}') as object,
      'payload.a.__proto__',
      /prototype/,
    ],
    ['prototype', { a: { prototype: 1 } }, 'payload.a.prototype', /class/],
    ['_bsontype', { a: { _bsontype: 'ObjectId', id: 'x' } }, 'payload.a._bsontype', /BSON/],
    ['_bsontype as a number', { a: { _bsontype: 7 } }, 'payload.a._bsontype', /BSON/],
  ])('refuses %s', (_label, job, path, reason) => {
    const error = refusal(job);
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(`at ${path}: `);
  });

  it('refuses an object posing as a BSON value, and BSON values of another bson version', () => {
    const posing = refusal({ a: new PosingAsLong() });
    expect(posing.path).toBe('payload.a');
    expect(posing.reason).toBe(
      "an object claiming to be a BSON Long value that the mongodb driver's serialiser does " +
        'not accept (posing as one, or from another major version of bson) cannot be stored; ' +
        'build it with the classes mongodb exports',
    );
    // A claim that is not even a type name, inherited rather than an own key.
    expect(refusal({ a: Object.create({ _bsontype: 42 }) as object }).reason).toMatch(
      /^an object claiming to be a BSON type number value that/,
    );
    const otherVersion = Object.create(ObjectId.prototype, {
      [Symbol.for('@@mdb.bson.version')]: { value: 6 },
    }) as object;
    expect(refusal({ a: otherVersion }).reason).toMatch(/ObjectId/);
  });

  it('keeps genuine BSON values', () => {
    const id = new ObjectId();
    const stored = toStoredPayload({ id, n: Long.fromNumber(3) }, JOB_TYPE);
    expect(stored.id).toBe(id);
    expect(BSON.calculateObjectSize(stored)).toBeGreaterThan(0);
  });
});

describe('toStoredPayload limits arrays to what a document holds', () => {
  /** An array whose length reads as `length` and whose elements cannot be read. */
  const unreadable = (length: number): unknown[] =>
    new Proxy([], {
      get: (target, key) => {
        if (key === 'length') return length;
        if (typeof key === 'string' && /^\d+$/.test(key)) throw new Error(`element ${key}`);
        return Reflect.get(target, key);
      },
    });

  it(`refuses an array longer than ${MAX_ARRAY_LENGTH} elements before reading any`, () => {
    const error = refusal({ list: unreadable(MAX_ARRAY_LENGTH + 1) });
    expect(error.path).toBe('payload.list');
    expect(error.reason).toBe(
      `arrays longer than ${MAX_ARRAY_LENGTH} elements cannot be stored: even as nulls ` +
        'they exceed MongoDB’s 16 MiB document limit',
    );
    expect(refusal({ list: new Array(MAX_ARRAY_LENGTH + 1) }).path).toBe('payload.list');
  });

  it(`walks an array of exactly ${MAX_ARRAY_LENGTH} elements`, () => {
    // Its first element is read (and throws): the length itself was accepted.
    const error = refusal({ list: unreadable(MAX_ARRAY_LENGTH) });
    expect(error.path).toBe('payload.list[0]');
    expect(error.reason).toBe('reading it threw: element 0');
  });
});

describe('toStoredPayload limits nesting to what MongoDB stores', () => {
  it(`stores ${MAX_PAYLOAD_DEPTH} levels of objects and arrays below the payload`, () => {
    expect(MAX_PAYLOAD_DEPTH).toBe(98);
    const stored = toStoredPayload({ a: nested(MAX_PAYLOAD_DEPTH) }, JOB_TYPE);
    // The job document and its payload field are the two levels above.
    const document = { payload: stored };
    expect(BSON.deserialize(BSON.serialize(document)).payload).toEqual(stored);
  });

  it('refuses one level more, naming its path', () => {
    const error = refusal({ a: nested(MAX_PAYLOAD_DEPTH + 1) });
    expect(error.path).toMatch(/^payload\.a(\.d\[0\]){49}$/);
    expect(error.reason).toBe(
      'objects and arrays nested more than 98 levels below the payload cannot be stored: ' +
        'MongoDB allows 100 levels per document, and the job document and its payload field take 2',
    );
  });

  it('refuses 3,000 levels with a typed error, not a RangeError', () => {
    expect(refusal({ a: nested(3_000) }).reason).toMatch(/98 levels/);
  });
});

describe('toStoredPayload turns reads that throw into typed errors', () => {
  it('names the property whose getter threw, and keeps the cause', () => {
    const cause = new Error('vault sealed');
    const job = {
      a: {
        get secret(): string {
          throw cause;
        },
      },
    };
    const error = refusal(job);
    expect(error.path).toBe('payload.a.secret');
    expect(error.reason).toBe('reading it threw: vault sealed');
    expect(error.cause).toBe(cause);
  });

  it('names the element of an array Proxy whose get trap threw', () => {
    const list = new Proxy([1, 2], {
      get(target, key, receiver) {
        if (key === '1') throw new TypeError('no element');
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(refusal({ list }).path).toBe('payload.list[1]');
  });

  it.each<[string, unknown, string]>([
    ['an ownKeys trap', new Proxy({}, { ownKeys: () => [1] as never }), 'payload.a'],
    ['a revoked Proxy', revoked.proxy, 'payload.a'],
    [
      'a getPrototypeOf trap',
      new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('hidden');
          },
        },
      ),
      'payload.a',
    ],
    [
      'a thrown non-Error',
      {
        get x() {
          throw Object.create(null) as unknown;
        },
      },
      'payload.a.x',
    ],
  ])('refuses %s', (_label, value, path) => {
    expect(refusal({ a: value }).path).toBe(path);
  });
});

describe('toStoredPayload refuses objects that would be stored empty', () => {
  it.each<[string, unknown, RegExp]>([
    ['a boxed BigInt', Object(1n), /BigInt/],
    ['a boxed Symbol', Object(Symbol('s')), /Symbol/],
    ['a URL', new URL('https://example.com'), /URL.*string/],
    ['URLSearchParams', new URLSearchParams('a=1'), /URLSearchParams/],
    ['a SharedArrayBuffer', new SharedArrayBuffer(4), /SharedArrayBuffer/],
    [
      'a typed array with a shadowed constructor',
      Object.assign(new Int8Array(1), { constructor: null }),
      /Int8Array/,
    ],
  ])('refuses %s', (_label, value, reason) => {
    const error = refusal({ a: value });
    expect(error.path).toBe('payload.a');
    expect(error.reason).toMatch(reason);
  });
});

describe('fromStoredPayload', () => {
  @Job('payload-guards.loaded')
  class LoadedJob implements IJob {
    @IsString() name = '';
    @Allow() data: unknown = null;
  }

  it('reads an object with a _bsontype key as the plain object it is', () => {
    const loaded = fromStoredPayload(LoadedJob, { name: 'x', data: { _bsontype: 'Long' } });
    expect(loaded).toBeInstanceOf(LoadedJob);
    expect(loaded.data).toEqual({ _bsontype: 'Long' });
    // Enqueuing it again refuses the key.
    expect(refusal(loaded).path).toBe('payload.data._bsontype');
  });
});
