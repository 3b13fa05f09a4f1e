import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { match, matchExactly } from '../../spec-runner/match';

describe('match (unified test format rules)', () => {
  describe('documents', () => {
    it('allows extra fields in a root-level document', () => {
      expect(match({ x: 1 }, { _id: 7, x: 1 })).toBeUndefined();
    });

    it('requires every expected field', () => {
      expect(match({ x: 1, y: 1 }, { x: 1 })).toMatch(/y: expected 1, the field is missing/);
    });

    it('rejects extra fields in a nested document', () => {
      expect(match({ x: { y: 1 } }, { x: { y: 1, z: 1 } })).toMatch(/x: unexpected field\(s\) z/);
    });

    it('ignores key order', () => {
      expect(match({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toBeUndefined();
    });

    it('allows extra fields in the elements of a document list, not in those of a value list', () => {
      const actual = [
        { x: 1, y: 1 },
        { x: 2, y: 2 },
      ];
      expect(match([{ x: 1 }, { x: 2 }], actual, { root: 'documents' })).toBeUndefined();
      expect(match([{ x: 1 }, { x: 2 }], actual, { root: 'none' })).toMatch(
        /\[0\]: unexpected field/,
      );
    });

    it('treats a field whose value is undefined as missing', () => {
      expect(match({ x: 1 }, { x: undefined })).toMatch(/field is missing/);
    });

    it('says where a nested value differs', () => {
      expect(
        match({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } }, { path: 'expectResult' }),
      ).toBe('expectResult.a.b[1].c: expected 2, got 3');
    });
  });

  describe('arrays', () => {
    it('matches element by element', () => {
      expect(match([1, 2, 3], [1, 2, 3], { root: 'none' })).toBeUndefined();
      expect(match([1, 2, 3], [1, 3, 2], { root: 'none' })).toMatch(/\[1\]: expected 2, got 3/);
    });

    it('fails when the lengths differ', () => {
      expect(match([1, 2, 3], [1, 2, 3, 4], { root: 'none' })).toMatch(
        /array of 3 element\(s\), got 4/,
      );
      expect(match([{ x: 1 }], [], { root: 'documents' })).toMatch(/got 0/);
    });

    it('fails when the actual value is not an array', () => {
      expect(match([1], { 0: 1 }, { root: 'none' })).toMatch(/expected an array/);
    });
  });

  describe('numbers', () => {
    it('compares int32, int64 and double by value', () => {
      expect(match(1, 1.0, { root: 'none' })).toBeUndefined();
      expect(match(1, new Long(1), { root: 'none' })).toBeUndefined();
      expect(match(new Int32(5), new Double(5), { root: 'none' })).toBeUndefined();
      expect(
        match({ n: new Long('9007199254740993') }, { n: Long.fromString('9007199254740993') }),
      ).toBeUndefined();
    });

    it('tells different values apart', () => {
      expect(match(1, 1.5, { root: 'none' })).toMatch(/expected 1, got 1.5/);
      expect(
        match(new Long('9007199254740993'), new Long('9007199254740992'), { root: 'none' }),
      ).toBeDefined();
    });

    it('does not equate a number with its string', () => {
      expect(match(1, '1', { root: 'none' })).toBeDefined();
    });

    it('equates NaN with NaN, and with nothing else', () => {
      expect(match(NaN, new Double(NaN), { root: 'none' })).toBeUndefined();
      expect(matchExactly({ _id: NaN }, { _id: NaN })).toBeUndefined();
      expect(match(NaN, 0, { root: 'none' })).toBeDefined();
      expect(match(0, NaN, { root: 'none' })).toBeDefined();
    });

    it('compares Decimal128 as its own type', () => {
      expect(
        match(Decimal128.fromString('1.5'), Decimal128.fromString('1.5'), { root: 'none' }),
      ).toBeUndefined();
      expect(match(Decimal128.fromString('1.5'), 1.5, { root: 'none' })).toBeDefined();
    });
  });

  describe('other BSON values', () => {
    it('compares ObjectIds, dates, timestamps and binaries by value', () => {
      const id = new ObjectId();
      expect(match(new ObjectId(id.toHexString()), id, { root: 'none' })).toBeUndefined();
      expect(match(new ObjectId(), id, { root: 'none' })).toBeDefined();
      expect(match(new Date(5), new Date(5), { root: 'none' })).toBeUndefined();
      expect(
        match(new Timestamp({ t: 1, i: 2 }), new Timestamp({ t: 1, i: 3 }), { root: 'none' }),
      ).toBeDefined();
      expect(
        match(new Binary(Buffer.from('ab')), new Binary(Buffer.from('ab')), { root: 'none' }),
      ).toBeUndefined();
    });

    it('matches null only with null', () => {
      expect(match(null, null, { root: 'none' })).toBeUndefined();
      expect(match(null, undefined, { root: 'none' })).toBeDefined();
      expect(match({ x: null }, {})).toMatch(/field is missing/);
    });
  });

  describe('$$exists', () => {
    it('asserts presence', () => {
      expect(match({ x: { $$exists: true } }, { x: null })).toBeUndefined();
      expect(match({ x: { $$exists: true } }, {})).toMatch(/x: expected the field to exist/);
    });

    it('asserts absence', () => {
      expect(match({ x: { $$exists: false } }, {})).toBeUndefined();
      expect(match({ x: { $$exists: false } }, { x: 1 })).toMatch(
        /x: expected the field to be absent, got 1/,
      );
    });

    it('does not count as an extra-field check in nested documents', () => {
      expect(match({ a: { x: { $$exists: false }, y: 1 } }, { a: { y: 1 } })).toBeUndefined();
    });
  });

  describe('$$type', () => {
    it('matches one type name', () => {
      expect(match({ id: { $$type: 'objectId' } }, { id: new ObjectId() })).toBeUndefined();
      expect(match({ s: { $$type: 'string' } }, { s: 'a' })).toBeUndefined();
      expect(match({ d: { $$type: 'date' } }, { d: new Date() })).toBeUndefined();
      expect(match({ b: { $$type: 'bool' } }, { b: false })).toBeUndefined();
      expect(match({ n: { $$type: 'null' } }, { n: null })).toBeUndefined();
      expect(match({ o: { $$type: 'object' } }, { o: { a: 1 } })).toBeUndefined();
      expect(match({ a: { $$type: 'array' } }, { a: [1] })).toBeUndefined();
      expect(match({ l: { $$type: 'long' } }, { l: new Long(1) })).toBeUndefined();
      expect(
        match({ t: { $$type: 'timestamp' } }, { t: new Timestamp({ t: 1, i: 1 }) }),
      ).toBeUndefined();
      expect(
        match({ x: { $$type: 'decimal' } }, { x: Decimal128.fromString('1') }),
      ).toBeUndefined();
      expect(
        match({ x: { $$type: 'binData' } }, { x: new Binary(Buffer.from('a')) }),
      ).toBeUndefined();
      expect(match({ x: { $$type: 'regex' } }, { x: /a/ })).toBeUndefined();
    });

    it('matches any of several type names', () => {
      expect(match({ n: { $$type: ['int', 'long'] } }, { n: 5 })).toBeUndefined();
      expect(match({ n: { $$type: ['int', 'long'] } }, { n: new Long(5) })).toBeUndefined();
    });

    it('fails on another type', () => {
      expect(match({ id: { $$type: 'objectId' } }, { id: 'abc' })).toMatch(
        /id: expected type objectId, got string/,
      );
      expect(match({ n: { $$type: ['int', 'long'] } }, { n: 5.5 })).toMatch(
        /expected type int \| long/,
      );
      expect(match({ o: { $$type: 'object' } }, { o: [] })).toBeDefined();
    });

    it('fails when the field is missing', () => {
      expect(match({ id: { $$type: 'objectId' } }, {})).toMatch(
        /id: expected a value of type objectId, got nothing/,
      );
    });
  });

  describe('$$unsetOrMatches', () => {
    it('accepts a missing field', () => {
      expect(match({ insertedId: { $$unsetOrMatches: 2 } }, {})).toBeUndefined();
    });

    it('matches a present field', () => {
      expect(match({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 2 })).toBeUndefined();
      expect(match({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 3 })).toMatch(
        /insertedId: expected 2, got 3/,
      );
    });

    it('accepts a missing root result and keeps root rules for a present one', () => {
      const expected = { $$unsetOrMatches: { insertedIds: { $$unsetOrMatches: { 0: 2, 1: 3 } } } };
      expect(match(expected, undefined)).toBeUndefined();
      expect(match(expected, { insertedIds: { 0: 2, 1: 3 }, insertedCount: 2 })).toBeUndefined();
      expect(match(expected, { insertedIds: { 0: 2, 1: 3, 2: 4 } })).toMatch(
        /unexpected field\(s\) 2/,
      );
    });

    it('treats an empty expected document as exact when nested', () => {
      expect(match({ ids: { $$unsetOrMatches: {} } }, { ids: {} })).toBeUndefined();
      expect(match({ ids: { $$unsetOrMatches: {} } }, { ids: { 0: 1 } })).toMatch(
        /unexpected field/,
      );
    });
  });

  describe('$$matchesEntity', () => {
    const entities: Record<string, unknown> = { id0: new ObjectId('000000000000000000000001') };
    const entity = (id: string) => entities[id];

    it('matches the saved entity', () => {
      expect(
        match(
          { _id: { $$matchesEntity: 'id0' } },
          { _id: new ObjectId('000000000000000000000001') },
          { entity },
        ),
      ).toBeUndefined();
    });

    it('fails on another value', () => {
      expect(
        match({ _id: { $$matchesEntity: 'id0' } }, { _id: new ObjectId() }, { entity }),
      ).toBeDefined();
    });

    it('throws for an undefined entity', () => {
      expect(() => match({ _id: { $$matchesEntity: 'nope' } }, { _id: 1 }, { entity })).toThrow(
        /no entity named nope/,
      );
    });
  });

  describe('$$matchesHexBytes', () => {
    it('matches bytes case-insensitively', () => {
      expect(
        match({ b: { $$matchesHexBytes: '0A1B' } }, { b: Buffer.from([0x0a, 0x1b]) }),
      ).toBeUndefined();
      expect(
        match({ b: { $$matchesHexBytes: '0a1b' } }, { b: new Binary(Buffer.from([0x0a, 0x1b])) }),
      ).toBeUndefined();
    });

    it('fails on other bytes or a non-binary value', () => {
      expect(
        match({ b: { $$matchesHexBytes: '0a1c' } }, { b: Buffer.from([0x0a, 0x1b]) }),
      ).toBeDefined();
      expect(match({ b: { $$matchesHexBytes: '0a' } }, { b: 10 })).toBeDefined();
    });

    it('throws for malformed hex', () => {
      expect(() => match({ b: { $$matchesHexBytes: 'abc' } }, { b: Buffer.alloc(0) })).toThrow(
        /malformed hex/,
      );
    });
  });

  describe('$$lte', () => {
    it('accepts a number at or below the bound', () => {
      expect(match({ n: { $$lte: 5 } }, { n: 5 })).toBeUndefined();
      expect(match({ n: { $$lte: 5 } }, { n: new Long(3) })).toBeUndefined();
    });

    it('fails above the bound or on a non-number', () => {
      expect(match({ n: { $$lte: 5 } }, { n: 6 })).toMatch(/n: expected a number ≤ 5, got 6/);
      expect(match({ n: { $$lte: 5 } }, { n: '4' })).toBeDefined();
    });
  });

  describe('$$sessionLsid', () => {
    const uuid = (byte: number) => new Binary(Buffer.alloc(16, byte), Binary.SUBTYPE_UUID);
    const sessionLsid = (id: string) => {
      if (id !== 'session0') throw new Error(`no session ${id}`);
      return { id: uuid(1) };
    };

    it("matches the session's logical session id exactly", () => {
      const expected = { lsid: { $$sessionLsid: 'session0' } };
      expect(match(expected, { lsid: { id: uuid(1) } }, { sessionLsid })).toBeUndefined();
      expect(match(expected, { lsid: { id: uuid(2) } }, { sessionLsid })).toMatch(/lsid\.id/);
      expect(match(expected, { lsid: { id: uuid(1), x: 1 } }, { sessionLsid })).toMatch(
        /unexpected field\(s\) x/,
      );
      expect(match(expected, {}, { sessionLsid })).toMatch(/lsid: .*missing/);
    });

    it('throws for a name that is not a session entity', () => {
      expect(() =>
        match({ lsid: { $$sessionLsid: 'nope' } }, { lsid: {} }, { sessionLsid }),
      ).toThrow(/no session nope/);
      expect(() => match({ lsid: { $$sessionLsid: 'session0' } }, { lsid: {} })).toThrow(
        /no session entity named session0/,
      );
    });
  });

  it('throws for an unknown special operator', () => {
    expect(() => match({ x: { $$nope: 1 } }, { x: 1 })).toThrow(
      /unknown special operator \$\$nope/,
    );
  });

  it('does not take a document with a $$ key among others for an operator', () => {
    expect(match({ a: { $$type: 'int', b: 1 } }, { a: { $$type: 'int', b: 1 } })).toBeUndefined();
  });
});

describe('matchExactly (outcome data)', () => {
  it('rejects extra fields even at the root', () => {
    expect(matchExactly({ _id: 1 }, { _id: 1, x: 1 })).toMatch(/unexpected field\(s\) x/);
  });

  it('treats $$ keys as plain field names', () => {
    expect(matchExactly({ x: { $$exists: true } }, { x: 1 })).toBeDefined();
  });

  it('compares numbers by value and ignores key order', () => {
    expect(
      matchExactly({ _id: 1, x: 11 }, { x: new Double(11), _id: new Long(1) }),
    ).toBeUndefined();
  });
});
