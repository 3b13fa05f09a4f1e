import { BlockedKeys, MAX_EXCLUDED_KEYS } from '../../../src/server/blocked-keys';

describe('BlockedKeys', () => {
  let now = 1_000;

  beforeEach(() => {
    now = 1_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });

  afterEach(() => jest.restoreAllMocks());

  it('leaves a busy key out for a backoff that doubles while it stays busy, up to the maximum', () => {
    const keys = new BlockedKeys(10, 50);
    const backoffs: number[] = [];
    for (let i = 0; i < 5; i++) {
      keys.block('k');
      backoffs.push(keys.untilNextRetry());
      expect(keys.excluded()).toEqual(['k']);
      now += keys.untilNextRetry();
      expect(keys.excluded()).toEqual([]);
    }
    expect(backoffs).toEqual([10, 20, 40, 50, 50]);
    expect(keys.untilNextRetry()).toBe(Infinity);
  });

  it('tries a key again at once when a job of it ends here, and starts its backoff over', () => {
    const keys = new BlockedKeys(10, 50);
    keys.block('k');
    keys.block('k');
    keys.started('k', 2);
    keys.ended('k');
    expect(keys.excluded()).toEqual([]);
    keys.block('k');
    expect(keys.untilNextRetry()).toBe(10);
  });

  it('leaves out a key its own jobs hold to its limit, until one of them ends', () => {
    const keys = new BlockedKeys(10, 50);
    keys.started('k', 2);
    expect(keys.excluded()).toEqual([]);
    keys.started('k', 2);
    expect(keys.excluded()).toEqual(['k']);
    keys.ended('k');
    expect(keys.excluded()).toEqual([]);
    keys.ended('k');
    keys.started('k', 1);
    expect(keys.excluded()).toEqual(['k']);
  });

  it(`names at most ${MAX_EXCLUDED_KEYS} keys in a claim, and forgets backoffs long over`, () => {
    const keys = new BlockedKeys(10, 50);
    for (let i = 0; i < MAX_EXCLUDED_KEYS + 10; i++) keys.block(`k${i}`);
    expect(keys.excluded()).toHaveLength(MAX_EXCLUDED_KEYS);
    now += 10 + 50 + 1;
    expect(keys.excluded()).toEqual([]);
    // Forgotten: the next backoff of a key starts over.
    keys.block('k0');
    expect(keys.untilNextRetry()).toBe(10);
  });
});
