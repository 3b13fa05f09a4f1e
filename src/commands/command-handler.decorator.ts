import 'reflect-metadata';
import { injectable } from 'tsyringe';
import { COMMAND_HANDLER_METADATA } from '../constants';
import { InvalidOptionsError } from '../errors';
import { describeValue } from '../options/option-checks';
import type { CommandClass, ICommand, ResultOf } from './command.interface';
import type { ICommandHandler } from './command-handler.interface';

/**
 * Constructor of a command handler class, whatever its (injected) constructor parameters.
 * It is tsyringe's own `constructor<T>` shape, so it can be passed to `container.resolve`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tsyringe's InjectionToken takes `new (...args: any[])`; a `never[]` signature would not be accepted by `container.resolve`
export type CommandHandlerClass = new (...args: any[]) => ICommandHandler<ICommand, unknown>;

/** What `@CommandHandler` records on a handler class. */
export interface CommandHandlerMetadata {
  /** The command class handled. */
  readonly commandClass: CommandClass;
}

const handlerClasses: CommandHandlerClass[] = [];

/**
 * Declares a class as the handler of a command class. It only records metadata (and makes
 * the class injectable with tsyringe); `CommandBus.register(container)` registers the
 * decorated classes in your container. The compiler checks that `execute` takes the command
 * and resolves with its result type.
 *
 * ```ts
 * @CommandHandler(CancelUnpaidOrder)
 * export class CancelUnpaidOrderHandler implements ICommandHandler<CancelUnpaidOrder> {
 *   constructor(@inject(OrderRepository) private readonly orders: OrderRepository) {}
 *   async execute(command: CancelUnpaidOrder): Promise<boolean> { ... }
 * }
 * ```
 *
 * @param commandClass - The command class this handler handles (by its exact class:
 *   a subclass needs its own handler).
 * @throws InvalidOptionsError - when `commandClass` is not a class (it is `undefined` with
 *   circular imports), or the class is already a command handler.
 */
export function CommandHandler<C extends ICommand>(
  commandClass: CommandClass<C>,
): <H extends new (...args: never[]) => ICommandHandler<C, ResultOf<C>>>(target: H) => void {
  return (target) => {
    const handlerClass = target as unknown as CommandHandlerClass;
    const handlerName = handlerClass.name || 'an anonymous class';
    if (typeof commandClass !== 'function') {
      throw new InvalidOptionsError(
        `@CommandHandler on ${handlerName} needs a command class, got ${describeValue(commandClass)} ` +
          '(is there a circular import?)',
        { option: 'commandClass' },
      );
    }
    if (Reflect.getOwnMetadata(COMMAND_HANDLER_METADATA, handlerClass) !== undefined) {
      throw new InvalidOptionsError(
        `${handlerName} is already decorated with @CommandHandler: a class handles one command class`,
        { option: 'commandClass' },
      );
    }
    injectable()(handlerClass);
    const metadata: CommandHandlerMetadata = Object.freeze({ commandClass });
    Reflect.defineMetadata(COMMAND_HANDLER_METADATA, metadata, handlerClass);
    handlerClasses.push(handlerClass);
  };
}

/**
 * Every class decorated with `@CommandHandler` so far in this process, in decoration order.
 * A handler is listed once its module has been loaded.
 */
export function decoratedCommandHandlerClasses(): readonly CommandHandlerClass[] {
  return [...handlerClasses];
}

/** The `@CommandHandler` metadata of a class, or `undefined` if it is not decorated. */
export function commandHandlerMetadataOf(
  handlerClass: CommandHandlerClass,
): CommandHandlerMetadata | undefined {
  const metadata: unknown = Reflect.getOwnMetadata(COMMAND_HANDLER_METADATA, handlerClass);
  return metadata as CommandHandlerMetadata | undefined;
}
