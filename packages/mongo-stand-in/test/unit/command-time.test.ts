import { StandInHarness } from './stand-in-harness';

/**
 * `$$NOW` has one value for a whole command, as in mongod: a filter's `$expr` and the update
 * pipeline it guards see the same instant, for every document the command touches.
 */
const HOUR_MS = 3_600_000;

describe('$$NOW', () => {
  it('is one instant for every document of a multi-document update, filter and pipeline', () => {
    const h = new StandInHarness();
    h.insert(
      'c',
      Array.from({ length: 2_000 }, (_, i) => ({ _id: i, expiresAt: new Date(0) })),
    );
    const reply = h.ok({
      update: 'c',
      updates: [
        {
          q: { $expr: { $lt: ['$expiresAt', '$$NOW'] } },
          u: [{ $set: { at: '$$NOW', expiresAt: { $add: ['$$NOW', HOUR_MS] } } }],
          multi: true,
        },
      ],
    });
    expect(reply).toMatchObject({ n: 2_000, nModified: 2_000 });
    const stamped = h.all('c');
    const instants = new Set(stamped.map((d) => (d.at as Date).getTime()));
    expect(instants.size).toBe(1);
    const [at] = instants;
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);
    expect(new Set(stamped.map((d) => (d.expiresAt as Date).getTime()))).toEqual(
      new Set([at + HOUR_MS]),
    );
    // The next command has its own $$NOW, before the new expiry (an hour on, so a loaded
    // machine cannot reach it): nothing matches.
    expect(h.find('c', { filter: { $expr: { $lt: ['$expiresAt', '$$NOW'] } } })).toEqual([]);
  });

  it('is bound only where it is an expression: a query value and a $literal stay text', () => {
    const h = new StandInHarness();
    h.insert('c', [{ _id: 1, s: '$$NOW' }]);
    expect(h.find('c', { filter: { s: '$$NOW' } })).toHaveLength(1);
    h.ok({
      update: 'c',
      updates: [{ q: { _id: 1 }, u: [{ $set: { t: { $literal: '$$NOW' } } }] }],
    });
    expect(h.all('c')[0].t).toBe('$$NOW');
    const { value } = h.ok({
      findAndModify: 'c',
      query: { _id: 1, $or: [{ $expr: { $lt: [{ $literal: new Date(0) }, '$$NOW'] } }] },
      update: [{ $set: { u: '$$NOW' } }],
      new: true,
    });
    expect(value.u).toBeInstanceOf(Date);
  });
});
