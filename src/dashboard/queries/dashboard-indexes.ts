import type { Db, IndexDescription } from 'mongodb';
import { StorageError } from '../../errors';

/**
 * The indexes the dashboard's lists and statistics use, on `<prefix>jobs`, besides Docket's
 * own (`lease` starts with `state`, so counts per state are index-only already):
 * - `dashboard-finished`: succeeded, failed and deleted jobs newest first, and the
 *   succeeded/failed throughput of the last hour and day;
 * - `dashboard-due`: enqueued, scheduled, processing and awaiting jobs by due time.
 * The list of all jobs (no state) pages on `_id`.
 */
export const DASHBOARD_INDEXES: readonly IndexDescription[] = [
  { key: { state: 1, finishedAt: -1, _id: -1 }, name: 'dashboard-finished' },
  { key: { state: 1, dueAt: 1, _id: 1 }, name: 'dashboard-due' },
];

/**
 * Creates {@link DASHBOARD_INDEXES} (idempotent: an index that exists is left as it is).
 * The dashboard handler calls it once, before its first request is answered.
 * @throws StorageError - when MongoDB refuses.
 */
export async function ensureDashboardIndexes(db: Db, collectionPrefix: string): Promise<void> {
  try {
    await db.collection(`${collectionPrefix}jobs`).createIndexes([...DASHBOARD_INDEXES]);
  } catch (error) {
    throw new StorageError(
      `Could not create the dashboard's indexes: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
