/**
 * Thrown by {@link startStandIn} for options it cannot honour. The message names the
 * option, what is allowed and what was given.
 */
export class StandInOptionsError extends Error {
  /** A literal name, so that minified builds keep it. */
  override get name(): 'StandInOptionsError' {
    return 'StandInOptionsError';
  }

  /** The option that was refused. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}
