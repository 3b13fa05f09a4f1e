import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A job event stream cannot go on from its position without losing events: the position has
 * left the deployment's window (the oplog no longer holds it on a replica set), or the
 * change stream was invalidated (the jobs collection was dropped or renamed). A new stream
 * without `after` starts from now; what happened meanwhile is in the jobs themselves
 * (`findJobs`, `getJob`).
 */
export class JobEventsLostError extends DocketError {
  /** The position the stream could not go on from. */
  readonly position: string | null;

  constructor(message: string, position: string | null, details: DocketErrorDetails = {}) {
    super(message, details);
    this.position = position;
  }

  override get name(): string {
    return 'JobEventsLostError';
  }

  override get code(): string {
    return 'JOB_EVENTS_LOST';
  }
}
