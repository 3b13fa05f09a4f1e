import { InvalidOptionsError } from '../../../src/errors';
import { parseDateTimeField } from '../../../src/dashboard/api/date-time-field';

describe('parseDateTimeField', () => {
  it('reads ISO 8601 date-times with a zone, to the millisecond', () => {
    const cases: [string, string][] = [
      ['2030-01-01T09:00:00Z', '2030-01-01T09:00:00.000Z'],
      ['2030-01-01T09:00Z', '2030-01-01T09:00:00.000Z'],
      ['2032-02-29T23:30:00.5+01:00', '2032-02-29T22:30:00.500Z'],
      ['2000-02-29T00:00:00-00:30', '2000-02-29T00:30:00.000Z'],
      ['2030-12-31T23:59:59.123456789Z', '2030-12-31T23:59:59.123Z'],
      ['2030-06-01t08:00:00z', '2030-06-01T08:00:00.000Z'],
      ['0050-03-01T00:00:00Z', '0050-03-01T00:00:00.000Z'],
    ];
    for (const [text, iso] of cases) {
      expect([text, parseDateTimeField('runAt', text).toISOString()]).toEqual([text, iso]);
    }
  });

  it('refuses dates and times that do not exist, naming the field and the reason', () => {
    const cases: [unknown, RegExp][] = [
      ['2030-02-31T09:00:00Z', /2030-02 has 28 days, not 31/],
      ['2030-02-29T09:00:00Z', /2030-02 has 28 days, not 29/],
      ['1900-02-29T09:00:00Z', /1900-02 has 28 days/],
      ['2030-04-31T09:00:00+02:00', /2030-04 has 30 days/],
      ['2030-13-01T00:00:00Z', /there is no month 13/],
      ['2030-00-10T00:00:00Z', /there is no month 0/],
      ['2030-01-00T00:00:00Z', /not 0/],
      ['2030-01-01T24:00:00Z', /hours go from 00 to 23/],
      ['2030-01-01T09:60:00Z', /minutes and seconds/],
      ['2030-01-01T09:00:60Z', /minutes and seconds/],
      ['2030-01-01T09:00:00+24:00', /offset/],
      ['2030-01-01T09:00:00', /not of that form/],
      ['2030-01-01', /not of that form/],
      ['tomorrow', /not of that form/],
      [' 2030-01-01T09:00:00Z', /not of that form/],
      [1_900_000_000_000, /it is a number/],
      [null, /it is a null/],
    ];
    for (const [value, reason] of cases) {
      let error: unknown;
      try {
        parseDateTimeField('runAt', value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ option: 'runAt' });
      expect((error as Error).message).toMatch(/^runAt must be an ISO 8601 date-time/);
      expect([value, (error as Error).message]).toEqual([value, expect.stringMatching(reason)]);
    }
  });
});
