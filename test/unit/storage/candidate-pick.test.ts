import { ObjectId } from 'mongodb';
import { candidateWindow, laneOf, pickCandidates } from '../../../src/storage/mongo/candidate-pick';

interface Candidate {
  _id: string;
  priority: number;
}

/** `count` candidates of one priority, in due order, with ids as Docket makes them. */
const due = (count: number, priority = 0): Candidate[] =>
  Array.from({ length: count }, () => ({ _id: new ObjectId().toHexString(), priority }));

describe('pickCandidates', () => {
  it('without lanes, takes `limit` of the window at random, keeping priority order', () => {
    const high = due(10, 5);
    const low = due(90);
    const picked = pickCandidates([...high, ...low], 50, undefined);
    expect(picked).toHaveLength(50);
    expect(new Set(picked.slice(0, 10))).toEqual(new Set(high));
    expect(picked.slice(10).every((job) => low.includes(job))).toBe(true);
  });

  it('with lanes, servers reading the same window take disjoint jobs of their own lanes', () => {
    const window = due(candidateWindow(50, { index: 0, count: 2 }));
    const first = pickCandidates(window, 50, { index: 0, count: 2 });
    const second = pickCandidates(window, 50, { index: 1, count: 2 });
    expect(first.length).toBeGreaterThanOrEqual(25);
    expect(second.length).toBeGreaterThanOrEqual(25);
    expect(first.filter((job) => second.includes(job))).toEqual([]);
    expect(first.every((job) => laneOf(job._id, 2) === 0)).toBe(true);
    // The own lane's jobs come in due order.
    expect(first).toEqual(window.filter((job) => laneOf(job._id, 2) === 0).slice(0, 50));
  });

  it('a server whose lane ran ahead tops up from the others’ end, and the batches stay disjoint', () => {
    // Lane 0's server claimed twice while lane 1's claimed once: lane 0 holds 40 of the 150.
    const lane0 = due(400).filter((job) => laneOf(job._id, 2) === 0);
    const lane1 = due(400).filter((job) => laneOf(job._id, 2) === 1);
    const window = [...lane1.slice(0, 110), ...lane0.slice(0, 40)].sort(() => Math.random() - 0.5);
    const first = pickCandidates(window, 50, { index: 0, count: 2 });
    const second = pickCandidates(window, 50, { index: 1, count: 2 });
    expect(first).toHaveLength(50);
    expect(second).toHaveLength(50);
    expect(first.filter((job) => second.includes(job))).toEqual([]);
    // Its own lane first, then the other lane's latest jobs.
    expect(first.slice(0, 40).every((job) => laneOf(job._id, 2) === 0)).toBe(true);
    const lane1InWindow = window.filter((job) => laneOf(job._id, 2) === 1);
    expect(first.slice(40)).toEqual(lane1InWindow.slice(-10).reverse());
  });

  it('without enough of its own lane, takes the other lanes’ jobs (a server gone or slow)', () => {
    const others = due(400).filter((job) => laneOf(job._id, 2) === 1);
    const window = [
      ...others.slice(0, 90),
      ...due(400)
        .filter((j) => laneOf(j._id, 2) === 0)
        .slice(0, 10),
    ];
    const picked = pickCandidates(window, 50, { index: 0, count: 2 });
    expect(picked).toHaveLength(50);
    expect(picked.slice(0, 10).every((job) => laneOf(job._id, 2) === 0)).toBe(true);
  });

  it('takes higher-priority jobs of every lane before its own lane’s lower-priority ones', () => {
    const urgent = due(20, 10);
    const window = [...urgent, ...due(180)];
    const picked = pickCandidates(window, 50, { index: 1, count: 2 });
    expect(new Set(picked.slice(0, 20))).toEqual(new Set(urgent));
    expect(picked.slice(20).every((job) => laneOf(job._id, 2) === 1)).toBe(true);
  });

  it('reads a batch more than the lanes, up to four, and one batch without lanes', () => {
    expect(candidateWindow(50, undefined)).toBe(50);
    expect(candidateWindow(50, { index: 0, count: 1 })).toBe(50);
    expect(candidateWindow(50, { index: 1, count: 2 })).toBe(150);
    expect(candidateWindow(50, { index: 2, count: 3 })).toBe(200);
    expect(candidateWindow(50, { index: 7, count: 9 })).toBe(200);
  });

  it('spreads ids of any shape over the lanes', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) counts[laneOf(`order-${i}`, 3)]++;
    for (const count of counts) expect(count).toBeGreaterThan(900);
  });
});
