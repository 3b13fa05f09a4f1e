import type { Collection, Db } from 'mongodb';
import { UNFINISHED_STATES, type JobRecord, type JobState } from '../job-record';
import type { QueueInfo } from '../queue-info';
import { guard } from './mongo-errors';

/** A queue's stored state. */
interface QueueRecord {
  _id: string;
  paused: boolean;
  updatedAt: Date;
}

export type { QueueInfo };

/** Paused queues (`<prefix>queues`) and the queues monitoring lists, with their counts. */
export class MongoQueueStore {
  private readonly queues: Collection<QueueRecord>;
  private readonly jobs: Collection<JobRecord>;
  private readonly servers: Collection<{ _id: string; queues: string[] }>;
  private readonly recurring: Collection<{ _id: string; queue: string }>;

  constructor(db: Db, collectionPrefix: string) {
    this.queues = db.collection<QueueRecord>(`${collectionPrefix}queues`);
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
    this.servers = db.collection(`${collectionPrefix}servers`);
    this.recurring = db.collection(`${collectionPrefix}recurring`);
  }

  /**
   * Pauses or resumes a queue. A queue with a stored state costs one round trip. Otherwise
   * the queue must be known (see {@link isKnown}) unless `allowUnknown`; then pausing stores
   * its state, and resuming has nothing to change.
   * @returns true when its state changed, false when it was in that state already, null when
   *   the queue is unknown and `allowUnknown` is false (nothing is written).
   */
  async setPaused(
    queue: string,
    paused: boolean,
    now: Date,
    allowUnknown: boolean,
  ): Promise<boolean | null> {
    const what = `${paused ? 'pause' : 'resume'} queue ${queue}`;
    const write = (upsert: boolean) =>
      guard(what, () =>
        this.queues.findOneAndUpdate(
          { _id: queue },
          { $set: { paused, updatedAt: now } },
          { upsert, returnDocument: 'before', projection: { paused: 1 } },
        ),
      );
    const stored = await write(false);
    if (stored) return stored.paused !== paused;
    if (!allowUnknown && !(await this.isKnown(queue))) return null;
    if (!paused) return false;
    // Upserted: another process may have stored the state since the first write.
    const before = await write(true);
    return (before?.paused ?? false) !== paused;
  }

  /**
   * Whether a job (in any state), a server's record or a recurring job names the queue:
   * three indexed or small reads, run in parallel.
   */
  async isKnown(queue: string): Promise<boolean> {
    const found = await guard(`look up queue ${queue}`, () =>
      Promise.all([
        this.jobs.findOne({ queue }, { projection: { _id: 1 } }),
        this.servers.findOne({ queues: queue }, { projection: { _id: 1 } }),
        this.recurring.findOne({ queue }, { projection: { _id: 1 } }),
      ]),
    );
    return found.some((document) => document !== null);
  }

  /** The names of the paused queues. */
  async pausedQueues(): Promise<Set<string>> {
    const paused = await guard('read paused queues', () =>
      this.queues.find({ paused: true }, { projection: { _id: 1 } }).toArray(),
    );
    return new Set(paused.map((queue) => queue._id));
  }

  /**
   * Every queue that has unfinished jobs, a stored state (paused, or paused once) or a server
   * serving it, with its counts: a queue stays listed, with zero counts, while nothing waits
   * in it. Besides the count of unfinished jobs, it reads the small queue and server
   * collections (one document per queue with a state, one per running server).
   */
  async list(): Promise<QueueInfo[]> {
    const [counts, states, servers] = await Promise.all([
      guard('count jobs per queue', () =>
        this.jobs
          .aggregate<{ _id: { queue: string; state: JobState }; n: number }>([
            { $match: { state: { $in: [...UNFINISHED_STATES] } } },
            { $group: { _id: { queue: '$queue', state: '$state' }, n: { $sum: 1 } } },
          ])
          .toArray(),
      ),
      guard('read queue states', () => this.queues.find().toArray()),
      guard('read the queues servers serve', () =>
        this.servers.find({}, { projection: { _id: 0, queues: 1 } }).toArray(),
      ),
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
    for (const server of servers) {
      for (const queue of Array.isArray(server.queues) ? server.queues : []) entry(queue);
    }
    for (const state of states) entry(state._id).paused = state.paused;
    for (const { _id, n } of counts) entry(_id.queue).counts[_id.state] = n;
    return [...byName.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, ...value }));
  }
}
