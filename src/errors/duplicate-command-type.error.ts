import { DocketError } from './docket-error';

/** Two different classes were decorated with the same `@Command('name')`. */
export class DuplicateCommandTypeError extends DocketError {
  /** The contested command name. */
  readonly commandType: string;
  /** Name of the class that registered the command name first. */
  readonly existingClassName: string;
  /** Name of the class that tried to take the same name. */
  readonly newClassName: string;

  /**
   * @param commandType - The contested command name.
   * @param existingClassName - The class already registered under it.
   * @param newClassName - The class that tried to register under it.
   */
  constructor(commandType: string, existingClassName: string, newClassName: string) {
    super(
      `Command name '${commandType}' is already used by class ${existingClassName}; ` +
        `class ${newClassName} must use another name`,
    );
    this.commandType = commandType;
    this.existingClassName = existingClassName;
    this.newClassName = newClassName;
  }

  override get name(): string {
    return 'DuplicateCommandTypeError';
  }

  override get code(): string {
    return 'DUPLICATE_COMMAND_TYPE';
  }
}
