import type { ChangeStream, Collection, Db, Document } from 'mongodb';
import { CLAIMABLE_STATES, type JobRecord } from '../../src/storage/job-record';
import { claimUpdate, outcomeUpdate } from '../../src/storage/mongo/mongo-batch-writes';
import { STREAM_AWAIT_MS } from '../../src/storage/mongo/new-work-watch';
import { TAIL_AWAIT_MS } from '../../src/storage/mongo/work-notices';
import { resolveRetention } from '../../src/storage/retention';

/** What the ceiling tells the worker: a job started (its payload's seq and enqueue time), and ended. */
export interface PickupHooks {
  onStart(seq: number, enqueuedAt: number): void;
  onCompleted(): void;
}

const SERVER_ID = 'ceiling';
const LEASE_MS = 30_000;

/**
 * The pickup ceiling: how soon a raw-driver loop starts a job another process stored,
 * hearing of it the way Docket does (the jobs' change stream on a replica set, the tail of
 * Docket's notices on a standalone) and claiming it in one `findOneAndUpdate` by id, with
 * Docket's own claim update, then recording its success. No handler, validation, events,
 * lanes or batching stand between the news and the claim: Docket's latency against it is
 * what its own pickup path costs. Each wait for news lasts as long as Docket's, so that idle,
 * the listener costs what Docket's listening alone costs.
 */
export class PickupCeiling {
  private readonly jobs: Collection<JobRecord>;
  private stream: ChangeStream<JobRecord> | undefined;
  private tail: { close(): Promise<void> } | undefined;
  private stopped = false;
  private readonly retention = resolveRetention(undefined);

  constructor(
    private readonly db: Db,
    private readonly hooks: PickupHooks,
  ) {
    this.jobs = db.collection<JobRecord>('docket.jobs');
  }

  /** Starts listening; resolves once news of jobs stored from now on will be heard. */
  async start(): Promise<void> {
    const hello = await this.db.admin().command({ hello: 1 });
    if (typeof hello.setName === 'string') await this.watch();
    else await this.tailNotices();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stream?.close();
    await this.tail?.close();
  }

  private async watch(): Promise<void> {
    const stream = this.jobs.watch<JobRecord>([{ $match: { operationType: 'insert' } }], {
      maxAwaitTimeMS: STREAM_AWAIT_MS,
    });
    this.stream = stream;
    stream.on('change', (change) => {
      if (change.operationType === 'insert') void this.claim(change.documentKey._id);
    });
    stream.on('error', () => undefined);
    // The stream is open (and will see later inserts) once its first getMore is sent.
    await new Promise<void>((resolve) => {
      stream.once('init', () => resolve());
      setTimeout(resolve, 1_000).unref();
    });
  }

  private async tailNotices(): Promise<void> {
    const notices = this.db.collection<Document>('docket.notices');
    // A tailable cursor on a capped collection without a document past its start is dead at
    // once: as Docket's own tail does, it starts at a marker of its own.
    const { insertedId } = await notices.insertOne({ marker: SERVER_ID });
    const cursor = notices.find(
      { _id: { $gte: insertedId } },
      { tailable: true, awaitData: true, maxAwaitTimeMS: TAIL_AWAIT_MS },
    );
    this.tail = cursor;
    void (async () => {
      try {
        for await (const notice of cursor) {
          if (this.stopped) break;
          if (typeof notice.jobId === 'string') void this.claim(notice.jobId);
        }
      } catch {
        // Closed by stop().
      }
    })();
  }

  private async claim(jobId: string): Promise<void> {
    if (this.stopped) return;
    const now = new Date();
    const request = {
      queues: ['default'],
      jobTypes: [],
      serverId: SERVER_ID,
      leaseMs: LEASE_MS,
      now,
    };
    const job = await this.jobs.findOneAndUpdate(
      { _id: jobId, state: { $in: [...CLAIMABLE_STATES] }, dueAt: { $lte: now } },
      claimUpdate(request),
      { returnDocument: 'after', projection: { history: 0 } },
    );
    if (!job) return;
    const payload = job.payload as { seq: number; enqueuedAt: number };
    this.hooks.onStart(payload.seq, payload.enqueuedAt);
    const lease = { jobId: job._id, fence: job.fence };
    await this.jobs.updateOne(
      { _id: job._id, fence: job.fence, state: 'processing' },
      outcomeUpdate(
        {
          lease,
          outcome: { state: 'succeeded', durationMs: 0 },
          serverId: SERVER_ID,
          now: new Date(),
        },
        this.retention,
      ),
    );
    this.hooks.onCompleted();
  }
}
