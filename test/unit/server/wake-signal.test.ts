import { WakeSignal } from '../../../src/server/wake-signal';

describe('WakeSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sleeps until the deadline', async () => {
    const signal = new WakeSignal();
    let woke = false;
    const sleeping = signal.sleep(1_000).then(() => (woke = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('wakes early and clears its timer', async () => {
    const signal = new WakeSignal();
    const sleeping = signal.sleep(60_000);
    signal.wake();
    await sleeping;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('remembers a wake that comes before the sleep', async () => {
    const signal = new WakeSignal();
    signal.wake();
    await signal.sleep(Infinity);
    // The remembered wake is used up: the next sleep waits again.
    let woke = false;
    void signal.sleep(100).then(() => (woke = true));
    await jest.advanceTimersByTimeAsync(50);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(50);
    expect(woke).toBe(true);
  });
});
