import type { Db, IndexDescription } from 'mongodb';
import { StorageError } from '../../errors';
import { refuseNewerSchema } from '../../schema/open-schema';
import { SEARCH_INDEXES } from '../../storage/mongo/job-search-indexes';

/**
 * The indexes the dashboard's lists and statistics use, on `<prefix>jobs`, besides Docket's
 * own (`lease` starts with `state`, so counts per state are index-only already): the job
 * search indexes (what each serves is said where they are defined), `dashboard-finished`
 * also serving the succeeded/failed throughput of the last hour and day and its history,
 * the other `*-finished` ones the history of one queue or type. The scheduler's `findJobs`
 * creates the same ones before its first search.
 */
export const DASHBOARD_INDEXES: readonly IndexDescription[] = SEARCH_INDEXES;

/**
 * Creates the indexes the dashboard's lists and statistics use on `<prefix>jobs`, the ones
 * the scheduler's `findJobs` creates too (idempotent: an index that exists is left as it is).
 * The dashboard handler calls it once, before its first request is answered. It refuses a
 * database of a newer major schema version, whose indexes this code does not know (see the
 * production guide, "Upgrading and schema versions"); it never migrates.
 * @throws SchemaVersionError - for a database of a newer major schema version (nothing created).
 * @throws StorageError - when MongoDB refuses.
 */
export async function ensureDashboardIndexes(db: Db, collectionPrefix: string): Promise<void> {
  await refuseNewerSchema(db, collectionPrefix);
  try {
    await db.collection(`${collectionPrefix}jobs`).createIndexes([...DASHBOARD_INDEXES]);
  } catch (error) {
    throw new StorageError(
      `Could not create the dashboard's indexes: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
