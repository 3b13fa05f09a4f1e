import { BaseCommand } from '../command.interface';

/**
 * Deletes a job (a waiting one never runs; a running one is aborted; a finished one is kept
 * as deleted). Its handler calls `IJobScheduler.delete(jobId)`; executing it resolves with
 * true when a job was deleted, false when it was unknown or already deleted.
 */
export class DeleteJobCommand extends BaseCommand<boolean> {
  /** @param jobId - The id `enqueue`/`schedule` (or their commands) resolved with. */
  constructor(readonly jobId: string) {
    super();
  }
}
