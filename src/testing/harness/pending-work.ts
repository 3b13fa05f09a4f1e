import type { Collection } from 'mongodb';
import type { Docket } from '../../docket';
import type { BatchRecord } from '../../storage/batch-store';
import {
  CLAIMABLE_STATES,
  FINISHED_STATES,
  type JobRecord,
  type JobState,
} from '../../storage/job-record';

/** Something that keeps a drain from finishing. */
export interface PendingWork {
  /**
   * - `due`: a job due by the harness clock, in a queue served and not paused, of a type
   *   with a handler;
   * - `running`: a job being processed in a queue served;
   * - `continuations`: a finished job whose continuations are not released yet;
   * - `recurring`: a recurring job whose next occurrence is due and not enqueued yet;
   * - `batch`: a batch whose jobs all ended, not ended yet or its continuations not released.
   */
  readonly kind: 'due' | 'running' | 'continuations' | 'recurring' | 'batch';
  /** The job id, the recurring job's id for `recurring`, the batch id for `batch`. */
  readonly id: string;
  /** The job type (for `batch`, `''`). */
  readonly jobType: string;
  /** The queue (for `batch`, `''`). */
  readonly queue: string;
  /** The job's state (for `recurring`, null). */
  readonly state: JobState | null;
  /** When it became due, started, or (for `recurring`) its occurrence; null when unknown. */
  readonly at: Date | null;
}

/** Where a drain looks: the harness's Docket, the queues its server serves, and its clock. */
export interface PendingWorkScope {
  readonly docket: Pick<
    Docket,
    'database' | 'collectionPrefix' | 'jobTypes' | 'listQueues' | 'scheduler'
  >;
  readonly queues: readonly string[];
  /** Whether the server runs the recurring ticker (otherwise due occurrences never enqueue). */
  readonly recurring: boolean;
  readonly now: Date;
}

/** How many pending items one look reports (enough to say what blocks a drain). */
const REPORT_LIMIT = 20;

const PROJECTION = {
  _id: 1,
  type: 1,
  queue: 1,
  state: 1,
  dueAt: 1,
  startedAt: 1,
  finishedAt: 1,
} as const;

/**
 * What a server of `scope` still has to do by `scope.now`, read from storage (the truth, which
 * is ahead of any in-memory state: a job being claimed is already `processing` there).
 */
export async function findPendingWork(scope: PendingWorkScope): Promise<PendingWork[]> {
  const { docket, queues, now } = scope;
  const paused = new Set(
    (await docket.listQueues()).filter((queue) => queue.paused).map((queue) => queue.name),
  );
  const active = queues.filter((queue) => !paused.has(queue));
  // The dashboard reads the same collection by the same name.
  const jobs = docket.database.collection<JobRecord>(`${docket.collectionPrefix}jobs`);
  const found = await jobs
    .find(
      {
        $or: [
          {
            state: { $in: [...CLAIMABLE_STATES] },
            queue: { $in: active },
            type: { $in: docket.jobTypes },
            dueAt: { $lte: now },
          },
          { state: 'processing', queue: { $in: [...queues] } },
          // The finishing worker releases continuations right after it records the outcome:
          // between the two writes the parent looks done and its children still wait.
          {
            state: { $in: [...FINISHED_STATES] },
            hasContinuations: true,
            continuationsResolved: { $ne: true },
          },
        ],
      },
      { projection: PROJECTION, limit: REPORT_LIMIT },
    )
    .toArray();
  const pending = found.map(toPendingWork);
  if (scope.recurring) pending.push(...(await dueRecurring(scope)));
  pending.push(...(await endingBatches(scope, jobs)));
  return pending;
}

/**
 * Batches whose end is on its way: the count of their last job is written after its outcome,
 * and their continuations released after their end.
 */
async function endingBatches(
  scope: PendingWorkScope,
  jobs: Collection<JobRecord>,
): Promise<PendingWork[]> {
  const { database, collectionPrefix } = scope.docket;
  const batches = database.collection<BatchRecord>(`${collectionPrefix}batches`);
  const candidates = await batches
    .find(
      { $or: [{ state: 'started' }, { continuationsResolved: false }] },
      { projection: { state: 1, continuationsResolved: 1, finishedAt: 1 }, limit: 100 },
    )
    .toArray();
  const pending: PendingWork[] = [];
  for (const batch of candidates) {
    if (batch.state === 'started') {
      const unfinished =
        (await jobs.findOne(
          { batchId: batch._id, state: { $nin: [...FINISHED_STATES] } },
          { projection: { _id: 1 } },
        )) ??
        (await batches.findOne(
          { parentBatchId: batch._id, state: { $in: ['creating', 'started'] } },
          { projection: { _id: 1 } },
        ));
      if (unfinished) continue;
    }
    pending.push({
      kind: 'batch',
      id: batch._id,
      jobType: '',
      queue: '',
      state: null,
      at: batch.finishedAt,
    });
    if (pending.length >= REPORT_LIMIT) break;
  }
  return pending;
}

function toPendingWork(job: Pick<JobRecord, keyof typeof PROJECTION>): PendingWork {
  const base = { id: job._id, jobType: job.type, queue: job.queue, state: job.state };
  if (job.state === 'processing') return { ...base, kind: 'running', at: job.startedAt };
  if (FINISHED_STATES.includes(job.state)) {
    return { ...base, kind: 'continuations', at: job.finishedAt };
  }
  return { ...base, kind: 'due', at: job.dueAt };
}

async function dueRecurring(scope: PendingWorkScope): Promise<PendingWork[]> {
  const definitions = await scope.docket.scheduler.listRecurring();
  return definitions
    .filter((definition) => definition.nextRunAt !== null && definition.nextRunAt <= scope.now)
    .slice(0, REPORT_LIMIT)
    .map((definition) => ({
      kind: 'recurring',
      id: definition.id,
      jobType: definition.jobType,
      queue: definition.queue,
      state: null,
      at: definition.nextRunAt,
    }));
}

/** One line per item, e.g. `job 66ab… (orders.email in default) due since 2030-01-01T00:01:00.000Z`. */
export function describePendingWork(item: PendingWork): string {
  const at = item.at === null ? ' (unknown)' : ` ${item.at.toISOString()}`;
  const what = `(${item.jobType} in ${item.queue})`;
  switch (item.kind) {
    case 'due':
      return `job ${item.id} ${what} ${item.state} and due since${at}`;
    case 'running':
      return `job ${item.id} ${what} running since${at}`;
    case 'continuations':
      return `job ${item.id} ${what} ${item.state}, its continuations not yet released`;
    case 'recurring':
      return `recurring job '${item.id}' ${what}: occurrence${at} not yet enqueued`;
    case 'batch':
      return `batch ${item.id}: every job ended, its end or its continuations not yet recorded`;
  }
}
