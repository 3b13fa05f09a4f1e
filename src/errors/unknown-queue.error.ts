import { DocketError } from './docket-error';

/**
 * `pauseQueue` or `resumeQueue` named a queue that no job, server, recurring job or stored
 * queue state knows: most often a typo, which would otherwise pause nothing (or leave the real queue
 * paused). Pass `{ allowUnknown: true }` to pause a queue ahead of time.
 */
export class UnknownQueueError extends DocketError {
  /** The queue that was named. */
  declare readonly queue: string;

  /**
   * @param queue - The queue that was named.
   * @param operation - `'pauseQueue'` or `'resumeQueue'`.
   */
  constructor(queue: string, operation: 'pauseQueue' | 'resumeQueue') {
    super(
      `${operation}: queue '${queue}' is unknown (no job, server, recurring job or stored ` +
        'queue state uses it). Check the name, or pass { allowUnknown: true } to ' +
        (operation === 'pauseQueue' ? 'pause it ahead of time' : 'accept it (nothing to resume)'),
      { queue },
    );
  }

  override get name(): string {
    return 'UnknownQueueError';
  }

  override get code(): string {
    return 'UNKNOWN_QUEUE';
  }
}
