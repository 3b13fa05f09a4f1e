import type { JobMetadata } from '../filters/docket-filter';
import type { JobRecord } from '../storage/job-record';
import { newJobRecord } from '../storage/new-job-record';
import { MAX_BACKFILL } from './recurring-options';
import { overlapKeyOf, type OccurrencePlan } from './occurrence-plan';
import type { DueRecurringRecord, RecurringRecord } from './recurring-record';

/** The job of one occurrence, as the ticker inserts it (`jobId` derived from the occurrence). */
export function occurrenceJobRecord(
  definition: RecurringRecord,
  plan: OccurrencePlan,
  occurrence: Date,
  at: { jobId: string; metadata: JobMetadata | undefined; now: Date; storedAt: Date },
): JobRecord {
  const { dueAt } = plan;
  const reason =
    plan.missed && definition.missedRunPolicy === 'runOnce'
      ? `recurring job '${definition._id}': one run for the occurrences missed since ${occurrence.toISOString()}`
      : `recurring job '${definition._id}': occurrence ${occurrence.toISOString()}${plan.missed ? ' (missed, backfilled)' : ''}`;
  return newJobRecord({
    metadata: at.metadata,
    id: at.jobId,
    type: definition.type,
    queue: definition.queue,
    priority: definition.priority,
    payload: definition.payload,
    state: dueAt.getTime() > at.now.getTime() ? 'scheduled' : 'enqueued',
    // On time: due at its occurrence. A run for missed occurrences is due now, so that it
    // does not jump the queue ahead of jobs enqueued during the downtime.
    dueAt,
    // Under `skip` and `queue`, the recurring job's unfinished job holds this key: the
    // insert of the next occurrence's job fails while it does (one atomic check).
    uniqueKey: overlapKeyOf(definition),
    now: at.storedAt,
    maxAttempts: definition.maxAttempts,
    timeoutMs: definition.timeoutMs,
    reason,
  });
}

/**
 * The warning a ticker logs when it advances past missed occurrences, or null when there is
 * nothing to tell (a backfill that runs every missed occurrence).
 */
export function missedRunMessage(
  definition: DueRecurringRecord,
  plan: OccurrencePlan,
  jobId: string | null,
): string | null {
  const from = definition.nextRunAt.toISOString();
  if (definition.missedRunPolicy === 'backfill') {
    return plan.passedOver === 0
      ? null
      : `recurring job '${definition._id}' missed more than ${MAX_BACKFILL} occurrences: ` +
          `${plan.passedOver} from ${from} were skipped, the ${MAX_BACKFILL} most recent run`;
  }
  const to = (plan.latestMissed ?? definition.nextRunAt).toISOString();
  return (
    `recurring job '${definition._id}' missed its occurrences from ${from} to ${to} ` +
    `(policy ${definition.missedRunPolicy}: ${jobId === null ? 'skipped' : `ran once as ${jobId}`}); ` +
    `next run ${plan.nextRunAt?.toISOString() ?? 'none (the schedule ended)'}`
  );
}

/**
 * The occurrences an advance counts as skipped besides its own: those folded into an
 * occurrence that waited (`queue`). Those the backfill bound passed over are logged, not
 * counted as overlap skips.
 */
export function foldedOccurrences(plan: OccurrencePlan): number {
  return plan.missed ? 0 : plan.passedOver;
}

/** `Promise.all(items.map(run))`, with at most `limit` running at once; keeps the order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
