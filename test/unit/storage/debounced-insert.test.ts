import type { Collection } from 'mongodb';
import { insertDebounced, pendingDebounced } from '../../../src/storage/mongo/debounced-insert';
import type { JobRecord } from '../../../src/storage/job-record';
import { newJobRecord } from '../../../src/storage/new-job-record';

const now = new Date('2026-12-02T12:00:00Z');
const record = {
  ...newJobRecord({
    id: 'mine',
    type: 't',
    queue: 'default',
    priority: 3,
    payload: { n: 1 },
    state: 'scheduled',
    dueAt: new Date(now.getTime() + 5_000),
    now,
    maxAttempts: null,
    timeoutMs: null,
  }),
  debounceKey: 'k',
};

/** A jobs collection whose upserts answer as scripted, recording what they were sent. */
function collection(answers: (() => unknown)[]) {
  const calls: { filter: unknown; update: Record<string, Record<string, unknown>> }[] = [];
  const jobs = {
    findOneAndUpdate: async (filter: unknown, update: Record<string, Record<string, unknown>>) => {
      calls.push({ filter, update });
      return answers.shift()!();
    },
  } as unknown as Collection<JobRecord>;
  return { jobs, calls };
}

const duplicateKey = () => {
  throw Object.assign(new Error('E11000 duplicate key'), {
    code: 11000,
    keyPattern: { debounceKey: 1 },
  });
};

describe('insertDebounced', () => {
  it('upserts the pending job of the key: replaced fields, later due time, one history entry', async () => {
    const { jobs, calls } = collection([() => ({ ...record, _id: 'theirs' })]);
    expect(await insertDebounced(jobs, record, now)).toEqual({
      job: { ...record, _id: 'theirs' },
      replaced: true,
    });
    const [{ filter, update }] = calls;
    expect(filter).toEqual(pendingDebounced('k'));
    expect(update.$set).toEqual({
      payload: { n: 1 },
      queue: 'default',
      priority: 3,
      maxAttempts: null,
      timeoutMs: null,
    });
    expect(update.$max).toEqual({ dueAt: record.dueAt });
    // What the filter and the other operators set is not set again on insert.
    // Every fold moves the fence (a fresh job starts at 1), so a claim on the fence read
    // before a fold misses the job.
    expect(update.$inc).toEqual({ fence: 1 });
    for (const field of [
      'debounceKey',
      'state',
      'attempt',
      'dueAt',
      'history',
      'payload',
      'fence',
    ]) {
      expect(update.$setOnInsert).not.toHaveProperty(field);
    }
    expect(update.$setOnInsert).toMatchObject({ _id: 'mine', type: 't' });
  });

  it('tries again when a concurrent enqueue inserted the key first, and says it is new otherwise', async () => {
    const { jobs, calls } = collection([duplicateKey, () => ({ ...record, _id: 'theirs' })]);
    expect((await insertDebounced(jobs, record, now)).replaced).toBe(true);
    expect(calls).toHaveLength(2);
    const fresh = collection([() => record]);
    expect((await insertDebounced(fresh.jobs, record, now)).replaced).toBe(false);
  });

  it('gives up with a StorageError after five lost races, and at once on other errors', async () => {
    const { jobs, calls } = collection(Array.from({ length: 5 }, () => duplicateKey));
    await expect(insertDebounced(jobs, record, now)).rejects.toMatchObject({ code: 'STORAGE' });
    expect(calls).toHaveLength(5);
    const other = collection([
      () => {
        throw new Error('network down');
      },
    ]);
    await expect(insertDebounced(other.jobs, record, now)).rejects.toThrow(
      'Could not store the debounced job: network down',
    );
    expect(other.calls).toHaveLength(1);
  });
});
