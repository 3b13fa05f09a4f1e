import type { InjectionToken } from 'tsyringe';
import type { ICommand, ResultOf } from './command.interface';

/**
 * Sends a command to its one handler and resolves with the handler's result. Docket's
 * `CommandBus` implements it; so can an adapter over a bus your application already has
 * (register it under {@link COMMAND_BUS}, and `ExecuteCommandJob` and sagas use it).
 */
export interface ICommandBus {
  /**
   * Executes `command` with its handler.
   * @returns What the handler resolved with, typed by the command (`ResultOf<C>`).
   * @throws whatever the handler throws, and the bus's own errors (for Docket's bus:
   *   `CommandHandlerNotFoundError`, `UnknownCommandTypeError`).
   */
  execute<C extends ICommand>(command: C): Promise<ResultOf<C>>;
}

/**
 * The container token of the {@link ICommandBus}: `CommandBus.register` registers Docket's
 * bus under it, `ExecuteCommandJob`'s handler and the saga runner resolve it.
 */
export const COMMAND_BUS: InjectionToken<ICommandBus> = Symbol.for('docket.ICommandBus');
