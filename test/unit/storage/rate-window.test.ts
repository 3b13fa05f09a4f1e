import { rateWindowState, type RateEntry } from '../../../src/storage/rate-window';

/** An entry of `n` starts at `at` ms (the database's clock, injected as plain numbers). */
const entry = (at: number, n: number, token?: string): RateEntry => ({
  at: new Date(at),
  n,
  ...(token === undefined ? {} : { token }),
});

describe('rateWindowState (sliding window arithmetic)', () => {
  it('counts only the entries of the window ending now: at > now - intervalMs', () => {
    const entries = [entry(1_000, 2), entry(1_500, 1), entry(2_000, 1)];
    // At 2_500 with a 1_000 ms window, the entry at 1_500 is just out (1_500 > 1_500 is false).
    expect(rateWindowState(entries, 2_500, 5, 1_000)).toEqual({ used: 1, freeAt: 2_500 });
    expect(rateWindowState(entries, 2_499, 5, 1_000)).toEqual({ used: 2, freeAt: 2_499 });
    expect(rateWindowState(entries, 1_999, 5, 1_000)).toEqual({ used: 4, freeAt: 1_999 });
  });

  it('a full window frees when enough of its entries have left it', () => {
    const entries = [entry(1_000, 2), entry(1_200, 1), entry(1_400, 2)];
    // max 5, all 5 used: one leaving is enough (the oldest, at 1_000 + 1_000).
    expect(rateWindowState(entries, 1_500, 5, 1_000)).toEqual({ used: 5, freeAt: 2_000 });
    // max 3 with 5 used: the count must fall to 2 (entries at 1_000 and 1_200 must leave).
    expect(rateWindowState(entries, 1_500, 3, 1_000)).toEqual({ used: 5, freeAt: 2_200 });
  });

  it('an unsettled reservation counts, and is assumed settled now (its earliest)', () => {
    // Reserved with a provisional time far ahead; it can leave no earlier than now + interval.
    const entries = [entry(31_000, 3, 'pending'), entry(900, 1)];
    expect(rateWindowState(entries, 1_000, 4, 1_000)).toEqual({ used: 4, freeAt: 1_900 });
    expect(rateWindowState(entries, 1_000, 3, 1_000)).toEqual({ used: 4, freeAt: 2_000 });
  });

  it('given back starts (settled with fewer) no longer count', () => {
    expect(rateWindowState([entry(1_000, 0)], 1_100, 1, 1_000)).toEqual({ used: 0, freeAt: 1_100 });
  });
});
