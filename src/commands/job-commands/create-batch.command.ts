import type { BatchSpec, CreateBatchOptions } from '../../batches/batch-types';
import { BaseCommand } from '../command.interface';

/**
 * Creates a batch of jobs: what a saga emits to start many jobs at once, with continuations
 * when all of them ended. Its handler calls `IJobScheduler.createBatch(spec, options)`;
 * executing it resolves with the batch id.
 *
 * ```ts
 * const batchId = await bus.execute(
 *   new CreateBatchCommand({ jobs: lines.map((line) => new ShipLine(line)) }),
 * );
 * ```
 */
export class CreateBatchCommand extends BaseCommand<string> {
  /**
   * @param spec - The batch: jobs, nested batches, continuations (see `BatchSpec`).
   * @param options - As for `IJobScheduler.createBatch`, passed through unchanged.
   */
  constructor(
    readonly spec: BatchSpec,
    readonly options?: CreateBatchOptions,
  ) {
    super();
  }
}
