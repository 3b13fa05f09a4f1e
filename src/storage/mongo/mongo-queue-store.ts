import type { Collection, Db } from 'mongodb';
import { UNFINISHED_STATES, type JobRecord, type JobState } from '../job-record';
import { guard } from './mongo-errors';

/** A queue's stored state. */
interface QueueRecord {
  _id: string;
  paused: boolean;
  updatedAt: Date;
}

/** A queue as monitoring shows it. */
export interface QueueInfo {
  readonly name: string;
  readonly paused: boolean;
  /** Unfinished jobs of the queue by state (`enqueued`, `scheduled`, `processing`, `awaiting`). */
  readonly counts: Readonly<Partial<Record<JobState, number>>>;
}

/** Paused queues (`<prefix>queues`) and per-queue counts of unfinished jobs. */
export class MongoQueueStore {
  private readonly queues: Collection<QueueRecord>;
  private readonly jobs: Collection<JobRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.queues = db.collection<QueueRecord>(`${collectionPrefix}queues`);
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  /** Pauses or resumes a queue; true when its state changed. */
  async setPaused(queue: string, paused: boolean, now: Date): Promise<boolean> {
    const before = await guard(`${paused ? 'pause' : 'resume'} queue ${queue}`, () =>
      this.queues.findOneAndUpdate(
        { _id: queue },
        { $set: { paused, updatedAt: now } },
        { upsert: true, returnDocument: 'before', projection: { paused: 1 } },
      ),
    );
    return (before?.paused ?? false) !== paused;
  }

  /** The names of the paused queues. */
  async pausedQueues(): Promise<Set<string>> {
    const paused = await guard('read paused queues', () =>
      this.queues.find({ paused: true }, { projection: { _id: 1 } }).toArray(),
    );
    return new Set(paused.map((queue) => queue._id));
  }

  /** Every queue that has unfinished jobs or a stored state, with its counts. */
  async list(): Promise<QueueInfo[]> {
    const [counts, states] = await Promise.all([
      guard('count jobs per queue', () =>
        this.jobs
          .aggregate<{ _id: { queue: string; state: JobState }; n: number }>([
            { $match: { state: { $in: [...UNFINISHED_STATES] } } },
            { $group: { _id: { queue: '$queue', state: '$state' }, n: { $sum: 1 } } },
          ])
          .toArray(),
      ),
      guard('read queue states', () => this.queues.find().toArray()),
    ]);
    const byName = new Map<
      string,
      { paused: boolean; counts: Partial<Record<JobState, number>> }
    >();
    const entry = (name: string) => {
      let found = byName.get(name);
      if (!found) byName.set(name, (found = { paused: false, counts: {} }));
      return found;
    };
    for (const state of states) entry(state._id).paused = state.paused;
    for (const { _id, n } of counts) entry(_id.queue).counts[_id.state] = n;
    return [...byName.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, ...value }));
  }
}
