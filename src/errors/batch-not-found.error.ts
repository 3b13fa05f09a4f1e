import { DocketError } from './docket-error';

/** No batch exists with the given id (e.g. `continueBatchWith` on an unknown id). */
export class BatchNotFoundError extends DocketError {
  /** The batch id that matched nothing. */
  readonly batchId: string;

  /** @param batchId - The id that matched no batch. */
  constructor(batchId: string) {
    super(`Batch '${batchId}' was not found`);
    this.batchId = batchId;
  }

  override get name(): string {
    return 'BatchNotFoundError';
  }

  override get code(): string {
    return 'BATCH_NOT_FOUND';
  }
}
