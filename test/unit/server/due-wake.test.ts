import { DueWake } from '../../../src/server/due-wake';

describe('DueWake', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const clock = { now: () => new Date() };

  it('wakes at once, counting one, for a job already due', () => {
    const wakes: number[] = [];
    new DueWake(clock, (count) => wakes.push(count)).at(new Date(Date.now() - 1));
    expect(wakes).toEqual([1]);
  });

  it('wakes once at a due time with the number of jobs due then, then at the next one', async () => {
    const wakes: Array<[number, number]> = [];
    const due = new DueWake(clock, (count) => wakes.push([Date.now(), count]));
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) due.at(new Date(t0 + 500));
    due.at(new Date(t0 + 200));
    due.at(new Date(t0 + 900));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(wakes.map(([at, count]) => [at - t0, count])).toEqual([
      [203, 1],
      [503, 3],
      [903, 1],
    ]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('forgets everything on clear()', async () => {
    const wakes: number[] = [];
    const due = new DueWake(clock, (count) => wakes.push(count));
    due.at(new Date(Date.now() + 100));
    due.clear();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(wakes).toEqual([]);
  });
});
