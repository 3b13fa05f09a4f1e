import type { ICommand, ResultOf } from './command.interface';

/**
 * Handles commands of one class. Decorate the class with `@CommandHandler(TheCommandClass)`;
 * the bus resolves a fresh instance from a child of your tsyringe container for every
 * command, so constructor-injected dependencies (scoped ones included) work.
 * @typeParam C - The command class handled.
 * @typeParam R - What `execute` resolves with; the command's own result type by default.
 */
export interface ICommandHandler<C extends ICommand, R = ResultOf<C>> {
  /**
   * Executes one command. Whatever it throws (or rejects with) is what `bus.execute`
   * rejects with.
   */
  execute(command: C): Promise<R>;
}
