import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import {
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { newJobRecord } from '../../../src/storage/new-job-record';
import type { JobState } from '../../../src/storage/job-record';

/** The customer an invoice job is for (a nested payload object). */
export class Customer {
  @IsInt() id!: number;
  @IsString() region!: string;
}

/** The job of the search tests: an invoice for a customer. */
@Job('search-it.invoice.send')
export class InvoiceJob implements IJob {
  @ValidateNested() @Type(() => Customer) customer!: Customer;
  @IsString() number!: string;
  @IsBoolean() @IsOptional() urgent?: boolean;
}

/** A second type sharing the `search-it.invoice.` prefix. */
@Job('search-it.invoice.archive')
export class ArchiveJob implements IJob {
  @IsString() number!: string;
}

/** What the next attempts of InvoiceJob do (default: succeed). */
export const invoiceBehaviour: { run: (job: InvoiceJob, ctx: JobContext) => Promise<void> } = {
  run: async () => undefined,
};

@JobHandler(InvoiceJob, { retries: 0, timeoutMs: 10_000 })
export class InvoiceHandler implements IJobHandler<InvoiceJob> {
  handle(job: InvoiceJob, ctx: JobContext): Promise<void> {
    return invoiceBehaviour.run(job, ctx);
  }
}

/** What a seeded job looks like: anything a stored job holds, with readable defaults. */
export interface SeededJob {
  readonly type?: string;
  readonly queue?: string;
  readonly state?: JobState;
  readonly payload?: Record<string, unknown>;
  readonly createdAt?: Date;
  readonly dueAt?: Date;
  readonly finishedAt?: Date | null;
  readonly error?: { name: string; message: string } | null;
  readonly uniqueKey?: string | null;
  readonly id?: string;
}

const FINISHED: readonly JobState[] = ['succeeded', 'failed', 'deleted'];

/**
 * Inserts jobs as they would be stored in the given states (no server runs them), in one
 * round trip; returns their ids in order. Times default to a fixed past day, a minute apart.
 */
export async function seedJobs(docket: Docket, jobs: readonly SeededJob[]): Promise<string[]> {
  const base = Date.UTC(2020, 0, 1);
  const records: JobRecord[] = jobs.map((job, i) => {
    const state = job.state ?? 'enqueued';
    const createdAt = job.createdAt ?? new Date(base + i * 60_000);
    const record = newJobRecord({
      id: job.id,
      type: job.type ?? 'search-it.invoice.send',
      queue: job.queue ?? 'default',
      priority: 0,
      payload: job.payload ?? { number: `N-${i}`, customer: { id: 1000 + i, region: 'eu' } },
      state,
      dueAt: job.dueAt ?? createdAt,
      now: createdAt,
      maxAttempts: null,
      timeoutMs: null,
      uniqueKey: FINISHED.includes(state) ? null : (job.uniqueKey ?? null),
    });
    const finishedAt =
      job.finishedAt !== undefined
        ? job.finishedAt
        : FINISHED.includes(state)
          ? new Date(createdAt.getTime() + 30_000)
          : null;
    return {
      ...record,
      uniqueKey: job.uniqueKey ?? null,
      finishedAt,
      attempt: state === 'enqueued' || state === 'scheduled' ? 0 : 1,
      error: job.error ?? (state === 'failed' ? { name: 'Error', message: 'failed' } : null),
      // A day from now, whatever the finish time: seeded finish times lie in the past, and the
      // TTL monitor (every 60 s) would delete jobs whose expiry passed in the middle of a test.
      expireAt: finishedAt === null ? null : new Date(Date.now() + 86_400_000),
    };
  });
  await jobsOf(docket).insertMany(records);
  return records.map((record) => record._id);
}

/** The jobs collection of a Docket, for tests that inspect or prepare storage. */
export function jobsOf(docket: Docket) {
  return docket.database.collection<JobRecord>(`${docket.collectionPrefix}jobs`);
}
