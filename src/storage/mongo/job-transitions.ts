import type { UpdateFilter } from 'mongodb';
import type { JobRecord, JobState } from '../job-record';
import type { ResolvedRetention } from '../retention';
import { historyPush } from './history';

/*
 * The writes of the state changes a caller asks for (delete, requeue), shared by the verbs
 * on one job and the bulk actions, so that both leave a job in the same shape.
 */

/** The reason of the history entry a delete adds. */
export const DELETE_REASON = 'deleted';

/**
 * The update that deletes a job in any state but `deleted`: a waiting job never runs, a
 * running one loses its lease (its worker's writes are fenced on `state: processing`, so
 * it stops and writes nothing more), its uniqueKey is free again, and retention counts
 * from now.
 */
export function deleteUpdate(now: Date, retention: ResolvedRetention): UpdateFilter<JobRecord> {
  return {
    $set: {
      state: 'deleted',
      finishedAt: now,
      leaseOwner: null,
      leaseExpiresAt: null,
      expireAt: new Date(now.getTime() + retention.deletedMs),
    },
    $unset: { activeUniqueKey: '' },
    $push: historyPush({ state: 'deleted', at: now, reason: DELETE_REASON }),
  };
}

/** The reason of the history entry a requeue from `from` adds. */
export function requeueReason(from: JobState): string {
  return from === 'scheduled' ? 'enqueued now (was scheduled)' : `requeued from ${from}`;
}

/**
 * The update that puts a job in `from` back in its queue, due now. A finished job starts
 * afresh (attempts, error, progress, timing, checkpoint and snooze count cleared; the list
 * of its snoozes stays, as its history does) and takes its uniqueKey again, which
 * fails with a duplicate key while another unfinished job holds it; a scheduled job (one
 * waiting for its time or for a retry) only becomes due now, keeping its attempts.
 */
export function requeueUpdate(
  from: JobState,
  uniqueKey: string | null,
  now: Date,
): UpdateFilter<JobRecord> {
  const $push = historyPush({ state: 'enqueued', at: now, reason: requeueReason(from) });
  if (from === 'scheduled') return { $set: { state: 'enqueued', dueAt: now }, $push };
  return {
    $set: {
      state: 'enqueued',
      dueAt: now,
      attempt: 0,
      finishedAt: null,
      durationMs: null,
      expireAt: null,
      error: null,
      progress: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      ...(uniqueKey === null ? {} : { activeUniqueKey: uniqueKey }),
    },
    // A redriven (or requeued) job leaves the dead-letter queue and starts afresh.
    $unset: { checkpoint: '', snoozeCount: '', deadLetteredAt: '' },
    $push,
  };
}
