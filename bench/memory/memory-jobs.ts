import { IsInt } from 'class-validator';
import { injectable } from 'tsyringe';
import { Job, JobHandler, type IJob, type IJobHandler, type JobContext } from '../../src';
import type { MemoryWorkload } from './memory-protocol';

/** The workload of this process (`MEMORY_WORKLOAD`, set by the parent). */
export const WORKLOAD = (process.env.MEMORY_WORKLOAD ?? 'noop') as MemoryWorkload;

/** The job of the memory bench. */
@Job('bench.memory')
export class MemoryJob implements IJob {
  @IsInt() seq!: number;
}

/** A job numbered `seq`. */
export function memoryJob(seq: number): MemoryJob {
  return Object.assign(new MemoryJob(), { seq });
}

/**
 * Returns at once (`noop`, `scheduled`), logs a line and reports progress first (`log`), or
 * fails its first attempt, retried 10 to 20 ms later (`retry`).
 */
@injectable()
@JobHandler(MemoryJob, { backoff: { baseMs: 10, maxMs: 20 } })
export class MemoryHandler implements IJobHandler<MemoryJob> {
  async handle(_job: MemoryJob, context: JobContext): Promise<void> {
    if (WORKLOAD === 'log') {
      context.logger.info('working');
      await context.progress(50, 'half way');
    }
    if (WORKLOAD === 'retry' && context.attempt === 1) throw new Error('the first attempt fails');
  }
}
