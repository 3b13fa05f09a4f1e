import fc from 'fast-check';
import { EVERY_JOB, resolveJobFilter } from '../../../src/job-search';
import type { JobCriteria } from '../../../src/storage/job-criteria';
import {
  afterPosition,
  criteriaFilter,
  orderSort,
} from '../../../src/storage/mongo/job-filter-query';

const criteria = (overrides: Partial<JobCriteria>): JobCriteria => ({ ...EVERY_JOB, ...overrides });

/** The `type` condition of a type prefix. */
const prefixOf = (prefix: string) =>
  (criteriaFilter(criteria({ typePrefix: prefix })) as { type: unknown }).type;

describe('job criteria as MongoDB filters', () => {
  it('are empty without conditions, and one $and clause per condition otherwise', () => {
    expect(criteriaFilter(EVERY_JOB)).toEqual({});
    expect(criteriaFilter(criteria({ queue: 'mail' }))).toEqual({ queue: 'mail' });
    expect(
      criteriaFilter(
        resolveJobFilter({
          state: ['failed', 'deleted'],
          type: 'email.send',
          typePrefix: 'email.',
          errorContains: 'a.b(c',
          payload: { 'customer.id': [7, '7'], urgent: true },
          createdAt: { from: new Date(1_000), to: new Date(2_000) },
        }),
      ),
    ).toEqual({
      $and: [
        { state: { $in: ['failed', 'deleted'] } },
        // Said for the partial search indexes: only finished jobs have a finish time.
        { finishedAt: { $type: 'date' } },
        { type: 'email.send' },
        { type: { $gte: 'email.', $lt: 'email/' } },
        { 'error.message': { $regex: 'a\\.b\\(c', $options: 'i' } },
        { 'payload.customer.id': { $in: [7, '7'] } },
        { 'payload.urgent': true },
        { createdAt: { $gte: new Date(1_000), $lt: new Date(2_000) } },
      ],
    });
  });

  it('keep values as values: a string that looks like an operator is compared as text', () => {
    expect(criteriaFilter(resolveJobFilter({ payload: { note: '$where' } }))).toEqual({
      'payload.note': '$where',
    });
    expect(criteriaFilter(resolveJobFilter({ type: '$gt' }))).toEqual({ type: '$gt' });
  });

  it('match exactly the strings a prefix starts with, as a range where the orders agree', () => {
    expect(prefixOf('a')).toEqual({ $gte: 'a', $lt: 'b' });
    expect(prefixOf('x\u{d7fe}')).toEqual({ $gte: 'x\u{d7fe}', $lt: 'x\u{d7ff}' });
    // From U+D7FF on, UTF-16 order (JavaScript) and code point order (MongoDB) part ways.
    expect(prefixOf('x\u{d7ff}')).toEqual({ $regex: '^x\u{d7ff}' });
    expect(prefixOf('a.b😀')).toEqual({ $regex: '^a\\.b😀' });
    const char = fc.integer({ min: 0x20, max: 0xd7fe }).map((code) => String.fromCharCode(code));
    const text = fc.string({ unit: fc.oneof(char, fc.constantFrom('a', 'b', '.')), maxLength: 6 });
    fc.assert(
      fc.property(
        text.filter((p) => p.length > 0),
        text,
        text,
        (prefix, middle, rest) => {
          for (const candidate of [middle, prefix + rest, prefix.slice(0, -1) + middle]) {
            const range = prefixOf(prefix) as { $gte: string; $lt: string };
            const inRange = candidate >= range.$gte && candidate < range.$lt;
            expect(inRange).toBe(candidate.startsWith(prefix));
          }
        },
      ),
    );
  });

  it('continue after a position with a bound on the sorted field, and nulls last when descending', () => {
    const at = new Date(5_000);
    expect(afterPosition({ field: 'id', direction: -1 }, { value: null, id: 'm' }, false)).toEqual({
      _id: { $lt: 'm' },
    });
    expect(
      afterPosition({ field: 'dueAt', direction: 1 }, { value: 5_000, id: 'm' }, false),
    ).toEqual({ dueAt: { $gte: at }, $or: [{ dueAt: { $gt: at } }, { _id: { $gt: 'm' } }] });
    expect(
      afterPosition({ field: 'finishedAt', direction: -1 }, { value: 5_000, id: 'm' }, true),
    ).toEqual({
      $or: [
        {
          finishedAt: { $lte: at },
          $or: [{ finishedAt: { $lt: at } }, { _id: { $lt: 'm' } }],
        },
        { finishedAt: null },
      ],
    });
    expect(
      afterPosition({ field: 'finishedAt', direction: 1 }, { value: null, id: 'm' }, true),
    ).toEqual({
      $or: [{ finishedAt: null, _id: { $gt: 'm' } }, { finishedAt: { $ne: null } }],
    });
    expect(orderSort({ field: 'createdAt', direction: -1 })).toEqual({ createdAt: -1, _id: -1 });
    expect(orderSort({ field: 'id', direction: 1 })).toEqual({ _id: 1 });
  });
});
