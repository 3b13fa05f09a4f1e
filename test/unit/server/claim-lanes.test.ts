import { ClaimLanes } from '../../../src/server/claim-lanes';
import type { ClaimLane } from '../../../src/storage/job-store';
import { QUIET, fakeServer } from './server-fixture';

/** Lanes over a registry whose answers the test sets, on a clock the test moves. */
function setUp(serverId: string, live: string[]) {
  let ms = 0;
  const reads: Array<{ staleAfterMs: number; queues: readonly string[] }> = [];
  const errors: string[] = [];
  let answer: () => Promise<string[]> = async () => live;
  const lanes = new ClaimLanes({
    servers: {
      liveServerIds: (_now, staleAfterMs, queues) => {
        reads.push({ staleAfterMs, queues });
        return answer();
      },
    },
    clock: { now: () => new Date(0) },
    serverId,
    queues: ['default', 'mail'],
    heartbeatIntervalMs: 1_000,
    report: (_error, context) => void errors.push(context),
    monotonicMs: () => ms,
  });
  return {
    lanes,
    reads,
    errors,
    advance: (by: number) => void (ms += by),
    answerWith: (next: () => Promise<string[]>) => void (answer = next),
  };
}

describe('ClaimLanes', () => {
  it('has no lane until a claim meets contention, then its rank among the live servers', async () => {
    const { lanes, reads } = setUp('server-b', ['server-c', 'server-a', 'server-b']);
    expect(lanes.current()).toBeUndefined();
    expect(reads).toEqual([]);
    lanes.refresh();
    await lanes.settled();
    expect(reads).toEqual([{ staleAfterMs: 3_000, queues: ['default', 'mail'] }]);
    expect(lanes.current()).toEqual({ index: 1, count: 3 });
  });

  it('counts itself before its own entry is read back, and needs no lane alone', async () => {
    const alone = setUp('server-a', []);
    alone.lanes.refresh();
    await alone.lanes.settled();
    expect(alone.lanes.current()).toBeUndefined();
    const early = setUp('server-b', ['server-a']);
    early.lanes.refresh();
    await early.lanes.settled();
    expect(early.lanes.current()).toEqual({ index: 1, count: 2 });
  });

  it('reads at most once per heartbeat interval, however many claims meet contention', async () => {
    const { lanes, reads, advance } = setUp('server-a', ['server-b']);
    lanes.refresh();
    lanes.refresh();
    await lanes.settled();
    lanes.refresh();
    advance(999);
    lanes.refresh();
    await lanes.settled();
    expect(reads).toHaveLength(1);
    advance(1);
    lanes.refresh();
    await lanes.settled();
    expect(reads).toHaveLength(2);
  });

  it('found alone, looks again soon after a claim meets contention: another server is there', async () => {
    const { lanes, reads, advance, answerWith } = setUp('server-a', []);
    lanes.refresh();
    await lanes.settled();
    expect(lanes.current()).toBeUndefined();
    // The other server announced itself after the first read; its claims now meet ours.
    answerWith(async () => ['server-b']);
    advance(100);
    lanes.refresh();
    await lanes.settled();
    expect(reads).toHaveLength(1);
    lanes.refresh(true);
    await lanes.settled();
    expect(reads).toHaveLength(2);
    expect(lanes.current()).toEqual({ index: 0, count: 2 });
  });

  it('reads once for the first batch claim, however often it is asked', async () => {
    const { lanes, reads } = setUp('server-b', ['server-a']);
    await Promise.all([lanes.learnFirst(), lanes.learnFirst()]);
    await lanes.learnFirst();
    expect(reads).toHaveLength(1);
    expect(lanes.current()).toEqual({ index: 1, count: 2 });
  });

  it('forgets its lane ten heartbeat intervals after learning it', async () => {
    const { lanes, advance } = setUp('server-a', ['server-b']);
    lanes.refresh();
    await lanes.settled();
    advance(10_000);
    expect(lanes.current()).toEqual({ index: 0, count: 2 });
    advance(1);
    expect(lanes.current()).toBeUndefined();
  });

  it('reports a failed read and keeps claiming without a lane', async () => {
    const { lanes, errors, answerWith } = setUp('server-a', []);
    answerWith(() => Promise.reject(new Error('connection closed')));
    lanes.refresh();
    await lanes.settled();
    expect(errors).toEqual(['reading the live servers (for claim lanes) failed']);
    expect(lanes.current()).toBeUndefined();
  });
});

describe('a server’s claims in lanes (fake storage, fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'performance'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('learns its lane before its first batch claim, and claims in it from then on', async () => {
    const { store, servers, build } = fakeServer({ ...QUIET, minPollIntervalMs: 10 });
    servers.entries.add('another-server');
    const lanes: Array<ClaimLane | undefined> = [];
    store.claimBatch = async (request) => {
      lanes.push(request.lane);
      return { jobs: [], contended: false };
    };
    const server = build();
    await server.start();
    await jest.advanceTimersByTimeAsync(100);
    // One read, before the first claim; an idle server reads no more.
    expect(servers.log.filter((entry) => entry === 'live servers')).toHaveLength(1);
    expect(lanes.length).toBeGreaterThan(2);
    // 'another-server' sorts first: this server ('fake-server') has the second lane of two.
    expect(new Set(lanes.map((lane) => JSON.stringify(lane)))).toEqual(
      new Set([JSON.stringify({ index: 1, count: 2 })]),
    );
    await server.stop();
  });
});
