import { WriteNotifier } from '../../src/engine/write-notifier';

/**
 * Per-namespace write notifications: what awaitData getMores will wait on (and change
 * streams read), heard in the order the changes are made.
 */
describe('write notifications', () => {
  it('keeps notifying the others when a listener throws, and reports it once', () => {
    const notifier = new WriteNotifier();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const heard: string[] = [];
    notifier.subscribe('test.c', () => {
      throw new Error('listener bug');
    });
    notifier.subscribe('test.c', (event) => heard.push(event.kind));
    try {
      notifier.notify({ kind: 'drop', ns: 'test.c' });
      notifier.notify({ kind: 'drop', ns: 'test.c' });
      expect(heard).toEqual(['drop', 'drop']);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0][0])).toContain('listener bug');
    } finally {
      stderr.mockRestore();
    }
  });

  it('forgets a listener once unsubscribed, however often that is called', () => {
    const notifier = new WriteNotifier();
    const heard: string[] = [];
    const first = notifier.subscribe('test.c', (event) => heard.push(`first ${event.kind}`));
    const second = notifier.subscribe('test.c', (event) => heard.push(`second ${event.kind}`));
    first();
    first();
    notifier.notify({ kind: 'drop', ns: 'test.c' });
    expect(heard).toEqual(['second drop']);
    expect(notifier.listenerCount('test.c')).toBe(1);
    second();
    expect(notifier.listenerCount()).toBe(0);
  });
});
