import type { Collection, Filter, UpdateFilter } from 'mongodb';
import { DuplicateJobIdError, UniqueKeyConflictError } from '../../errors';
import { CLAIMABLE_STATES, type JobRecord, type JobState } from '../job-record';
import type {
  AttemptOutcome,
  JobPin,
  MarkedOutcome,
  UpsertUniqueOutcome,
  WaitingJobEdit,
} from '../job-store';
import type { ResolvedRetention } from '../retention';
import { historyPush } from './history';
import { CLAIM_PROJECTION } from './mongo-attempt-writes';
import { outcomeUpdate } from './mongo-batch-writes';
import { guard, isDuplicateKey, storageError } from './mongo-errors';

/*
 * The writes callers make to jobs no worker holds: edits of a waiting job, the upsert of a
 * uniqueKey, and outcomes reported from outside. Each is one write pinned to what the caller
 * read (or to the key and a waiting state), and each moves the job's fence by one. A single
 * claim is one `findOneAndUpdate` that returns the job as it claimed it, so it runs either
 * the payload from before an edit or the one after, never a mix; a batch claim reads its
 * candidates first and claims them with a write pinned to the fence it read, so an edit made
 * in between makes that write skip the job instead of running it with the payload from
 * before an edit that reported success.
 */

/** Payload bigints are stored as int64; reading them back as `Long` keeps them exact. */
const READ_OPTIONS = { promoteLongs: false } as const;

/** How often an upsert tries again when the key's holder changes under it. */
const UPSERT_TRIES = 5;

/** The filter of a job still as the caller read it. */
function pinned(pin: JobPin): Filter<JobRecord> {
  return { _id: pin.jobId, state: pin.state, fence: pin.fence };
}

/** Applies `edit` to the waiting job `pin` names; null when it changed since it was read. */
export function editWaiting(
  jobs: Collection<JobRecord>,
  pin: JobPin,
  edit: WaitingJobEdit,
  now: Date,
): Promise<JobRecord | null> {
  const set: Partial<JobRecord> = {};
  if (edit.due !== undefined) {
    set.dueAt = edit.due.at;
    // Written only when it changes: a change stream sees the due time as new work either way.
    if (edit.due.state !== pin.state) set.state = edit.due.state;
  }
  if (edit.priority !== undefined) set.priority = edit.priority;
  if (edit.payload !== undefined) set.payload = edit.payload;
  const update: UpdateFilter<JobRecord> = {
    $set: set,
    $inc: { fence: 1 },
    $push: historyPush({
      state: edit.due?.state ?? pin.state,
      at: now,
      reason: edit.reason,
    }),
  };
  return guard(
    'edit the waiting job',
    () =>
      jobs.findOneAndUpdate(pinned(pin), update, {
        returnDocument: 'after',
        projection: CLAIM_PROJECTION,
        ...READ_OPTIONS,
      }),
    pin.jobId,
  );
}

/**
 * Records `outcome` for the job `pin` names, waiting or running, with the update a worker's
 * outcome makes; null when the job changed since it was read. A job still waiting in a batch
 * being created is left alone: the batch does not exist yet.
 */
export function markOutcome(
  jobs: Collection<JobRecord>,
  retention: ResolvedRetention,
  pin: JobPin,
  outcome: MarkedOutcome,
  now: Date,
): Promise<JobRecord | null> {
  const attemptOutcome: AttemptOutcome =
    outcome.state === 'succeeded'
      ? {
          state: 'succeeded',
          durationMs: outcome.durationMs ?? 0,
          ...(outcome.result === undefined ? {} : { result: outcome.result }),
        }
      : { state: 'failed', durationMs: outcome.durationMs ?? 0, error: outcome.error, reason: '' };
  const update = outcomeUpdate(
    { lease: { jobId: pin.jobId, fence: pin.fence }, outcome: attemptOutcome, now },
    retention,
  );
  const set = update.$set as Record<string, unknown>;
  // No attempt recorded this outcome: a worker that asks whether its own write took effect
  // (its lease's fence as `recordedFence`) must hear that it did not.
  delete set.recordedFence;
  // A job that never ran keeps no duration.
  if (outcome.durationMs === null) delete set.durationMs;
  update.$inc = { fence: 1 };
  update.$push = historyPush({ state: outcome.state, at: now, reason: outcome.reason });
  return guard(
    'record the outcome',
    () =>
      jobs.findOneAndUpdate({ ...pinned(pin), batchPending: { $exists: false } }, update, {
        returnDocument: 'after',
        projection: CLAIM_PROJECTION,
        ...READ_OPTIONS,
      }),
    pin.jobId,
  );
}

/**
 * Stores `record` unless an unfinished job holds its uniqueKey; a waiting holder takes its
 * payload and options instead (see `JobStore.upsertUnique`).
 */
export async function upsertUnique(
  jobs: Collection<JobRecord>,
  record: JobRecord,
  now: Date,
): Promise<UpsertUniqueOutcome> {
  const key = record.activeUniqueKey!;
  // Most holders are claimable; one awaiting its parent is tried once the key's read says so.
  let holderState: JobState = 'enqueued';
  for (let attempt = 1; ; attempt++) {
    const replaced = await replaceHolder(jobs, key, record, now, holderState === 'awaiting');
    if (replaced) return { outcome: 'replaced', job: replaced };
    try {
      await jobs.insertOne(record);
      return { outcome: 'inserted' };
    } catch (error) {
      if (isDuplicateKey(error, '_id')) throw new DuplicateJobIdError(record._id);
      if (!isDuplicateKey(error, 'activeUniqueKey')) {
        throw storageError('insert the job', error, record._id);
      }
    }
    const holder = await guard('read the job holding the uniqueKey', () =>
      jobs.findOne({ activeUniqueKey: key }, { projection: { _id: 1, state: 1 } }),
    );
    if (holder?.state === 'processing') return { outcome: 'running', jobId: holder._id };
    holderState = holder?.state ?? 'enqueued';
    // The holder was claimed and finished, or another upsert inserted a waiting one, between
    // the two writes: the next try replaces or inserts again.
    if (attempt >= UPSERT_TRIES) throw new UniqueKeyConflictError(key, holder?._id);
  }
}

/**
 * Replaces the payload and options of the job holding `key` with `record`'s when it is
 * claimable (enqueued or scheduled: it also takes the record's due time and state), or, with
 * `awaiting`, when it awaits its parent (it keeps waiting). Null when no such job holds it.
 */
function replaceHolder(
  jobs: Collection<JobRecord>,
  key: string,
  record: JobRecord,
  now: Date,
  awaiting: boolean,
): Promise<JobRecord | null> {
  const set: Partial<JobRecord> = {
    payload: record.payload,
    queue: record.queue,
    priority: record.priority,
    maxAttempts: record.maxAttempts,
    timeoutMs: record.timeoutMs,
  };
  const unset: Record<string, ''> = {};
  for (const field of ['tags', 'startWithinMs', 'metadata'] as const) {
    if (record[field] === undefined) unset[field] = '';
    else Object.assign(set, { [field]: record[field] });
  }
  const reason = `replaced by an enqueue with uniqueKey ${JSON.stringify(key)}`;
  const write = (states: readonly JobState[], state: JobState, due: Partial<JobRecord>) =>
    guard('replace the job holding the uniqueKey', () =>
      jobs.findOneAndUpdate(
        { activeUniqueKey: key, state: { $in: [...states] } },
        {
          $set: { ...set, ...due },
          $unset: unset,
          $inc: { fence: 1 },
          $push: historyPush({ state, at: now, reason }),
        },
        { returnDocument: 'after', projection: CLAIM_PROJECTION, ...READ_OPTIONS },
      ),
    );
  if (awaiting) return write(['awaiting'], 'awaiting', {});
  return write(CLAIMABLE_STATES, record.state, { state: record.state, dueAt: record.dueAt });
}
