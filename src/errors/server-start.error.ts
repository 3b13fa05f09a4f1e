import { DocketError } from './docket-error';

/**
 * A job server could not start. What it had acquired by then (its registration, timers,
 * listeners, change stream) was released before this was thrown, so nothing of it keeps
 * running; the failure that stopped it is the `cause`.
 */
export class ServerStartError extends DocketError {
  /** The server that could not start. */
  readonly serverId: string;
  /** The step that failed, e.g. `'announce the server'` or `'recover abandoned work'`. */
  readonly step: string;

  /**
   * @param serverId - The server that could not start.
   * @param step - The step that failed.
   * @param cause - What that step threw.
   */
  constructor(serverId: string, step: string, cause: unknown) {
    super(
      `Server ${serverId} could not start: ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.serverId = serverId;
    this.step = step;
  }

  override get name(): string {
    return 'ServerStartError';
  }

  override get code(): string {
    return 'SERVER_START';
  }
}
