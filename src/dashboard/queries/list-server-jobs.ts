import type { Collection, Db } from 'mongodb';
import type { JobRecord } from '../../storage/job-record';
import { SUMMARY_PROJECTION } from '../../storage/mongo/mongo-job-search';
import type { ApiServerJobs } from '../api-types';
import { notFound } from '../http/http-problem';
import { toJobSummary } from './to-api';

/**
 * The jobs a server is running: those in `processing` whose lease it holds (a claim stamps
 * `leaseOwner` with the id the server announces itself under). Read through an index that
 * starts with the state (`lease`, `dashboard-due`): jobs in `processing` are about as many as
 * the fleet's running invocations, so skipping other servers' is cheap, as is sorting them.
 * @throws HttpProblem - 404 `SERVER_NOT_FOUND` when no server of that id is listed (it
 *   stopped, or its record was removed after it fell silent).
 */
export async function listServerJobs(
  db: Db,
  collectionPrefix: string,
  jobs: Collection<JobRecord>,
  serverId: string,
  limit: number,
): Promise<ApiServerJobs> {
  const [server, running] = await Promise.all([
    db
      .collection<{ _id: string }>(`${collectionPrefix}servers`)
      .findOne({ _id: serverId }, { projection: { _id: 1 } }),
    jobs
      .find({ state: 'processing', leaseOwner: serverId }, { projection: SUMMARY_PROJECTION })
      .sort({ startedAt: 1, _id: 1 })
      .limit(limit + 1)
      .toArray(),
  ]);
  if (server === null) {
    throw notFound('SERVER_NOT_FOUND', `No server ${JSON.stringify(serverId)} is listed`);
  }
  return {
    serverId,
    items: running.slice(0, limit).map(toJobSummary),
    truncated: running.length > limit,
  };
}
