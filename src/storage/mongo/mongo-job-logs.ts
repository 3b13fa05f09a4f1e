import type { Collection, Db } from 'mongodb';
import type { JobRecord } from '../job-record';
import type {
  JobLogAppendResult,
  JobLogLimits,
  JobLogLine,
  JobLogPage,
  JobLogStore,
  StoredJobLogLine,
} from '../job-logs';
import type { JobLease } from '../job-store';
import { guard } from './mongo-errors';

/** A batch of a job's log lines (collection `<prefix>logs`): the lines `seq` to `end - 1`. */
interface LogBatch {
  jobId: string;
  attempt: number;
  fence: number;
  seq: number;
  end: number;
  lines: Array<JobLogLine & { truncated?: true }>;
}

/** How many log batches one sweep step reads, and how many steps one sweep takes at most. */
const SWEEP_STEP = 1_000;
const SWEEP_STEPS = 20;

/** The UTF-8 size a line counts against its job's byte limit. */
export function logLineBytes(line: JobLogLine): number {
  return Buffer.byteLength(line.message) + (line.meta ? Buffer.byteLength(line.meta) : 0);
}

/**
 * Jobs' logs in MongoDB: one document per batch an attempt flushed, keyed by its job and the
 * place of its first line in the job's log. Each append first counts its lines on the job
 * document, conditioned on the attempt's fence (the count before is where the batch goes),
 * then inserts them: a stale attempt is refused by the first write, and a batch whose count
 * landed holds lines logged while the attempt held the job. The job's totals also say when its
 * limits are reached.
 */
export class MongoJobLogs implements JobLogStore {
  private readonly logs: Collection<LogBatch>;
  private readonly jobs: Collection<JobRecord>;
  private sweptUpTo = '';

  constructor(db: Db, collectionPrefix: string) {
    this.logs = db.collection<LogBatch>(`${collectionPrefix}logs`);
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  /** The index reads and sweeps use: a job's batches in order of their last line. */
  async ensureIndexes(): Promise<void> {
    await guard('create the log indexes', () =>
      this.logs.createIndexes([{ key: { jobId: 1, end: 1 }, name: 'job-lines' }]),
    );
  }

  async append(
    lease: JobLease,
    attempt: number,
    lines: readonly JobLogLine[],
    limits: JobLogLimits,
  ): Promise<JobLogAppendResult> {
    if (lines.length === 0) return 'kept';
    const sizes = lines.map(logLineBytes);
    const before = await guard(
      'count job log lines',
      () =>
        this.jobs.findOneAndUpdate(
          // Processing, or succeeded by this very attempt (its transaction committed first).
          { _id: lease.jobId, fence: lease.fence, state: { $in: ['processing', 'succeeded'] } },
          { $inc: { logLines: lines.length, logBytes: sizes.reduce((a, b) => a + b, 0) } },
          { projection: { _id: 0, logLines: 1, logBytes: 1 }, returnDocument: 'before' },
        ),
      lease.jobId,
    );
    if (!before) return 'stale';
    const seq = before.logLines ?? 0;
    let bytes = before.logBytes ?? 0;
    // Totals count dropped lines too: past a limit, lines were dropped before (and said so).
    if (seq > limits.maxLines || bytes > limits.maxBytes) return 'truncated';
    const kept: LogBatch['lines'] = [];
    for (const [i, line] of lines.entries()) {
      if (seq + kept.length >= limits.maxLines || bytes + sizes[i]! > limits.maxBytes) break;
      kept.push(line);
      bytes += sizes[i]!;
    }
    const truncated = kept.length < lines.length;
    if (truncated) {
      kept.push({
        at: new Date(),
        level: 'warn',
        message: `The job's log reached its limit (${limits.maxLines} lines, ${limits.maxBytes} bytes): later lines were not kept`,
        truncated: true,
      });
    }
    await guard(
      'save job log lines',
      () =>
        this.logs.insertOne({
          jobId: lease.jobId,
          attempt,
          fence: lease.fence,
          seq,
          end: seq + kept.length,
          lines: kept,
        }),
      lease.jobId,
    );
    return truncated ? 'truncated' : 'kept';
  }

  async read(jobId: string, after: number, limit: number): Promise<JobLogPage> {
    return guard(
      'read job log lines',
      async () => {
        const lines: StoredJobLogLine[] = [];
        const batches = this.logs
          .find({ jobId, end: { $gt: after } }, { projection: { _id: 0, jobId: 0, fence: 0 } })
          .sort({ end: 1 })
          .batchSize(20);
        try {
          for await (const batch of batches) {
            for (const [i, line] of batch.lines.entries()) {
              const seq = batch.seq + i;
              if (seq < after) continue;
              if (lines.length === limit) return { lines, next: seq };
              lines.push({ ...line, seq, attempt: batch.attempt });
            }
          }
        } finally {
          await batches.close();
        }
        return { lines, next: null };
      },
      jobId,
    );
  }

  async sweep(): Promise<number> {
    let swept = 0;
    for (let step = 0; step < SWEEP_STEPS; step++) {
      swept += await this.sweepStep();
      if (this.sweptUpTo === '') break;
    }
    return swept;
  }

  /** One step of {@link sweep}: the next batches in job id order, starting over past the end. */
  private async sweepStep(): Promise<number> {
    const batches = await guard('sweep job logs', () =>
      this.logs
        .find({ jobId: { $gt: this.sweptUpTo } }, { projection: { _id: 0, jobId: 1 } })
        .sort({ jobId: 1 })
        .limit(SWEEP_STEP)
        .toArray(),
    );
    this.sweptUpTo = batches.length < SWEEP_STEP ? '' : batches[batches.length - 1]!.jobId;
    const ids = [...new Set(batches.map((batch) => batch.jobId))];
    if (ids.length === 0) return 0;
    const existing = await guard('sweep job logs', () =>
      this.jobs.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray(),
    );
    const alive = new Set(existing.map((job) => job._id));
    const gone = ids.filter((id) => !alive.has(id));
    if (gone.length > 0) {
      await guard('sweep job logs', () => this.logs.deleteMany({ jobId: { $in: gone } }));
    }
    return gone.length;
  }
}
