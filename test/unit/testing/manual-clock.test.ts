import { InvalidOptionsError } from '../../../src/errors';
import { ManualClock } from '../../../src/testing/harness/manual-clock';

describe('ManualClock', () => {
  const start = new Date('2030-01-01T00:00:00.000Z');

  it('stands still until moved', () => {
    const clock = new ManualClock({ startAt: start });
    expect(clock.now()).toEqual(start);
    expect(clock.now()).toEqual(start);
  });

  it('starts at the current time rounded down to the minute by default', () => {
    const before = Date.now();
    const now = new ManualClock().now().getTime();
    expect(now % 60_000).toBe(0);
    expect(now).toBeLessThanOrEqual(before + 1_000);
    expect(before - now).toBeLessThan(60_000 + 1_000);
  });

  it('hands out copies, so a caller mutating a Date does not move the clock', () => {
    const clock = new ManualClock({ startAt: start });
    clock.now().setFullYear(1999);
    expect(clock.now()).toEqual(start);
  });

  it('advances by ms and sets to a later date, returning the new time', () => {
    const clock = new ManualClock({ startAt: start });
    expect(clock.advance(60_000)).toEqual(new Date('2030-01-01T00:01:00.000Z'));
    expect(clock.advance(0)).toEqual(new Date('2030-01-01T00:01:00.000Z'));
    expect(clock.set(new Date('2030-01-02T00:00:00.000Z'))).toEqual(
      new Date('2030-01-02T00:00:00.000Z'),
    );
    expect(clock.now()).toEqual(new Date('2030-01-02T00:00:00.000Z'));
  });

  it('refuses to move backward or by a malformed amount, naming the argument', () => {
    const clock = new ManualClock({ startAt: start });
    expect(() => clock.advance(-1)).toThrow(InvalidOptionsError);
    expect(() => clock.advance(1.5)).toThrow(/ms must be an integer/);
    expect(() => clock.advance(Number.NaN)).toThrow(InvalidOptionsError);
    expect(() => clock.set(new Date('2029-12-31T23:59:59.999Z'))).toThrow(
      /date must not be earlier than the clock's time 2030-01-01T00:00:00.000Z/,
    );
    expect(() => clock.set(new Date('nope'))).toThrow(/date must be a valid Date/);
    expect(clock.now()).toEqual(start);
  });

  it('refuses a time past the last instant a Date holds', () => {
    const clock = new ManualClock({ startAt: new Date(8.64e15 - 10) });
    expect(() => clock.advance(11)).toThrow(InvalidOptionsError);
    expect(clock.advance(10).getTime()).toBe(8.64e15);
  });

  it('checks its options', () => {
    expect(() => new ManualClock({ startAt: new Date('nope') })).toThrow(
      /startAt must be a valid Date/,
    );
    expect(() => new ManualClock({ start: start } as never)).toThrow(InvalidOptionsError);
  });

  it('tells listeners of every move until they unsubscribe', () => {
    const clock = new ManualClock({ startAt: start });
    const seen: string[] = [];
    const off = clock.onChange((now) => seen.push(now.toISOString()));
    clock.advance(1_000);
    clock.set(new Date('2030-01-01T00:00:05.000Z'));
    clock.now();
    off();
    clock.advance(1_000);
    expect(seen).toEqual(['2030-01-01T00:00:01.000Z', '2030-01-01T00:00:05.000Z']);
  });

  it('calls every listener even when one throws, then throws what they threw', () => {
    const clock = new ManualClock({ startAt: start });
    const calls: number[] = [];
    clock.onChange(() => {
      calls.push(1);
      throw new Error('first');
    });
    clock.onChange(() => calls.push(2));
    expect(() => clock.advance(1)).toThrow('first');
    expect(calls).toEqual([1, 2]);
    expect(clock.now().getTime()).toBe(start.getTime() + 1);

    clock.onChange(() => {
      throw new Error('second');
    });
    expect(() => clock.advance(1)).toThrow(AggregateError);
  });
});
