/**
 * The no-op jobs of `npm run bench:isolation`, one per isolation mode. This module is also
 * the bench server's `isolation.bootstrap`: its workers load it to register the same classes.
 */
import { Job } from '../src/jobs/job.decorator';
import { JobHandler } from '../src/handlers/job-handler.decorator';
import type { IJob } from '../src/jobs/job.interface';
import type { IJobHandler } from '../src/handlers/job-handler.interface';
import type { IsolationMode } from '../src/handlers/job-handler-options';

/** Each handler returns when it started (`Date.now()`: one clock for server and workers). */
class StartTimeHandler implements IJobHandler<IJob, number> {
  async handle(): Promise<number> {
    return Date.now();
  }
}

@Job('bench.isolation.inline')
export class InlineNoop implements IJob {}
@JobHandler(InlineNoop, { isolation: 'inline' })
export class InlineNoopHandler extends StartTimeHandler {}

@Job('bench.isolation.thread')
export class ThreadNoop implements IJob {}
@JobHandler(ThreadNoop, { isolation: 'thread' })
export class ThreadNoopHandler extends StartTimeHandler {}

@Job('bench.isolation.process')
export class ProcessNoop implements IJob {}
@JobHandler(ProcessNoop, { isolation: 'process' })
export class ProcessNoopHandler extends StartTimeHandler {}

export const NOOP_JOBS: Record<IsolationMode, new () => IJob> = {
  inline: InlineNoop,
  thread: ThreadNoop,
  process: ProcessNoop,
};

export const NOOP_HANDLERS = [InlineNoopHandler, ThreadNoopHandler, ProcessNoopHandler];
