import { DocketError, type DocketErrorDetails } from './docket-error';

/** The abort reason a stopping server gives the handlers it can no longer wait for. */
export class ServerStoppingError extends DocketError {
  /** @param serverId - The stopping server. */
  constructor(serverId: string, details: DocketErrorDetails = {}) {
    super(`Server ${serverId} is stopping: the job will be released to another server`, details);
  }

  override get name(): string {
    return 'ServerStoppingError';
  }

  override get code(): string {
    return 'SERVER_STOPPING';
  }
}
