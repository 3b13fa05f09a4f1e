import { DocketError } from './docket-error';

/** Two handler classes handle the same command class; a command has exactly one handler. */
export class DuplicateCommandHandlerError extends DocketError {
  /** The command's stable name (`@Command('name')`), else its class name. */
  readonly commandType: string;
  /** Name of the handler class registered first. */
  readonly existingHandlerName: string;
  /** Name of the second handler class for the same command. */
  readonly newHandlerName: string;

  /**
   * @param commandType - The command both handlers handle.
   * @param existingHandlerName - The handler registered first.
   * @param newHandlerName - The handler that clashes with it.
   */
  constructor(commandType: string, existingHandlerName: string, newHandlerName: string) {
    super(
      `Command '${commandType}' has two handlers, ${existingHandlerName} and ${newHandlerName}: ` +
        'a command has exactly one handler',
    );
    this.commandType = commandType;
    this.existingHandlerName = existingHandlerName;
    this.newHandlerName = newHandlerName;
  }

  override get name(): string {
    return 'DuplicateCommandHandlerError';
  }

  override get code(): string {
    return 'DUPLICATE_COMMAND_HANDLER';
  }
}
