import type { ChangeStreamOptions, Collection, Db, Document, ResumeToken } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { NewWorkListener, WorkWatch } from '../job-store';
import { detectDeployment } from './deployment';
import { guard, storageError } from './mongo-errors';

/**
 * How long one `getMore` of the stream waits for an event before answering empty (ms). An
 * event ends the wait at once, so this bounds only what an idle server costs: one command
 * per wait (mongod's default, 1 s, alone would cost an idle server one command a second).
 */
export const STREAM_AWAIT_MS = 5_000;

/** The states in which a job becomes claimable, now or at its due time. */
const CLAIMABLE = ['enqueued', 'scheduled'];

/**
 * Opens the change stream that tells a server of new claimable work in `queues` (see
 * `JobStore.watchForNewWork`), or resolves null on a standalone, which has none. Each event
 * carries the job's id and, when the change set it, its due time (a change of the due time
 * alone, by a caller's edit of a waiting job, is new work too): a job scheduled by
 * another process wakes the server at its due time, not at the next poll. An update does not
 * carry the job's queue (no full document is looked up for it): a server may wake for
 * another queue's job, which costs one claim. The driver opens the stream on its first
 * read: starting at the operation time of the hello that detected the deployment, it still
 * sees a job inserted meanwhile.
 */
export async function watchForNewWork(
  db: Db,
  jobs: Collection<JobRecord>,
  queues: readonly string[],
  onWork: NewWorkListener,
  onError: (error: unknown) => void,
  options: { readonly resumeAfter?: unknown },
): Promise<WorkWatch | null> {
  const deployment = await detectDeployment(db);
  if (!deployment.changeStreams) return null;
  const start: ChangeStreamOptions =
    options.resumeAfter !== undefined
      ? { resumeAfter: options.resumeAfter as ResumeToken }
      : deployment.operationTime
        ? { startAtOperationTime: deployment.operationTime }
        : {};
  const stream = jobs.watch(
    [
      {
        $match: {
          $or: [
            {
              operationType: 'insert',
              'fullDocument.state': { $in: CLAIMABLE },
              'fullDocument.queue': { $in: [...queues] },
            },
            {
              operationType: 'update',
              'updateDescription.updatedFields.state': { $in: CLAIMABLE },
            },
            // A waiting job whose due time a caller moved (run now, reschedule, an upsert):
            // its state may stay the same. No claim or final outcome writes a due time.
            { operationType: 'update', 'updateDescription.updatedFields.dueAt': { $exists: true } },
          ],
        },
      },
      {
        $project: {
          _id: 1,
          documentKey: 1,
          'fullDocument.dueAt': 1,
          'updateDescription.updatedFields.dueAt': 1,
        },
      },
    ],
    { fullDocument: 'default', maxAwaitTimeMS: STREAM_AWAIT_MS, ...start },
  );
  stream.on('change', (change: Document) => {
    const dueAt = change.fullDocument?.dueAt ?? change.updateDescription?.updatedFields?.dueAt;
    onWork(String(change.documentKey?._id), dueAt instanceof Date ? dueAt : undefined);
  });
  stream.on('error', (error) => onError(storageError('watch for new work', error)));
  return {
    via: 'change-stream',
    close: () => guard('close the change stream', () => stream.close()),
    get resumeToken() {
      return stream.resumeToken ?? undefined;
    },
  };
}
