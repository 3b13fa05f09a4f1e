import { InvalidOptionsError } from '../../../src';
import { decodeCursor, encodeCursor } from '../../../src/job-search/job-cursor';
import type { JobOrder } from '../../../src/storage/job-criteria';

const newestFinished: JobOrder = { field: 'finishedAt', direction: -1 };

describe('job cursors', () => {
  it('encode a position opaquely and decode it for the same order only', () => {
    const token = encodeCursor(newestFinished, { value: 1_700_000_000_000, id: 'abc' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token, newestFinished)).toEqual({ value: 1_700_000_000_000, id: 'abc' });
    expect(() => decodeCursor(token, { field: 'dueAt', direction: 1 })).toThrow(/another order/);
    expect(() => decodeCursor(token, { field: 'finishedAt', direction: 1 })).toThrow(
      InvalidOptionsError,
    );
  });

  it('still read the first format, whose order was named by the list', () => {
    const first = Buffer.from('["due",1700000000000,"abc"]').toString('base64url');
    expect(decodeCursor(first, { field: 'dueAt', direction: 1 })).toEqual({
      value: 1_700_000_000_000,
      id: 'abc',
    });
    const all = Buffer.from('["id",null,"abc"]').toString('base64url');
    expect(decodeCursor(all, { field: 'id', direction: -1 })).toEqual({ value: null, id: 'abc' });
  });

  it('refuse forged tokens with an error naming the cursor', () => {
    const forged: unknown[] = [
      'x'.repeat(2_000),
      'a+b',
      '',
      42,
      { $gt: '' },
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["finishedAt",-1,"soon","abc"]').toString('base64url'),
      Buffer.from('["finishedAt",-1,1,""]').toString('base64url'),
      Buffer.from('["payload",-1,1,"abc"]').toString('base64url'),
      Buffer.from('["finishedAt",0,1,"abc"]').toString('base64url'),
      Buffer.from('["finished",1.5,"abc"]').toString('base64url'),
    ];
    for (const bad of forged) {
      let error: unknown;
      try {
        decodeCursor(bad, newestFinished);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ option: 'cursor' });
    }
  });
});
