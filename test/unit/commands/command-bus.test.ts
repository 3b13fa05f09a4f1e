import { IsString } from 'class-validator';
import { container as rootContainer, inject, injectable, Lifecycle, scoped } from 'tsyringe';
import {
  BaseCommand,
  COMMAND_BUS,
  CommandBus,
  CommandHandler,
  EnqueueJobCommandHandler,
  JOB_COMMAND_HANDLERS,
  type ICommandHandler,
} from '../../../src/commands';
import { Command } from '../../../src/commands/command.decorator';
import {
  CommandHandlerNotFoundError,
  DocketError,
  DuplicateCommandHandlerError,
  InvalidOptionsError,
  UnknownCommandTypeError,
} from '../../../src/errors';

class Add extends BaseCommand<number> {
  constructor(
    readonly a: number,
    readonly b: number,
  ) {
    super();
  }
}

@Command('bus-test.greet')
class Greet extends BaseCommand<string> {
  @IsString() name!: string;
}

class Unhandled extends BaseCommand {}

class Broken extends BaseCommand<string> {}

/** One instance per resolution scope: the same object within one command execution. */
@injectable()
@scoped(Lifecycle.ContainerScoped)
class PerCommand {
  private static next = 0;
  readonly id = ++PerCommand.next;
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}

const seen: PerCommand[] = [];

@CommandHandler(Add)
class AddHandler implements ICommandHandler<Add> {
  constructor(
    @inject(PerCommand) private readonly first: PerCommand,
    @inject(PerCommand) private readonly second: PerCommand,
  ) {}

  async execute(command: Add): Promise<number> {
    if (this.first !== this.second) throw new Error('scoped dependency resolved twice');
    seen.push(this.first);
    return command.a + command.b;
  }
}

@CommandHandler(Greet)
class GreetHandler implements ICommandHandler<Greet> {
  async execute(command: Greet): Promise<string> {
    return `hello ${command.name}`;
  }
}

@CommandHandler(Greet)
class SecondGreetHandler implements ICommandHandler<Greet> {
  async execute(): Promise<string> {
    return 'again';
  }
}

@CommandHandler(Broken)
class BrokenHandler implements ICommandHandler<Broken> {
  execute(): Promise<string> {
    return 'not a promise' as unknown as Promise<string>;
  }
}

class Failing extends BaseCommand {}
const failure = new Error('handler said no');

@CommandHandler(Failing)
class FailingHandler implements ICommandHandler<Failing> {
  async execute(): Promise<void> {
    throw failure;
  }
}

class Silent extends BaseCommand {}

@CommandHandler(Silent)
class SilentHandler implements ICommandHandler<Silent> {
  execute(): Promise<void> {
    return undefined as unknown as Promise<void>;
  }
}

class Thenable extends BaseCommand<number> {}

@CommandHandler(Thenable)
class ThenableHandler implements ICommandHandler<Thenable> {
  execute(): Promise<number> {
    const thenable = { then: (resolve: (value: number) => void) => resolve(7) };
    return thenable as unknown as Promise<number>;
  }
}

const child = () => rootContainer.createChildContainer();

function registerError(container: unknown, options: unknown): unknown {
  try {
    CommandBus.register(container as never, options as never);
  } catch (error) {
    return error;
  }
  throw new Error('expected CommandBus.register to throw');
}

describe('CommandBus', () => {
  it('executes a command with its handler and resolves with the typed result', async () => {
    const bus = CommandBus.register(child(), { handlers: [AddHandler, GreetHandler] });
    const sum: number = await bus.execute(new Add(2, 3));
    expect(sum).toBe(5);
    const greeting: string = await bus.execute(Object.assign(new Greet(), { name: 'Ada' }));
    expect(greeting).toBe('hello Ada');
  });

  it('registers itself under COMMAND_BUS in the given container only', () => {
    const container = child();
    const bus = CommandBus.register(container, { handlers: [AddHandler] });
    expect(container.resolve(COMMAND_BUS)).toBe(bus);
    expect(rootContainer.isRegistered(COMMAND_BUS)).toBe(false);
    expect(container.isRegistered(AddHandler)).toBe(true);
  });

  it('resolves the handler from a fresh child container per execute, and disposes it', async () => {
    const bus = CommandBus.register(child(), { handlers: [AddHandler] });
    seen.length = 0;
    await bus.execute(new Add(1, 1));
    await bus.execute(new Add(1, 1));
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen.every((dependency) => dependency.disposed)).toBe(true);
  });

  it('rejects with CommandHandlerNotFoundError for a command without a handler', async () => {
    const bus = CommandBus.register(child(), { handlers: [AddHandler] });
    const error = await bus.execute(new Unhandled()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandHandlerNotFoundError);
    expect(error).toBeInstanceOf(DocketError);
    expect((error as CommandHandlerNotFoundError).commandType).toBe('Unhandled');
    expect((error as Error).message).toMatch(/@CommandHandler\(TheCommandClass\)/);
  });

  it('names a persisted command by its stable name in errors', async () => {
    const bus = CommandBus.register(child(), { handlers: [AddHandler] });
    const error = await bus.execute(new Greet()).catch((e: unknown) => e);
    expect((error as CommandHandlerNotFoundError).commandType).toBe('bus-test.greet');
    expect((error as CommandHandlerNotFoundError).code).toBe('COMMAND_HANDLER_NOT_FOUND');
  });

  it('rejects values that are not command instances with UnknownCommandTypeError', async () => {
    const bus = CommandBus.register(child(), { handlers: [AddHandler] });
    for (const value of [null, undefined, 'add', 42, [new Add(1, 2)], { a: 1, b: 2 }]) {
      await expect(bus.execute(value as never)).rejects.toBeInstanceOf(UnknownCommandTypeError);
    }
  });

  it('refuses two handlers for one command class with DuplicateCommandHandlerError', () => {
    const container = child();
    let error: unknown;
    try {
      CommandBus.register(container, { handlers: [GreetHandler, SecondGreetHandler] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DuplicateCommandHandlerError);
    expect(error).toMatchObject({
      commandType: 'bus-test.greet',
      existingHandlerName: 'GreetHandler',
      newHandlerName: 'SecondGreetHandler',
      code: 'DUPLICATE_COMMAND_HANDLER',
    });
    // Nothing was registered.
    expect(container.isRegistered(COMMAND_BUS)).toBe(false);
    expect(container.isRegistered(GreetHandler)).toBe(false);
  });

  it('passes handler failures through unchanged', async () => {
    const bus = CommandBus.register(child(), { handlers: [FailingHandler] });
    await expect(bus.execute(new Failing())).rejects.toBe(failure);
  });

  it('fails a handler that does not return a promise with a TypeError', async () => {
    const bus = CommandBus.register(child(), { handlers: [BrokenHandler] });
    await expect(bus.execute(new Broken())).rejects.toThrow(
      /BrokenHandler\.execute\(\) must return a Promise/,
    );
  });

  it('adds the job-command handlers unless jobCommands is false', () => {
    const withJobs = CommandBus.register(child(), { handlers: [AddHandler] });
    expect(withJobs.commandClasses).toHaveLength(1 + JOB_COMMAND_HANDLERS.length);
    const without = CommandBus.register(child(), {
      handlers: [AddHandler, EnqueueJobCommandHandler],
      jobCommands: false,
    });
    expect(without.commandClasses).toEqual([Add]);
  });

  it('leaves a handler class the container already provides as it is', async () => {
    const container = child();
    const custom = { execute: async (command: Add) => command.a * command.b };
    container.register(AddHandler, { useValue: custom as unknown as AddHandler });
    const bus = CommandBus.register(container, { handlers: [AddHandler] });
    expect(await bus.execute(new Add(3, 4))).toBe(12);
  });

  it('fails a handler that returns nothing, naming what it returned', async () => {
    const bus = CommandBus.register(child(), { handlers: [SilentHandler] });
    await expect(bus.execute(new Silent())).rejects.toThrow(
      new TypeError('SilentHandler.execute() must return a Promise, got undefined'),
    );
    const broken = CommandBus.register(child(), { handlers: [BrokenHandler] });
    await expect(broken.execute(new Broken())).rejects.toThrow(
      new TypeError('BrokenHandler.execute() must return a Promise, got "not a promise"'),
    );
  });

  it('accepts any thenable a handler returns', async () => {
    const bus = CommandBus.register(child(), { handlers: [ThenableHandler] });
    await expect(bus.execute(new Thenable())).resolves.toBe(7);
  });

  it('takes a handler listed twice once', async () => {
    const bus = CommandBus.register(child(), { handlers: [AddHandler, AddHandler] });
    expect(bus.commandClasses).toContain(Add);
    expect(await bus.execute(new Add(1, 2))).toBe(3);
  });

  it.each<[string, unknown, string, string]>([
    [
      'a class that is not a handler',
      { handlers: [class NotAHandler {}] },
      'NotAHandler is not a command handler: decorate it with @CommandHandler(TheCommandClass)',
      'handlers',
    ],
    [
      'an anonymous class',
      { handlers: [class {}] },
      'an anonymous class is not a command handler: decorate it with @CommandHandler(TheCommandClass)',
      'handlers',
    ],
    [
      'a handler instance instead of its class',
      { handlers: [new GreetHandler()] },
      'an instance of GreetHandler is not a command handler: decorate it with @CommandHandler(TheCommandClass)',
      'handlers',
    ],
    [
      'a handler class name instead of the class',
      { handlers: ['AddHandler'] },
      '"AddHandler" is not a command handler: decorate it with @CommandHandler(TheCommandClass)',
      'handlers',
    ],
    [
      'a missing handler',
      { handlers: [AddHandler, undefined] },
      'undefined is not a command handler: decorate it with @CommandHandler(TheCommandClass)',
      'handlers',
    ],
    [
      'handlers that are not an array',
      { handlers: AddHandler },
      'handlers must be an array of @CommandHandler classes, got a function',
      'handlers',
    ],
    [
      'handlers that are null',
      { handlers: null },
      'handlers must be an array of @CommandHandler classes, got null',
      'handlers',
    ],
    ['a misspelt option', { handler: [AddHandler] }, "unknown option 'handler'", 'options.handler'],
    [
      'a jobCommands that is not a boolean',
      { jobCommands: 'yes' },
      'jobCommands must be a boolean, got "yes"',
      'jobCommands',
    ],
    ['options that are not an object', 'all', 'options must be', 'options'],
  ])('refuses %s with InvalidOptionsError', (_label, options, message, option) => {
    const container = child();
    const error = registerError(container, options);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toContain(message);
    expect(error).toMatchObject({ option });
    expect((error as InvalidOptionsError).code).toBe('INVALID_OPTIONS');
    // Nothing was registered.
    expect(container.isRegistered(COMMAND_BUS)).toBe(false);
    expect(container.isRegistered(AddHandler)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['an object', {}],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s as the container', (_label, container) => {
    const error = registerError(container, { handlers: [AddHandler] });
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({
      message: 'container must be a tsyringe DependencyContainer',
      option: 'container',
    });
  });

  it('refuses a second bus in the same container', () => {
    const container = child();
    const first = CommandBus.register(container, { handlers: [AddHandler] });
    expect(registerError(container, { handlers: [GreetHandler] })).toMatchObject({
      message:
        'this container already has a COMMAND_BUS: register one bus per container ' +
        '(or a child container per bus)',
      option: 'container',
    });
    expect(container.resolve(COMMAND_BUS)).toBe(first);
    expect(container.isRegistered(GreetHandler)).toBe(false);
    // A child container may have a bus of its own.
    expect(() =>
      CommandBus.register(container.createChildContainer(), { handlers: [] }),
    ).not.toThrow();
  });
});
