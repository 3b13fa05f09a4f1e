import { NewWorkWatch, type NewWorkSource } from '../../../src/server/new-work-watch';
import { quietLogger } from '../../helpers/logger';
import type { PushVia } from '../../../src/storage/job-store';
import { fakeWatch, flushPromises, type FakeWatch } from './server-fixture';

/**
 * A source of fake push channels; `failOpen` makes the next opens throw, `via` says which
 * channel the deployment offers (none: null).
 */
function fakeSource() {
  const watches: FakeWatch[] = [];
  const state = { failOpen: 0, via: 'change-stream' as PushVia | null };
  const source: NewWorkSource = {
    watchForNewWork: async (queues, onWork, onError, options) => {
      if (state.failOpen > 0) {
        state.failOpen--;
        throw new Error('cannot open');
      }
      if (state.via === null) return null;
      const watch = fakeWatch(queues, onWork, onError, options, state.via);
      watches.push(watch);
      return watch;
    },
  };
  return { source, watches, state };
}

describe('NewWorkWatch', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  function setUp() {
    const { source, watches, state } = fakeSource();
    const reports: string[] = [];
    const modes: Array<[string, string | undefined]> = [];
    const wakes: Array<[string | undefined, Date | undefined]> = [];
    const watch = new NewWorkWatch({
      source,
      queues: ['default'],
      onWork: (jobId, dueAt) => wakes.push([jobId, dueAt]),
      onMode: (mode, reason) => modes.push([mode, reason]),
      report: (_error, context) => reports.push(context),
      logger: quietLogger(),
      random: () => 1,
    });
    return { watch, watches, state, reports, modes, wakes, woken: () => wakes.length };
  }

  /** Moves the fake clock until `count` streams were opened; returns how long it took. */
  async function untilOpened(watches: FakeWatch[], count: number): Promise<number> {
    const from = Date.now();
    while (watches.length < count && Date.now() - from < 600_000) {
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(watches).toHaveLength(count);
    return Date.now() - from;
  }

  it('is polling on a deployment without a push channel, and reopens nothing', async () => {
    const { watch, state, watches, modes } = setUp();
    state.via = null;
    expect(await watch.open()).toBe('polling');
    await jest.advanceTimersByTimeAsync(600_000);
    expect(watches).toHaveLength(0);
    expect(modes).toEqual([]);
  });

  it('passes on the job and its due time, wakes the server on failure (work may have been missed) and reports it', async () => {
    const { watch, watches, reports, wakes } = setUp();
    expect(await watch.open()).toBe('change-stream');
    const dueAt = new Date('2026-12-02T10:00:00Z');
    watches[0].onWork('job-1', dueAt);
    expect(wakes).toEqual([['job-1', dueAt]]);
    watches[0].onError(new Error('boom'));
    await flushPromises();
    expect(wakes).toEqual([
      ['job-1', dueAt],
      [undefined, undefined],
    ]);
    expect(reports).toEqual(['the change stream failed; polling until it is reopened']);
    await watch.close();
  });

  it('says when it falls back to polling and why, and when push pickup is back', async () => {
    const { watch, watches, state, modes } = setUp();
    state.via = 'notifications';
    expect(await watch.open()).toBe('notifications');
    expect(modes).toEqual([]);
    watches[0].onError(new Error('tail ended'));
    await flushPromises();
    expect(watch.mode).toBe('polling');
    expect(modes).toEqual([['polling', 'tail ended']]);
    await untilOpened(watches, 2);
    expect(watch.mode).toBe('notifications');
    expect(modes).toEqual([
      ['polling', 'tail ended'],
      ['notifications', undefined],
    ]);
    await watch.close();
  });

  it('looks for missed work when it reopens without a resume token (a tail starts anew)', async () => {
    const { watch, watches, state, woken } = setUp();
    state.via = 'notifications';
    await watch.open();
    watches[0].onError(new Error('tail ended'));
    await flushPromises();
    const afterFailure = woken();
    await untilOpened(watches, 2);
    await flushPromises();
    expect(woken()).toBe(afterFailure + 1);
    await watch.close();
  });

  it('backs off exponentially while reopening keeps failing, and resumes from the last token', async () => {
    const { watch, watches, state } = setUp();
    await watch.open();
    watches[0].onWork('job-1');
    watches[0].resumeToken = 'token-a';
    state.failOpen = 2;
    watches[0].onError(new Error('boom'));
    // Three tries: 1 s, 2 s (both refused), then 4 s later it opens, fresh: the token was
    // dropped after a refused resume.
    expect(await untilOpened(watches, 2)).toBeGreaterThanOrEqual(7_000);
    expect(watches[1].options).toBeUndefined();
    await watch.close();
  });

  it('resumes after the last event, and drops a token that fails before delivering anything', async () => {
    const { watch, watches } = setUp();
    await watch.open();
    watches[0].onWork('job-1');
    watches[0].resumeToken = 'token-a';
    watches[0].onError(new Error('boom'));
    await untilOpened(watches, 2);
    expect(watches[1].options).toEqual({ resumeAfter: 'token-a' });
    // The resumed stream fails at once: its token may be what fails (history lost).
    watches[1].resumeToken = 'token-a';
    watches[1].onError(new Error('history lost'));
    await untilOpened(watches, 3);
    expect(watches[2].options).toBeUndefined();
    await watch.close();
  });

  it('ignores a late error of a stream it replaced, and reopens nothing once closed', async () => {
    const { watch, watches, reports } = setUp();
    await watch.open();
    watches[0].onError(new Error('boom'));
    await untilOpened(watches, 2);
    watches[0].onError(new Error('late echo'));
    expect(reports).toHaveLength(1);
    watches[1].onError(new Error('again'));
    await watch.close();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(watches).toHaveLength(2);
    expect(watches[1].closed).toBe(true);
  });
});
