import type { ChangeStreamOptions, Collection, Db, Document, ResumeToken } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { WorkWatch } from '../job-store';
import { guard, storageError } from './mongo-errors';

/**
 * Opens the change stream that tells a server of new due work in `queues` (see
 * `JobStore.watchForNewWork`), or resolves null on a standalone, which has none. Each event
 * carries the job's id. The driver opens the stream on its first read: starting at the
 * operation time of the hello that detected the deployment, it still sees a job inserted
 * meanwhile.
 */
export async function watchForNewWork(
  db: Db,
  jobs: Collection<JobRecord>,
  queues: readonly string[],
  onWork: (jobId: string) => void,
  onError: (error: unknown) => void,
  options: { readonly resumeAfter?: unknown },
): Promise<WorkWatch | null> {
  // Change streams need a replica set or a sharded cluster; a standalone refuses them.
  const hello = await guard('detect the deployment', () => db.admin().command({ hello: 1 }));
  if (!hello.setName && hello.msg !== 'isdbgrid') return null;
  const start: ChangeStreamOptions =
    options.resumeAfter !== undefined
      ? { resumeAfter: options.resumeAfter as ResumeToken }
      : hello.operationTime?._bsontype === 'Timestamp'
        ? { startAtOperationTime: hello.operationTime }
        : {};
  const stream = jobs.watch(
    [
      {
        $match: {
          $or: [
            {
              operationType: 'insert',
              'fullDocument.state': 'enqueued',
              'fullDocument.queue': { $in: [...queues] },
            },
            { operationType: 'update', 'updateDescription.updatedFields.state': 'enqueued' },
          ],
        },
      },
      { $project: { _id: 1, documentKey: 1 } },
    ],
    { fullDocument: 'default', ...start },
  );
  stream.on('change', (change: Document) => onWork(String(change.documentKey?._id)));
  stream.on('error', (error) => onError(storageError('watch for new work', error)));
  return {
    close: () => guard('close the change stream', () => stream.close()),
    get resumeToken() {
      return stream.resumeToken ?? undefined;
    },
  };
}
