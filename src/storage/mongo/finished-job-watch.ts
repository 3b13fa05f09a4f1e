import type { ChangeStreamOptions, Collection, Db, Document } from 'mongodb';
import { FINISHED_STATES, type JobRecord } from '../job-record';
import type { FinishedJobSource, FinishedJobWatch } from '../finished-jobs';
import { detectDeployment } from './deployment';
import { guard, storageError } from './mongo-errors';

/** Payload bigints are read back as `Long`, as `getJob` reads them, so both agree. */
const READ_OPTIONS = { promoteLongs: false } as const;

/**
 * {@link FinishedJobSource} on `<prefix>jobs`. The change stream matches updates that set
 * `state` to a finished one, and deletes (retention, or a document removed by hand): events
 * of every job, reduced to their id, which the caller filters by the jobs it waits for. An
 * update event does not carry the document (looking each one up would cost a read per
 * finished job of the whole deployment): the caller reads the few it waits for.
 */
export class MongoFinishedJobs implements FinishedJobSource {
  constructor(
    private readonly db: Db,
    private readonly jobs: Collection<JobRecord>,
  ) {}

  /**
   * Opens the stream, or resolves null on a standalone. It starts at the operation time of
   * the `hello` that detected the deployment, so it is armed when this resolves, although
   * the driver sends its `aggregate` only on its first read.
   */
  async watchFinishedJobs(
    onChange: (jobId: string) => void,
    onError: (error: unknown) => void,
  ): Promise<FinishedJobWatch | null> {
    const deployment = await detectDeployment(this.db);
    if (!deployment.changeStreams) return null;
    const start: ChangeStreamOptions = deployment.operationTime
      ? { startAtOperationTime: deployment.operationTime }
      : {};
    const stream = this.jobs.watch(
      [
        {
          $match: {
            $or: [
              {
                operationType: 'update',
                'updateDescription.updatedFields.state': { $in: [...FINISHED_STATES] },
              },
              { operationType: 'delete' },
            ],
          },
        },
        { $project: { _id: 1, documentKey: 1 } },
      ],
      start,
    );
    let closing = false;
    stream.on('change', (change: Document) => {
      const id: unknown = change.documentKey?._id;
      if (typeof id === 'string') onChange(id);
    });
    stream.on('error', (error) => onError(storageError('watch for finished jobs', error)));
    // A stream that ends without an error (the collection was dropped: an `invalidate`)
    // tells nothing more either.
    stream.on('close', () => {
      if (!closing) onError(storageError('watch for finished jobs', 'the change stream ended'));
    });
    return {
      close: () => {
        closing = true;
        return guard('close the change stream of finished jobs', () => stream.close());
      },
    };
  }

  findFinished(jobIds: readonly string[]): Promise<JobRecord[]> {
    return guard('read finished jobs', () =>
      this.jobs
        .find({ _id: { $in: [...jobIds] }, state: { $in: [...FINISHED_STATES] } }, READ_OPTIONS)
        .toArray(),
    );
  }

  findById(jobId: string): Promise<JobRecord | null> {
    return guard('read the job', () => this.jobs.findOne({ _id: jobId }, READ_OPTIONS), jobId);
  }
}
