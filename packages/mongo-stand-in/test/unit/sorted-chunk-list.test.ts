import { SortedChunkList } from '../../src/engine/sorted-chunk-list';

describe('SortedChunkList', () => {
  it('stays sorted through random inserts and deletes, across chunk splits', () => {
    const list = new SortedChunkList<number>((a, b) => a - b);
    const reference: number[] = [];
    let state = 7;
    const next = (): number => (state = (state * 48271) % 2147483647);
    for (let i = 0; i < 6000; i++) {
      const value = next() % 4000;
      if (value % 3 === 0 && reference.length > 0) {
        const victim = reference[next() % reference.length];
        expect(list.delete(victim)).toBe(true);
        reference.splice(reference.indexOf(victim), 1);
      } else if (!reference.includes(value)) {
        list.insert(value);
        reference.push(value);
        reference.sort((a, b) => a - b);
      }
    }
    expect(list.delete(-1)).toBe(false);
    expect(list.size).toBe(reference.length);
    expect(list.toArray()).toEqual(reference);
    for (const [low, high] of [
      [0, 4000],
      [100, 2500],
      [1999, 2001],
      [3990, 9999],
      [-5, 3],
      [500, 500],
    ]) {
      const start = list.lowerBound((item) => item < low);
      const end = list.lowerBound((item) => item < high);
      const expected = reference.filter((item) => item >= low && item < high);
      expect(list.slice(start, end)).toEqual(expected);
      expect([...list.between(start, end, 1)]).toEqual(expected);
      expect([...list.between(start, end, -1)]).toEqual([...expected].reverse());
      expect(list.rank(end) - list.rank(start)).toBe(expected.length);
    }
  });

  it('walks an empty list without error', () => {
    const list = new SortedChunkList<number>((a, b) => a - b);
    const start = list.lowerBound(() => false);
    expect(list.slice(start, start)).toEqual([]);
    expect([...list.between(start, start, -1)]).toEqual([]);
    expect(list.delete(1)).toBe(false);
  });
});
