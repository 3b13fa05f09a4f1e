import { DocketError, DocketErrorDetails } from './docket-error';

/** A command was executed on a bus that has no handler for its class. */
export class CommandHandlerNotFoundError extends DocketError {
  /** The command's stable name (`@Command('name')`), else its class name. */
  readonly commandType: string;

  /**
   * @param commandType - The command's stable name, else its class name.
   * @param details - Further context (the job that ran the command...).
   */
  constructor(commandType: string, details: DocketErrorDetails = {}) {
    super(
      `No command handler is registered for '${commandType}': decorate a class with ` +
        '@CommandHandler(TheCommandClass) and make sure its module is loaded before ' +
        'CommandBus.register (or list it in its handlers option)',
      details,
    );
    this.commandType = commandType;
  }

  override get name(): string {
    return 'CommandHandlerNotFoundError';
  }

  override get code(): string {
    return 'COMMAND_HANDLER_NOT_FOUND';
  }
}
