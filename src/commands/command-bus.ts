import type { DependencyContainer } from 'tsyringe';
import {
  CommandHandlerNotFoundError,
  DuplicateCommandHandlerError,
  InvalidOptionsError,
} from '../errors';
import {
  checkBoolean,
  checkKnownKeys,
  checkPlainObject,
  describeClass,
  describeValue,
} from '../options/option-checks';
import type { CommandClass, ICommand, ResultOf } from './command.interface';
import { COMMAND_BUS, type ICommandBus } from './command-bus.interface';
import {
  commandHandlerMetadataOf,
  decoratedCommandHandlerClasses,
  type CommandHandlerClass,
} from './command-handler.decorator';
import { commandClassOf, describeCommandClass } from './command-type-registry';
import { JOB_COMMAND_HANDLERS } from './job-commands/job-command.handlers';

/** Options of {@link CommandBus.register}. */
export interface CommandBusOptions {
  /**
   * The command handler classes this bus dispatches to.
   * @defaultValue every class decorated with `@CommandHandler` that has been loaded
   */
  readonly handlers?: readonly CommandHandlerClass[];
  /**
   * Whether Docket's handlers of `EnqueueJobCommand`, `ScheduleJobCommand` and
   * `DeleteJobCommand` are added to `handlers` (they resolve `JOB_SCHEDULER`, which
   * `Docket.create` registers in the same container). Set it to false to handle those
   * commands with handlers of your own.
   * @defaultValue true
   */
  readonly jobCommands?: boolean;
}

/** {@link CommandBusOptions}, validated, with defaults applied. */
interface ResolvedCommandBusOptions {
  readonly handlers: readonly CommandHandlerClass[];
}

/** One command class's handler, as the bus dispatches to it. */
interface CommandRegistration {
  readonly commandType: string;
  readonly handlerClass: CommandHandlerClass;
}

/**
 * Docket's command bus: a map from command classes to their one handler, each resolved from
 * a child of the caller's container per command.
 *
 * ```ts
 * const bus = CommandBus.register(container);           // also registers COMMAND_BUS
 * const jobId = await bus.execute(new EnqueueJobCommand(job));   // Promise<string>
 * ```
 */
export class CommandBus implements ICommandBus {
  private constructor(
    private readonly container: DependencyContainer,
    private readonly byCommandClass: ReadonlyMap<CommandClass, CommandRegistration>,
  ) {}

  /**
   * Builds a bus from handler classes, registers each class in `container` as a transient
   * class provider (unless the container already has its own registration for it), and
   * registers the bus under {@link COMMAND_BUS}. Nothing is registered if anything is
   * rejected. Works alongside `Docket.create({ container })` on the same container, in
   * either order.
   *
   * @param container - The caller's container; never the global one unless passed.
   * @param options - Handler classes and whether Docket's job-command handlers are added.
   * @throws InvalidOptionsError - for invalid options, a class not decorated with
   *   `@CommandHandler`, or a container that already holds its own `COMMAND_BUS`.
   * @throws DuplicateCommandHandlerError - when two classes handle the same command class.
   */
  static register(container: DependencyContainer, options: CommandBusOptions = {}): CommandBus {
    if (typeof (container as DependencyContainer | null)?.createChildContainer !== 'function') {
      throw new InvalidOptionsError('container must be a tsyringe DependencyContainer', {
        option: 'container',
      });
    }
    const resolved = resolveCommandBusOptions(options);
    const byCommandClass = new Map<CommandClass, CommandRegistration>();
    for (const handlerClass of new Set(resolved.handlers)) {
      const metadata =
        typeof handlerClass === 'function' ? commandHandlerMetadataOf(handlerClass) : undefined;
      if (metadata === undefined) {
        const what = describeClass(handlerClass);
        throw new InvalidOptionsError(
          `${what} is not a command handler: decorate it with @CommandHandler(TheCommandClass)`,
          { option: 'handlers' },
        );
      }
      const commandType = describeCommandClass(metadata.commandClass);
      const existing = byCommandClass.get(metadata.commandClass);
      if (existing !== undefined) {
        throw new DuplicateCommandHandlerError(
          commandType,
          existing.handlerClass.name,
          handlerClass.name,
        );
      }
      byCommandClass.set(metadata.commandClass, Object.freeze({ commandType, handlerClass }));
    }
    if (container.isRegistered(COMMAND_BUS, false)) {
      throw new InvalidOptionsError(
        'this container already has a COMMAND_BUS: register one bus per container ' +
          '(or a child container per bus)',
        { option: 'container' },
      );
    }
    for (const { handlerClass } of byCommandClass.values()) {
      if (!container.isRegistered(handlerClass)) {
        container.register(handlerClass, { useClass: handlerClass });
      }
    }
    const bus = new CommandBus(container, byCommandClass);
    container.registerInstance(COMMAND_BUS, bus);
    return bus;
  }

  /**
   * Executes `command` with its handler, resolved from a fresh child container that is
   * disposed once the handler settles.
   * @returns What the handler resolved with.
   * @throws UnknownCommandTypeError - when `command` is not an instance of a class.
   * @throws CommandHandlerNotFoundError - when no handler handles its class.
   * @throws whatever the handler throws; a TypeError when it does not return a promise.
   */
  async execute<C extends ICommand>(command: C): Promise<ResultOf<C>> {
    const commandClass = commandClassOf(command);
    const registration = this.byCommandClass.get(commandClass);
    if (registration === undefined) {
      throw new CommandHandlerNotFoundError(describeCommandClass(commandClass));
    }
    const child = this.container.createChildContainer();
    try {
      const handler = child.resolve(registration.handlerClass);
      const returned: unknown = handler.execute(command);
      if (!isThenable(returned)) {
        throw new TypeError(
          `${registration.handlerClass.name}.execute() must return a Promise, got ${describeValue(returned)}`,
        );
      }
      return (await returned) as ResultOf<C>;
    } finally {
      await child.dispose();
    }
  }

  /** The command classes this bus has handlers for, in registration order. */
  get commandClasses(): readonly CommandClass[] {
    return [...this.byCommandClass.keys()];
  }
}

function resolveCommandBusOptions(options: CommandBusOptions): ResolvedCommandBusOptions {
  checkPlainObject('options', options);
  checkKnownKeys('options', options, ['handlers', 'jobCommands']);
  if (options.handlers !== undefined && !Array.isArray(options.handlers)) {
    throw new InvalidOptionsError(
      `handlers must be an array of @CommandHandler classes, got ${describeValue(options.handlers)}`,
      { option: 'handlers' },
    );
  }
  const jobCommands =
    options.jobCommands === undefined ? true : checkBoolean('jobCommands', options.jobCommands);
  const handlers = options.handlers ?? decoratedCommandHandlerClasses();
  const jobHandlers = JOB_COMMAND_HANDLERS as readonly CommandHandlerClass[];
  return Object.freeze({
    handlers: jobCommands
      ? [...handlers, ...jobHandlers]
      : handlers.filter((handler) => !jobHandlers.includes(handler)),
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
