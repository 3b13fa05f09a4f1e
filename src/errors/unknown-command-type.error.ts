import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * Something is not a known command: a value that is not a class instance was executed, a
 * class not decorated with `@Command` was given where a persisted command is needed, or a
 * stored command names a type no class loaded in this process is registered for.
 */
export class UnknownCommandTypeError extends DocketError {
  /** The persisted command name, when the error is about one. */
  declare readonly commandType?: string;

  /**
   * @param what - The full explanation, e.g. "Command type 'orders.cancel' is not known to
   *   this process: ...".
   * @param details - Further context; `commandType` is the persisted name, when there is one.
   */
  constructor(what: string, details: DocketErrorDetails & { commandType?: string } = {}) {
    const { commandType, ...rest } = details;
    super(what, rest);
    if (commandType !== undefined) this.commandType = commandType;
  }

  override get name(): string {
    return 'UnknownCommandTypeError';
  }

  override get code(): string {
    return 'UNKNOWN_COMMAND_TYPE';
  }
}
