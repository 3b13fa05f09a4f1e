import { DocketError, type DocketErrorDetails } from './docket-error';

/** A job cannot become unfinished again because another unfinished job holds its `uniqueKey`. */
export class UniqueKeyConflictError extends DocketError {
  /** The key both jobs carry. */
  readonly uniqueKey: string;
  /** The unfinished job holding the key, when known. */
  readonly existingJobId?: string;

  constructor(
    uniqueKey: string,
    existingJobId: string | undefined,
    details: DocketErrorDetails = {},
  ) {
    super(
      `Another unfinished job${existingJobId ? ` (${existingJobId})` : ''} holds uniqueKey ${JSON.stringify(uniqueKey)}`,
      details,
    );
    this.uniqueKey = uniqueKey;
    if (existingJobId !== undefined) this.existingJobId = existingJobId;
  }

  override get name(): string {
    return 'UniqueKeyConflictError';
  }

  override get code(): string {
    return 'UNIQUE_KEY_CONFLICT';
  }
}
