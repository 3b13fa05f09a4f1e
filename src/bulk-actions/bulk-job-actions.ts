import type { EventBus } from '../events/event-bus';
import { defaultOrder } from '../job-search/find-jobs-options';
import { afterDeletions } from '../scheduler/after-deletion';
import type { Clock } from '../server/clock';
import { positionOf, type JobCriteria, type JobPosition } from '../storage/job-criteria';
import { FINISHED_STATES, JOB_STATES, type JobState } from '../storage/job-record';
import type { JobSearchStore } from '../storage/job-search-store';
import type { JobStore } from '../storage/job-store';
import type { JobTarget } from '../storage/job-summary';
import type { BulkActionResult } from './bulk-action-result';
import { EVERY_JOB } from '../job-search/resolve-job-filter';
import { resolveJobSelection, type JobSelection } from './job-selection';

/**
 * The actions on many jobs (`redrive`: retry the dead-lettered ones only; `purge`: remove
 * finished ones for good).
 */
export type BulkAction = 'retry' | 'requeue' | 'delete' | 'redrive' | 'purge';

/** Every bulk action, for validation and docs. */
export const BULK_ACTIONS: readonly BulkAction[] = [
  'retry',
  'requeue',
  'delete',
  'redrive',
  'purge',
];

/** The states each action applies to; jobs in others are not matched. */
export const BULK_ACTION_STATES: Readonly<Record<BulkAction, readonly JobState[]>> = {
  retry: ['failed'],
  requeue: [...FINISHED_STATES, 'scheduled'],
  delete: JOB_STATES.filter((state) => state !== 'deleted'),
  redrive: ['failed'],
  purge: FINISHED_STATES,
};

/** What a redrive is pinned to: jobs still in the dead-letter queue when written. */
const DEAD_LETTERED: JobCriteria = { ...EVERY_JOB, deadLettered: true };

/**
 * Jobs read, then written, per round: one `find` and one `updateMany` (or `deleteMany`) per
 * state in it. Between rounds, other commands (servers' claims) run: a round is all a large
 * action holds up.
 */
export const BULK_BATCH_SIZE = 500;

/** What the bulk actions need of their Docket. */
export interface BulkJobActionsDeps {
  readonly store: JobStore;
  readonly search: JobSearchStore;
  readonly events: EventBus;
  readonly clock: Clock;
  /** Resolves once the search indexes exist (a filter's batches are read through them). */
  readonly ready: () => Promise<void>;
}

/**
 * Retry, requeue, delete, redrive and purge, applied to listed jobs or to every job a filter matches, on the
 * server side in bounded batches: read up to {@link BULK_BATCH_SIZE} jobs, then write them
 * with one conditional `updateMany` per state, which re-checks that each job is still in the
 * state it was read in (and still matches the filter): a job that changed meanwhile is left
 * as it is. The rules are those of the verbs on one job (history entry, uniqueKey, the lease
 * of a running job, continuations), and so are the events this process's servers hear.
 */
export class BulkJobActions {
  constructor(private readonly deps: BulkJobActionsDeps) {}

  /**
   * Applies `action` to the selection.
   * @throws InvalidOptionsError - for an invalid selection, before anything is read.
   * @throws StorageError - when MongoDB fails; the batches written before stay written.
   */
  async run(action: BulkAction, selection: JobSelection): Promise<BulkActionResult> {
    const resolved = resolveJobSelection(selection);
    const now = this.deps.clock.now();
    const states = BULK_ACTION_STATES[action];
    const totals = { matched: 0, changed: 0, conflicts: 0 };
    const apply = async (targets: readonly JobTarget[], within: JobCriteria | null) => {
      totals.matched += targets.length;
      const { changed, conflicts } = await this.write(action, targets, within, now);
      totals.changed += changed;
      totals.conflicts += conflicts;
    };
    const redrive = action === 'redrive';
    if (resolved.kind === 'ids') {
      for (let start = 0; start < resolved.ids.length; start += BULK_BATCH_SIZE) {
        const ids = resolved.ids.slice(start, start + BULK_BATCH_SIZE);
        const found = await this.deps.search.findTargetsByIds(ids, states);
        // A redrive leaves failed jobs outside the dead-letter queue alone, and its write is
        // pinned to jobs still inside it (another redrive may have taken them meanwhile).
        if (!redrive) await apply(found, null);
        else
          await apply(
            found.filter((target) => target.deadLetteredAt),
            DEAD_LETTERED,
          );
      }
      return totals;
    }
    await this.deps.ready();
    const criteria = redrive ? { ...resolved.criteria, deadLettered: true } : resolved.criteria;
    for (const state of states) {
      if (criteria.states !== null && !criteria.states.includes(state)) continue;
      const within = startedBefore({ ...criteria, states: [state] }, now);
      // Each state is read in its list's order, keyset-paged: a job the batch changed leaves
      // the list, and the next batch starts after the last one read, whatever happened.
      const order = defaultOrder([state]);
      let after: JobPosition | null = null;
      for (;;) {
        const targets = await this.deps.search.findTargets(within, order, after, BULK_BATCH_SIZE);
        if (targets.length > 0) await apply(targets, within);
        if (targets.length < BULK_BATCH_SIZE) break;
        after = positionOf(targets[targets.length - 1], order);
      }
    }
    return totals;
  }

  private async write(
    action: BulkAction,
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<{ changed: number; conflicts: number }> {
    if (targets.length === 0) return { changed: 0, conflicts: 0 };
    const { store, events } = this.deps;
    if (action === 'purge') {
      return { changed: await store.purgeMany(targets, within), conflicts: 0 };
    }
    if (action === 'delete') {
      const deleted = await store.deleteMany(targets, within, now);
      await afterDeletions(store, events, deleted, now);
      return { changed: deleted.length, conflicts: 0 };
    }
    const { changed, conflicts } = await store.requeueMany(targets, within, now);
    for (const job of changed) {
      events.emit('job.enqueued', {
        jobId: job._id,
        jobType: job.type,
        queue: job.queue,
        dueAt: now,
      });
    }
    return { changed: changed.length, conflicts };
  }
}

/**
 * How far ahead of this process's clock a job's `createdAt` may be and still count as
 * created before the action: the clocks of the machines that enqueue may run ahead.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 60_000;

/**
 * The criteria narrowed to jobs created before the action started (give or take the clock
 * skew allowance): jobs enqueued while it runs are left alone, so that it ends even while
 * new jobs keep coming.
 */
function startedBefore(criteria: JobCriteria, now: Date): JobCriteria {
  const end = new Date(now.getTime() + CLOCK_SKEW_ALLOWANCE_MS);
  const to = criteria.createdAt?.to;
  return {
    ...criteria,
    createdAt: {
      from: criteria.createdAt?.from ?? null,
      to: to !== null && to !== undefined && to.getTime() < end.getTime() ? to : end,
    },
  };
}
