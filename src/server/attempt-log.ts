import type { Logger } from 'winston';

/**
 * An attempt's logger: the server's, with the job's fields, made when first used. Most
 * attempts log nothing above debug, and winston formats every entry before its transports
 * drop the levels they do not write, so a debug line is only written when some transport
 * takes it, and the child logger only made for a line that is written.
 */
export class AttemptLog {
  private made: Logger | undefined;
  /** Whether a transport writes debug lines (asked once per attempt). */
  private writesDebug: boolean | undefined;

  constructor(
    private readonly root: Logger,
    private readonly fields: () => Record<string, unknown>,
  ) {}

  /** The job's logger (the server's child with the attempt's fields). */
  get logger(): Logger {
    this.made ??= this.root.child(this.fields());
    return this.made;
  }

  /** Logs a debug line, if a transport writes debug lines. */
  debug(message: string): void {
    this.writesDebug ??= writesLevel(this.root, 'debug');
    if (this.writesDebug) this.logger.debug(message);
  }
}

/**
 * Whether `logger` writes entries of `level` (winston's `isLevelEnabled`; a logger without
 * it is asked to log everything).
 */
function writesLevel(logger: Logger, level: string): boolean {
  return typeof logger.isLevelEnabled !== 'function' || logger.isLevelEnabled(level);
}
