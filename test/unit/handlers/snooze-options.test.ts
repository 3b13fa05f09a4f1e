import { InvalidOptionsError } from '../../../src/errors';
import { MAX_SNOOZE_MS, resolveSnooze } from '../../../src/handlers/snooze-options';

const NOW = new Date('2026-03-01T12:00:00Z');

describe('resolveSnooze', () => {
  it('takes a delay from now, or a time, with an optional reason', () => {
    expect(resolveSnooze({ delayMs: 30_000 }, NOW)).toEqual({
      until: new Date('2026-03-01T12:00:30Z'),
      reason: undefined,
    });
    const until = new Date('2026-03-02T00:00:00Z');
    expect(resolveSnooze({ until, reason: '429' }, NOW)).toEqual({ until, reason: '429' });
    // A time past makes the job due at once.
    expect(resolveSnooze({ until: new Date(0) }, NOW).until).toEqual(new Date(0));
    expect(resolveSnooze({ delayMs: MAX_SNOOZE_MS }, NOW).until.getTime()).toBe(
      NOW.getTime() + MAX_SNOOZE_MS,
    );
  });

  it.each([
    ['no options', undefined, 'snooze must be a plain object, got undefined', 'snooze'],
    ['neither delayMs nor until', {}, 'snooze needs exactly one of delayMs and until', 'snooze'],
    [
      'both delayMs and until',
      { delayMs: 1, until: NOW },
      'snooze needs exactly one of delayMs and until',
      'snooze',
    ],
    [
      'a negative delay',
      { delayMs: -1 },
      'snooze.delayMs must be an integer between 0 and 31536000000, got -1',
      'snooze.delayMs',
    ],
    [
      'a fractional delay',
      { delayMs: 1.5 },
      'snooze.delayMs must be an integer between 0 and 31536000000, got 1.5',
      'snooze.delayMs',
    ],
    [
      'an invalid date',
      { until: new Date('nope') },
      'snooze.until must be a valid Date, got Invalid Date',
      'snooze.until',
    ],
    [
      'a date more than a year ahead',
      { until: new Date('2027-03-02T12:00:00Z') },
      'snooze.until must be at most one year ahead, got 2027-03-02T12:00:00.000Z',
      'snooze.until',
    ],
    [
      'a reason too long',
      { delayMs: 1, reason: 'x'.repeat(501) },
      `snooze.reason must be a non-empty string of at most 500 characters, got "${'x'.repeat(60)}…"`,
      'snooze.reason',
    ],
    [
      'an unknown option',
      { delay: 1 },
      "snooze has an unknown option 'delay'; allowed options: delayMs, until, reason",
      'snooze.delay',
    ],
  ])('refuses %s', (_label, options, message, option) => {
    let error: unknown;
    try {
      resolveSnooze(options, NOW);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).option).toBe(option);
    expect((error as InvalidOptionsError).message).toBe(message);
  });
});
