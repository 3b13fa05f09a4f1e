import type { Collection, Db, FindCursor, ObjectId } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { NewWorkListener, WorkWatch } from '../job-store';
import { detectDeployment } from './deployment';
import { guard, storageError } from './mongo-errors';

/** One notice: a job (or jobs) that became claimable, written after the jobs themselves. */
interface WorkNotice {
  _id?: ObjectId;
  /** The job's id; absent on a notice for several jobs, and on a watcher's start marker. */
  jobId?: string;
  queue?: string;
  dueAt?: Date;
  /** A watcher's start marker: where its tail begins. */
  marker?: string;
}

/** The capped collection's bounds: small, since notices matter only for a moment. */
const CAPPED_BYTES = 1_048_576;
const CAPPED_DOCS = 1_000;
/** The most notices one call writes: past this many jobs, they are grouped (see announce). */
const MAX_NOTICES_PER_CALL = 100;

/**
 * How long one `getMore` of the tail waits for a notice before answering empty (ms). A notice
 * ends the wait at once, so this bounds only what an idle server costs: one command per wait.
 */
export const TAIL_AWAIT_MS = 5_000;

/** MongoDB's code for an existing collection `create` was asked to make anew. */
const NAMESPACE_EXISTS = 48;

/**
 * Push pickup on a standalone server, which has no change streams (the approach
 * Hangfire.Mongo takes): every insert of a claimable job writes a small notice into a capped
 * collection, `<prefix>notices`, which each server follows with a tailable cursor. A notice
 * written after its job, never before, so a server woken by it finds the job.
 *
 * On a replica set or a sharded cluster nothing is written: servers follow the jobs
 * collection's change stream instead.
 */
export class WorkNotices {
  private readonly notices: Collection<WorkNotice>;
  /** Decided by `ensure()`: whether this deployment needs notices. */
  private enabled = false;

  constructor(
    private readonly db: Db,
    collectionPrefix: string,
    /** Told of a notice that could not be written (its job is stored; polling finds it). */
    private readonly onWriteError: (error: unknown) => void,
  ) {
    this.notices = db.collection<WorkNotice>(`${collectionPrefix}notices`);
  }

  /**
   * Finds out whether the deployment is a standalone server and, if so, creates the capped
   * collection (idempotent). A collection of that name that is not capped is an error: a
   * tailable cursor needs a capped one.
   */
  async ensure(): Promise<void> {
    this.enabled = !(await detectDeployment(this.db)).changeStreams;
    if (!this.enabled) return;
    await guard('create the notices collection', async () => {
      try {
        await this.db.createCollection(this.notices.collectionName, {
          capped: true,
          size: CAPPED_BYTES,
          max: CAPPED_DOCS,
        });
      } catch (error) {
        if ((error as { code?: unknown }).code !== NAMESPACE_EXISTS) throw error;
        const [info] = await this.db
          .listCollections({ name: this.notices.collectionName })
          .toArray();
        if (info && !(info as { options?: { capped?: boolean } }).options?.capped) {
          throw new Error(
            `collection ${this.notices.collectionName} exists and is not capped: drop it, and Docket creates it capped`,
          );
        }
      }
    });
  }

  /**
   * Writes notices of the claimable jobs (one round trip for any number), after the jobs were
   * stored: one per job, or, past {@link MAX_NOTICES_PER_CALL} jobs, one per queue and due
   * time, the earliest that many. The collection keeps 1,000 notices: one per job of a large
   * batch would overwrite a tail's position before it read them, and end the tail. A grouped
   * notice names no job: a server woken by it claims (a claim takes every due job of its
   * queues), at its due time; a job due later than every group written is found by the first
   * claim or poll after its due time. A failure is reported, not thrown: the jobs exist, and
   * polling finds them.
   */
  async announce(jobs: ReadonlyArray<Pick<JobRecord, '_id' | 'queue' | 'dueAt' | 'state'>>) {
    if (!this.enabled) return;
    const claimable = jobs.filter((job) => job.state === 'enqueued' || job.state === 'scheduled');
    if (claimable.length === 0) return;
    const notices =
      claimable.length <= MAX_NOTICES_PER_CALL
        ? claimable.map((job) => ({ jobId: job._id, queue: job.queue, dueAt: job.dueAt }))
        : groupedNotices(claimable);
    try {
      await this.notices.insertMany(notices, { ordered: false });
    } catch (error) {
      this.onWriteError(storageError('write the new-work notices', error));
    }
  }

  /**
   * Follows the notices of `queues` from now on, or resolves null where servers follow a
   * change stream instead. The tail starts at a marker it writes itself: notices follow it
   * in the collection's natural (insertion) order, whichever process wrote them, which an
   * `_id` or time filter could not promise across processes.
   */
  async tail(
    queues: readonly string[],
    onWork: NewWorkListener,
    onError: (error: unknown) => void,
  ): Promise<WorkWatch | null> {
    if (!this.enabled) return null;
    const marker = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    await guard('mark the start of the notices tail', () => this.notices.insertOne({ marker }));
    const cursor = this.notices.find(
      {},
      { tailable: true, awaitData: true, maxAwaitTimeMS: TAIL_AWAIT_MS },
    );
    const wanted = new Set(queues);
    let closed = false;
    const follow = async (source: FindCursor<WorkNotice>): Promise<void> => {
      let started = false;
      for await (const notice of source) {
        if (!started) {
          started = notice.marker === marker;
          continue;
        }
        if (notice.marker === undefined && wanted.has(notice.queue ?? ''))
          onWork(notice.jobId, notice.dueAt);
      }
      // A tailable cursor ends only when the server drops it (the collection was dropped,
      // or the marker was overwritten before it was read).
      if (!closed) throw new Error('the notices tail ended');
    };
    follow(cursor).catch((error: unknown) => {
      if (!closed) onError(storageError('follow the new-work notices', error));
    });
    return {
      via: 'notifications',
      close: async () => {
        closed = true;
        await guard('close the notices tail', () => cursor.close());
      },
    };
  }
}

/** One notice per queue and due time of `jobs`, the earliest {@link MAX_NOTICES_PER_CALL}. */
function groupedNotices(jobs: ReadonlyArray<Pick<JobRecord, 'queue' | 'dueAt'>>): WorkNotice[] {
  const groups = new Map<string, WorkNotice & { dueAt: Date }>();
  for (const { queue, dueAt } of jobs) {
    const key = `${dueAt.getTime()} ${queue}`;
    if (!groups.has(key)) groups.set(key, { queue, dueAt });
  }
  return [...groups.values()]
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
    .slice(0, MAX_NOTICES_PER_CALL);
}
