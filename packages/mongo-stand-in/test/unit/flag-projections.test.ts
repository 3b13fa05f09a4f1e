import { StandInHarness } from './stand-in-harness';

/**
 * Projections of 0/1 flags on top-level fields, which the stand-in applies without mingo:
 * the fields mongod keeps, in stored order.
 */
describe('flag projections on top-level fields', () => {
  const h = new StandInHarness();
  h.insert('c', [{ _id: 1, z: 1, a: { b: 2 }, m: [1, 2], history: [{ s: 'x' }] }]);
  const project = (projection: Record<string, unknown>) => h.find('c', { projection });

  it.each([
    ['an exclusion', { history: 0 }, { _id: 1, z: 1, a: { b: 2 }, m: [1, 2] }],
    [
      'an exclusion of _id and a field',
      { _id: 0, z: false },
      { a: { b: 2 }, m: [1, 2], history: [{ s: 'x' }] },
    ],
    ['an inclusion, in stored order', { m: 1, z: true }, { _id: 1, z: 1, m: [1, 2] }],
    ['an inclusion without _id', { _id: 0, a: 1 }, { a: { b: 2 } }],
    [
      'an exclusion keeping _id explicitly',
      { _id: 1, m: 0 },
      { _id: 1, z: 1, a: { b: 2 }, history: [{ s: 'x' }] },
    ],
    ['_id alone', { _id: 1 }, { _id: 1 }],
    ['no _id alone', { _id: 0 }, { z: 1, a: { b: 2 }, m: [1, 2], history: [{ s: 'x' }] }],
    ['a missing field', { absent: 1 }, { _id: 1 }],
  ])('applies %s', (_name, projection, expected) => {
    const [document] = project(projection);
    expect(document).toEqual(expected);
    expect(Object.keys(document)).toEqual(Object.keys(expected));
  });

  it('still refuses inclusions mixed with exclusions', () => {
    const reply = h.run({ find: 'c', projection: { z: 1, m: 0 } });
    expect(reply).toMatchObject({ ok: 0 });
    expect(String(reply.errmsg)).toMatch(/exclusion/i);
  });
});
