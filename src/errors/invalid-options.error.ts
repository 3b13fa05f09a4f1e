import { DocketError, DocketErrorDetails } from './docket-error';

/** An option (of the server, the scheduler, a handler, an enqueue call...) is invalid. */
export class InvalidOptionsError extends DocketError {
  /** Path of the offending option, e.g. `'server.pollIntervalMs'`, when known. */
  declare readonly option?: string;

  /**
   * @param message - What is wrong and what is allowed, e.g.
   *   "pollIntervalMs must be an integer ≥ 10, got -5".
   * @param details - Further context; `details.option` names the option path.
   */
  constructor(message: string, details: DocketErrorDetails & { option?: string } = {}) {
    const { option, ...rest } = details;
    super(message, rest);
    if (option !== undefined) this.option = option;
  }

  override get name(): string {
    return 'InvalidOptionsError';
  }

  override get code(): string {
    return 'INVALID_OPTIONS';
  }
}
