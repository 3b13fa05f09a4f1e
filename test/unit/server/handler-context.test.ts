import {
  QUIET,
  claimedJob,
  fakeServer,
  stopOnFakeClock as stop,
  useFakeServerClock,
  waitingContexts,
} from './server-fixture';
import { JOB_CONTEXT_KEYS } from '../../helpers/job-context-keys';

describe("a handler's JobContext", () => {
  useFakeServerClock();

  it('shares its getters across attempts and keeps its methods as its own, callable detached', async () => {
    const { store, build } = fakeServer({ ...QUIET, claimBatchSize: 1 });
    let claims = 0;
    store.claim = async () => (claims++ < 2 ? claimedJob('server-fixture.wait') : null);
    const server = build();
    await server.start();
    for (let i = 0; i < 100 && waitingContexts.length < 2; i++) {
      await jest.advanceTimersByTimeAsync(10);
    }
    expect(waitingContexts).toHaveLength(2);
    const [first, second] = waitingContexts;

    // The parts made when first used are getters of the context's class, not of each
    // context: a context with getters of its own (an object literal's) is a dictionary in
    // V8, and one per attempt kept more of each attempt's objects past the young generation.
    for (const name of ['logger', 'checkpoint', 'artefacts'] as const) {
      expect(Object.getOwnPropertyDescriptor(first, name)).toBeUndefined();
    }
    expect(Object.getPrototypeOf(first)).toBe(Object.getPrototypeOf(second));
    expect(first.logger).toBe(first.logger);
    expect(first.logger).not.toBe(second.logger);
    expect(first.checkpoint).toBeUndefined();
    expect(typeof first.artefacts.put).toBe('function');

    // What a handler reads or calls is its own, in the order the context lists it.
    expect(Object.keys(first)).toEqual(JOB_CONTEXT_KEYS);
    const { snooze } = first;
    await expect(snooze({ delayMs: -1 })).rejects.toThrow(/delayMs/);
    await stop(server);
  });
});
