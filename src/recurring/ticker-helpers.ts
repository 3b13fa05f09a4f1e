import { MAX_BACKFILL } from './recurring-options';
import type { OccurrencePlan } from './occurrence-plan';
import type { RecurringRecord } from './recurring-record';

/**
 * The warning a ticker logs when it advances past missed occurrences, or null when there is
 * nothing to tell (a backfill that runs every missed occurrence).
 */
export function missedRunMessage(
  definition: RecurringRecord,
  plan: OccurrencePlan,
  jobId: string | null,
): string | null {
  const from = definition.nextRunAt!.toISOString();
  if (definition.missedRunPolicy === 'backfill') {
    return plan.passedOver === 0
      ? null
      : `recurring job '${definition._id}' missed more than ${MAX_BACKFILL} occurrences: ` +
          `${plan.passedOver} from ${from} were skipped, the ${MAX_BACKFILL} most recent run`;
  }
  const to = (plan.latestMissed ?? definition.nextRunAt!).toISOString();
  return (
    `recurring job '${definition._id}' missed its occurrences from ${from} to ${to} ` +
    `(policy ${definition.missedRunPolicy}: ${jobId === null ? 'skipped' : `ran once as ${jobId}`}); ` +
    `next run ${plan.nextRunAt?.toISOString() ?? 'none (the schedule ended)'}`
  );
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
