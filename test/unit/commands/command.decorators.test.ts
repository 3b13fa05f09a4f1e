import 'reflect-metadata';
import { COMMAND_HANDLER_METADATA, COMMAND_TYPE_METADATA } from '../../../src/constants';
import {
  BaseCommand,
  Command,
  CommandHandler,
  commandClassFor,
  commandHandlerMetadataOf,
  commandTypeOf,
  decoratedCommandHandlerClasses,
  type ICommandHandler,
} from '../../../src/commands';
import { DuplicateCommandTypeError, InvalidOptionsError } from '../../../src/errors';

@Command('decorators-test.rename')
class RenameCommand extends BaseCommand<boolean> {}

class Undecorated extends BaseCommand {}

describe('@Command', () => {
  it('records the stable name as metadata and in the name registry', () => {
    expect(Reflect.getOwnMetadata(COMMAND_TYPE_METADATA, RenameCommand)).toBe(
      'decorators-test.rename',
    );
    expect(commandTypeOf(RenameCommand)).toBe('decorators-test.rename');
    expect(commandTypeOf(new RenameCommand())).toBe('decorators-test.rename');
    expect(commandClassFor('decorators-test.rename')).toBe(RenameCommand);
  });

  it('gives no name to undecorated classes, nor to subclasses of named ones', () => {
    class Sub extends RenameCommand {}
    expect(commandTypeOf(Undecorated)).toBeUndefined();
    expect(commandTypeOf(Sub)).toBeUndefined();
    expect(commandClassFor('decorators-test.nothing')).toBeUndefined();
  });

  it('refuses a name another class holds with DuplicateCommandTypeError', () => {
    let error: unknown;
    try {
      @Command('decorators-test.rename')
      class Impostor {}
      void Impostor;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DuplicateCommandTypeError);
    expect(error).toMatchObject({
      commandType: 'decorators-test.rename',
      existingClassName: 'RenameCommand',
      newClassName: 'Impostor',
      code: 'DUPLICATE_COMMAND_TYPE',
    });
    expect(commandClassFor('decorators-test.rename')).toBe(RenameCommand);
  });

  it('is idempotent for the same name, and refuses a second name', () => {
    expect(() => Command('decorators-test.rename')(RenameCommand)).not.toThrow();
    expect(() => Command('decorators-test.other')(RenameCommand)).toThrow(
      /already decorated with @Command\('decorators-test.rename'\)/,
    );
  });

  it.each(['', '1abc', 'has space', 'x'.repeat(201), 42])('refuses the name %p', (name) => {
    expect(() => Command(name as string)).toThrow(InvalidOptionsError);
  });
});

describe('@CommandHandler', () => {
  it('records the command class and lists the handler as decorated', () => {
    @CommandHandler(RenameCommand)
    class RenameHandler implements ICommandHandler<RenameCommand> {
      async execute(): Promise<boolean> {
        return true;
      }
    }
    expect(commandHandlerMetadataOf(RenameHandler)).toEqual({ commandClass: RenameCommand });
    expect(Reflect.getOwnMetadata(COMMAND_HANDLER_METADATA, RenameHandler)).toBeDefined();
    expect(decoratedCommandHandlerClasses()).toContain(RenameHandler);
  });

  it('needs no @Command name: in-process commands are dispatched by class', () => {
    @CommandHandler(Undecorated)
    class UndecoratedHandler implements ICommandHandler<Undecorated> {
      async execute(): Promise<void> {}
    }
    expect(commandHandlerMetadataOf(UndecoratedHandler)?.commandClass).toBe(Undecorated);
  });

  it('refuses a missing command class (a circular import) and a second decoration', () => {
    class Handler {
      async execute(): Promise<void> {}
    }
    expect(() => CommandHandler(undefined as never)(Handler)).toThrow(/circular import/);
    CommandHandler(Undecorated)(Handler);
    expect(() => CommandHandler(Undecorated)(Handler)).toThrow(
      /already decorated with @CommandHandler/,
    );
  });

  it('leaves undecorated classes without metadata', () => {
    class Plain {
      async execute(): Promise<void> {}
    }
    expect(commandHandlerMetadataOf(Plain)).toBeUndefined();
  });
});
