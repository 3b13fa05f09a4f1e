import { handleShutdownSignals } from '../../../src/server/shutdown-signals';

describe('handleShutdownSignals (opt-in SIGTERM/SIGINT handling)', () => {
  it('stops the target gracefully on the first signal, and removes its handlers', async () => {
    let closed = 0;
    const stopped = new Promise<void>((resolve) => {
      const off = handleShutdownSignals(
        {
          close: async () => {
            closed++;
            resolve();
          },
        },
        { signals: ['SIGUSR2'], exit: false },
      );
      const before = process.listenerCount('SIGUSR2');
      process.emit('SIGUSR2', 'SIGUSR2');
      off();
      expect(process.listenerCount('SIGUSR2')).toBe(before - 1);
    });
    await stopped;
    expect(closed).toBe(1);
  });

  it('reports a failing stop to onError', async () => {
    const failure = new Error('cannot stop');
    const reported = new Promise<unknown>((resolve) => {
      const off = handleShutdownSignals(
        { stop: () => Promise.reject(failure) },
        { signals: ['SIGUSR2'], exit: false, onError: resolve },
      );
      process.emit('SIGUSR2', 'SIGUSR2');
      off();
    });
    await expect(reported).resolves.toBe(failure);
  });
});
