import type { Collection } from 'mongodb';
import type { JobRecord } from '../job-record';
import { isDuplicateKey, storageError } from './mongo-errors';

/** Tries of the upsert: each lost race with a concurrent first insert costs one. */
const DEBOUNCE_TRIES = 5;
/** Entries a debounced job keeps of its replacements in its history. */
const HISTORY_KEPT = 20;

/** Fields a later enqueue under the same key replaces (`dueAt` moves by `$max`). */
const REPLACED_FIELDS = ['payload', 'queue', 'priority', 'maxAttempts', 'timeoutMs'] as const;

/**
 * The filter of the pending job of a debounce key: not yet claimed (`scheduled`, attempt 0).
 * The `debounce-key` index is unique over exactly these jobs, so at most one exists per key;
 * once claimed, the job leaves the index and the next enqueue starts a new one.
 */
export const pendingDebounced = (key: string) =>
  ({ debounceKey: key, state: 'scheduled', attempt: 0 }) as const;

/**
 * Stores `record` (`scheduled`, its `dueAt` the end of the window) as the pending job of its
 * `debounceKey`, or, when one is pending, replaces that job's payload and options with its
 * own and moves its due time to the later of the two, in one atomic upsert. Concurrent
 * enqueues of one key race on the unique index: the loser's upsert finds the winner's job
 * and updates it. Resolves with the pending job as it is now.
 */
export async function insertDebounced(
  jobs: Collection<JobRecord>,
  record: JobRecord & { debounceKey: string },
  now: Date,
): Promise<{ job: JobRecord; replaced: boolean }> {
  const replaced: Partial<JobRecord> = {};
  for (const field of REPLACED_FIELDS) Object.assign(replaced, { [field]: record[field] });
  if (record.metadata !== undefined) replaced.metadata = record.metadata;
  // The filter's fields are set on insert by the upsert itself; dueAt, history and fence by
  // $max, $push and $inc, which create them on insert too. The fence moves at every fold: a
  // server that read the pending job as a claim candidate before the fold claims on the
  // fence it read, so it cannot run the payload the fold replaced.
  const onInsert: Partial<JobRecord> = { ...record };
  const created = ['debounceKey', 'state', 'attempt', 'dueAt', 'history', 'fence'];
  for (const field of [...created, ...REPLACED_FIELDS]) {
    delete onInsert[field as keyof JobRecord];
  }
  delete onInsert.metadata;
  const entry = {
    state: 'scheduled' as const,
    at: now,
    reason: `debounced under '${record.debounceKey}' until ${record.dueAt.toISOString()}`,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const job = await jobs.findOneAndUpdate(
        pendingDebounced(record.debounceKey),
        {
          $set: replaced,
          $setOnInsert: onInsert,
          $max: { dueAt: record.dueAt },
          $push: { history: { $each: [entry], $slice: -HISTORY_KEPT } },
          $inc: { fence: 1 },
        },
        { upsert: true, returnDocument: 'after', includeResultMetadata: false },
      );
      if (job === null) throw new Error('the upsert returned no job');
      return { job, replaced: job._id !== record._id };
    } catch (error) {
      // Another enqueue of the key inserted first: the next try updates its job.
      if (isDuplicateKey(error, 'debounceKey') && attempt < DEBOUNCE_TRIES) continue;
      throw storageError('store the debounced job', error, record._id);
    }
  }
}
